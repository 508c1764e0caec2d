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

/** The plain-text form of rich text: used for notification fallbacks and tests. */
export function plainText(text: Rich): string {
  return text
    .map((s) => {
      switch (s.type) {
        case 'text':
          return s.text;
        case 'user':
          return `@${s.name ?? s.userId}`;
        case 'channel':
          return `#${s.name ?? s.channelId}`;
        case 'link':
          return s.label;
        case 'date':
          return s.at.toISOString();
      }
    })
    .join('');
}

/** A one-line summary of a message: the first textual block. */
export function summary(m: Message): string {
  for (const b of m.blocks) {
    if (b.type === 'header') return b.text;
    if (b.type === 'section' || b.type === 'context') return plainText(b.text);
  }
  return '';
}
