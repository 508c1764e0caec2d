/** Types and calls for the playground JSON API (see the server in ../). */

import type { ChannelMessagesView, ClickResult, SayResult, ShortcutResult, SubmitResult, WorkspaceView } from '../api-types.js';

export type { ChannelView as Channel, FormView, MessageView as Message, PersonView as Person, SayResult, ShortcutView as Shortcut, WorkspaceView as Workspace } from '../api-types.js';
export type { ClickResult as ActionResult, SubmitResult as FormResult } from '../api-types.js';

/** A refusal or failure, worded for a person. */
export class ApiError extends Error {}

const BASE = '/playground/api';

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      credentials: 'same-origin',
      headers: method === 'POST' ? { 'Content-Type': 'application/json' } : {},
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
  } catch {
    throw new ApiError('Could not reach po-desk. Is it still running?');
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = data && typeof data === 'object' && 'error' in data ? String(data.error) : '';
    throw new ApiError(error || `po-desk answered with an error (HTTP ${res.status}).`);
  }
  return data as T;
}

const q = (as: string) => `?as=${encodeURIComponent(as)}`;

export const api = {
  /** Without `as`, the server picks the first person of the demo (its Product Owner). */
  workspace: (as: string | null) => request<WorkspaceView>('GET', as === null ? '/workspace' : `/workspace${q(as)}`),
  messages: (channelId: string, as: string) =>
    request<ChannelMessagesView>('GET', `/channels/${encodeURIComponent(channelId)}/messages${q(as)}`),
  say: (body: { as: string; channelId: string; text: string; threadId?: string }) => request<SayResult>('POST', '/say', body),
  action: (body: { as: string; channelId: string; messageId: string; actionId: string; value: string }) =>
    request<ClickResult>('POST', '/action', body),
  shortcut: (body: { as: string; channelId: string; messageId: string; callbackId: string }) => request<ShortcutResult>('POST', '/shortcut', body),
  form: (body: { as: string; channelId: string; callbackId: string; metadata: string | null; values: Record<string, string> }) =>
    request<SubmitResult>('POST', '/form', body),
  clock: (body: { advanceMinutes: number } | { to: string }) => request<{ now: string }>('POST', '/clock', body),
  reset: () => request<{ ok: true }>('POST', '/reset'),
  eventsUrl: `${BASE}/events`,
};
