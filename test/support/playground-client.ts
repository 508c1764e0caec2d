import type { ChannelMessagesView, MessageView } from '../../src/adapters/playground/api-types.js';
import type { StartOptions } from '../../src/start.js';
import { startAppOn, type StartedApp } from './test-app.js';
import type { TestDbKind } from './test-database.js';

export interface PlaygroundMessage extends MessageView {
  /** The html as a person reads it: tags dropped, entities decoded, whitespace collapsed. */
  text: string;
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  json: T;
}

/** The text a person reads in rendered HTML. */
export function readable(html: string): string {
  return html
    .replace(/<br>/g, '\n')
    .replace(/<\/(p|li|h3|dt|dd|div)>/g, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Calls the playground's JSON API as the page does. */
export function playgroundClient(baseUrl: string, headers: Record<string, string> = {}) {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const res = await fetch(`${baseUrl}/playground/api${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as T };
  }

  const client = {
    call,
    get: <T = Record<string, unknown>>(path: string) => call<T>('GET', path),
    post: <T = Record<string, unknown>>(path: string, body: unknown) => call<T>('POST', path, body),
    say: (as: string, channelId: string, text: string, threadId?: string) => call<Record<string, unknown>>('POST', '/say', { as, channelId, text, threadId }),
    async messages(as: string, channelId: string): Promise<PlaygroundMessage[]> {
      const res = await call<ChannelMessagesView & { error?: string }>('GET', `/channels/${channelId}/messages?as=${as}`);
      if (res.status !== 200) throw new Error(`messages of ${channelId} as ${as}: ${res.status} ${res.json.error}`);
      return res.json.messages.map((m) => ({ ...m, text: readable(m.html) }));
    },
    /** The newest message `as` sees in the channel. */
    async last(as: string, channelId: string): Promise<PlaygroundMessage> {
      const all = await client.messages(as, channelId);
      if (all.length === 0) throw new Error(`no messages in ${channelId}`);
      return all.at(-1)!;
    },
    /** Waits until a message `as` can see matches (po-desk's messages arrive through the outbox). */
    async waitForMessage(as: string, channelId: string, match: (m: PlaygroundMessage) => boolean, timeoutMs = 10_000): Promise<PlaygroundMessage> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = (await client.messages(as, channelId)).find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching message in ${channelId} as ${as} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  return client;
}

export type PlaygroundClient = ReturnType<typeof playgroundClient>;

/** The real app with the playground on, seeded, on a fresh database of `kind`. */
export async function startPlaygroundApp(kind: TestDbKind, env: Record<string, string> = {}, options: Partial<StartOptions> = {}): Promise<StartedApp & { api: PlaygroundClient }> {
  const started = await startAppOn(kind, { PLAYGROUND: 'on', ...env }, options);
  await seedDelivered(started);
  return { ...started, api: playgroundClient(started.baseUrl) };
}

/**
 * The demo seed queues messages (its questions' answers, anchors' new looks) that the dispatcher delivers
 * after the start. A test reading "the latest message" must not race them: wait until none is pending.
 */
async function seedDelivered(started: StartedApp, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await started.database.db.prisma.outboxMessage.count({ where: { status: 'pending' } })) > 0) {
    if (Date.now() > end) throw new Error('the demo seed’s messages were not delivered in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
