/** Types and calls for the playground JSON API (see the server in ../). */

export interface Person { id: string; handle: string; name: string; role: string; timeZone: string }
export interface Channel { id: string; name: string; kind: 'channel' | 'dm'; topic: string }
export interface JobRun { job: string; slot: string; status: string }

export interface Workspace {
  product: string;
  now: string;
  offsetMs: number;
  clockAdjustable: boolean;
  clockNote: string | null;
  as: string;
  people: Person[];
  channels: Channel[];
  calendar: { title: string; items: { label: string; when: string }[] } | null;
  jobRuns: JobRun[];
}

export interface Message {
  id: string;
  threadId: string | null;
  author: { id: string; name: string } | null;
  ephemeral: boolean;
  command: string | null;
  at: string;
  edited: boolean;
  html: string;
}

export interface FormView { callbackId: string; title: string; submitLabel: string; metadata: string | null; html: string }

export type SayResult = { kind: 'posted'; messageId: string } | { kind: 'reply' } | { kind: 'form'; form: FormView };
export type ActionResult = { kind: 'reply' } | { kind: 'replace' } | { kind: 'form'; form: FormView };
export type FormResult = { kind: 'invalid'; errors: Record<string, string> } | { kind: 'done'; html: string };

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
  workspace: (as: string | null) => request<Workspace>('GET', as === null ? '/workspace' : `/workspace${q(as)}`),
  messages: (channelId: string, as: string) =>
    request<{ channel: Channel; messages: Message[] }>('GET', `/channels/${encodeURIComponent(channelId)}/messages${q(as)}`),
  say: (body: { as: string; channelId: string; text: string; threadId?: string }) => request<SayResult>('POST', '/say', body),
  action: (body: { as: string; channelId: string; messageId: string; actionId: string; value: string }) =>
    request<ActionResult>('POST', '/action', body),
  form: (body: { as: string; channelId: string; callbackId: string; metadata: string | null; values: Record<string, string> }) =>
    request<FormResult>('POST', '/form', body),
  clock: (body: { advanceMinutes: number } | { to: string }) => request<{ now: string }>('POST', '/clock', body),
  reset: () => request<{ ok: true }>('POST', '/reset'),
  eventsUrl: `${BASE}/events`,
};
