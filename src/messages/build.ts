import type { Block, Button, Message, Rich, Span } from './model.js';

/** Build rich text from plain strings (treated as literal text) and spans. */
export function rich(...parts: (string | Span)[]): Rich {
  return parts.map((p) => (typeof p === 'string' ? { type: 'text', text: p } : p));
}

export const bold = (text: string): Span => ({ type: 'text', text, style: 'bold' });
export const code = (text: string): Span => ({ type: 'text', text, style: 'code' });
export const user = (userId: string, name?: string): Span => ({ type: 'user', userId, name });

export const section = (...parts: (string | Span)[]): Block => ({ type: 'section', text: rich(...parts) });
export const context = (...parts: (string | Span)[]): Block => ({ type: 'context', text: rich(...parts) });
export const header = (text: string): Block => ({ type: 'header', text });
export const actions = (...buttons: Button[]): Block => ({ type: 'actions', buttons });

export function message(...blocks: Block[]): Message {
  return { blocks };
}
