/**
 * An in-process fake of the Slack Web API for integration tests.
 *
 * The app's WebClient is pointed at it with `slackApiUrl` (SLACK_API_URL = `fake.url`). It answers the methods
 * po-desk uses with the shapes real Slack returns, records every call with the fake's answer, and answers
 * anything else with `unknown_method` while recording it in `unexpected`, so a test can fail on calls nobody
 * planned for. Like Slack, it refuses messages with nothing to show and views or blocks it could not show
 * (checked with test/support/block-kit.ts).
 *
 * It also stands in for the response_url of interactive payloads: put `fake.responseUrl('abc')` into a
 * test payload, and what the app POSTs there (Bolt's `respond`) is recorded as a `response_url` call.
 *
 * It keeps the messages posted to it as people would see them now (`shown`, `threadOf`): chat.update and an
 * accepted `replace_original` through a response_url bound to a message change them. chat.getPermalink
 * links to them (`permalinkFor`).
 *
 * With `expectedToken` set (test-app.ts's `slackEnv` sets it to the bot token it configures), a Web API call
 * with any other bearer token, or none, is answered like Slack answers it (`invalid_auth`/`not_authed`) and
 * recorded in `unexpected`. A response_url carries no token (the URL itself is the secret): those are exempt.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { checkMessage, checkModal, problemOf } from './block-kit.js';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
  /** For `response_url` calls: the id in the URL the app posted to. */
  responseId?: string;
  /** What the fake answered: the HTTP status, whether Slack took the call, and the error it named if not. */
  answer: CallAnswer;
}

export interface CallAnswer {
  status: number;
  /** True when Slack did what was asked (`ok: true` from the Web API, 200 from a response_url). */
  ok: boolean;
  /** Slack's `error` (or a response_url's error text); none for an injected HTTP status. */
  error?: string;
}

export interface FakeUser {
  id: string;
  name: string;
  real_name?: string;
  /** Defaults to `name`. */
  display_name?: string;
  /** IANA time zone; defaults to UTC. */
  tz?: string;
  is_bot?: boolean;
  is_admin?: boolean;
  deleted?: boolean;
}

/** A message as the fake holds it now: what people in its channel see, after any chat.update. */
export interface ShownMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** Who wrote it: a person (a message the test says was typed), or po-desk's bot user. */
  user?: string;
}

/**
 * What `failNext` makes the fake answer: a 429 with Retry-After (seconds), an HTTP error status, a Slack error,
 * or a slow platform: `delayMs` does what was asked and answers only after that long (a client that timed out
 * meanwhile does not know Slack took it); `noAnswerMs` does nothing, holds the request that long, then drops
 * the connection without an answer.
 */
export type FakeFailure = { rateLimited: number } | { status: number } | { error: string } | { delayMs: number } | { noAnswerMs: number };

/** The bot token test-app.ts configures po-desk with (SLACK_BOT_TOKEN), and so the one a fake behind it expects. */
export const SLACK_TEST_TOKEN = 'xoxb-test-token';

export interface FakeSlackOptions {
  teamId?: string;
  botUserId?: string;
  /** Every Web API call must carry `Bearer <expectedToken>`; others are `unexpected`. Default: any token is taken. */
  expectedToken?: string;
  /** Clock for `RecordedCall.at` and users' `tz_offset`; defaults to `Date.now`. */
  now?: () => number;
  /**
   * Message ts from the clock (`now`), as Slack's are, so `oldest`/`latest` in conversations.history work with
   * real times. Default: a fixed sequence from 1700000000.000100, which tests may write down.
   */
  clockTimestamps?: boolean;
  /** Opt-in: chat.postMessage rate limits like Slack's (see `PostRateLimits`). Default: none. */
  postRateLimits?: PostRateLimits;
}

/** A token bucket: `burst` messages at once, refilled at `perSecond`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Slack's "special" tier for chat.postMessage: about one message per second per channel (short bursts
 * allowed) and a workspace-wide limit. A post beyond either is answered 429 with `Retry-After` in whole
 * seconds (as Slack sends it, rounded up, at least 1) and takes no token. Checked before the post is
 * looked at, as Slack does.
 */
export interface PostRateLimits {
  perChannel?: RateLimit;
  workspace?: RateLimit;
}

type Args = Record<string, unknown>;
type SlackBody = Record<string, unknown>;
type MethodHandler = (args: Args) => SlackBody;

type StoredMessage = ShownMessage;

interface PendingFailure {
  failure: FakeFailure;
  remaining: number;
}

interface Waiter {
  predicate: (calls: RecordedCall[]) => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Arguments @slack/web-api serialises as JSON strings inside a form-encoded body. */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata', 'user_auth_blocks', 'unfurls']);
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const FIRST_TS_SECONDS = 1_700_000_000;
/** The pseudo-method under which posts to a response_url are recorded (and failed with `failNext`). */
export const RESPONSE_URL = 'response_url';
const RESPONSE_PATH = /^\/response\/([A-Za-z0-9._-]+)$/;

export class FakeSlack {
  readonly url: string;
  /** http://127.0.0.1:port, without the /api/ of the Web API. */
  readonly origin: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly calls: RecordedCall[] = [];
  readonly unexpected: RecordedCall[] = [];
  /** When set, every Web API call (not response_url posts) must carry `Bearer <expectedToken>`. */
  expectedToken: string | undefined;

  private readonly users = new Map<string, FakeUser>();
  private readonly channelMembers = new Map<string, string[]>();
  private readonly messages = new Map<string, StoredMessage>();
  /** The `metadata` a message was posted with, by ts (returned by history and replies with include_all_metadata). */
  private readonly metadata = new Map<string, unknown>();
  private readonly openIms = new Set<string>();
  /** What the fake answered each Web API call with (kept apart, so RecordedCall stays as it was). */
  private readonly bodies = new WeakMap<RecordedCall, SlackBody>();
  /** response_url id → the ts of the message it may replace. */
  private readonly responseTargets = new Map<string, string>();
  private readonly failures = new Map<string, PendingFailure[]>();
  private readonly waiters = new Set<Waiter>();
  private readonly handlers: Record<string, MethodHandler>;
  private tsSequence = 0;
  private readonly clockTimestamps: boolean;
  private lastClockTsMicros = 0;
  private viewSequence = 0;
  private readonly postRateLimits: PostRateLimits | undefined;
  /** Token buckets of `postRateLimits`: '' for the workspace, else the channel. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  private constructor(
    private readonly server: Server,
    port: number,
    options: FakeSlackOptions,
    private readonly now: () => number,
  ) {
    this.origin = `http://127.0.0.1:${port}`;
    this.url = `${this.origin}/api/`;
    this.teamId = options.teamId ?? 'T0PODESK01';
    this.botUserId = options.botUserId ?? 'U0PODESKBOT';
    this.botId = 'B0PODESKBOT';
    this.expectedToken = options.expectedToken;
    this.clockTimestamps = options.clockTimestamps ?? false;
    this.postRateLimits = options.postRateLimits;
    this.handlers = {
      'auth.test': () => this.authTest(),
      'chat.postMessage': (args) => this.postMessage(args),
      'chat.postEphemeral': (args) => this.postEphemeral(args),
      'chat.update': (args) => this.update(args),
      'chat.getPermalink': (args) => this.getPermalink(args),
      'conversations.open': (args) => this.openConversation(args),
      'conversations.members': (args) => this.members(args),
      'conversations.history': (args) => this.history(args),
      'conversations.replies': (args) => this.replies(args),
      'users.info': (args) => this.userInfo(args),
      'views.open': (args) => this.openView(args),
      'views.publish': (args) => this.publishView(args),
    };
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSlack(server, port, options, options.now ?? Date.now);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => {
        // A bug in the fake itself: answer 500 so the client under test fails loudly.
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`FakeSlack internal error: ${error instanceof Error ? error.stack : String(error)}`);
      });
    });
    return fake;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /**
   * A response_url for a test payload (`[A-Za-z0-9._-]+` ids); posts to it are recorded, see `responsesTo`.
   * With `forMessage` (the ts of a message the fake holds, the one whose button was clicked), an accepted
   * `replace_original` post replaces that message, as Slack does, so `shown(ts)` shows the result.
   */
  responseUrl(id: string, forMessage?: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new Error(`FakeSlack.responseUrl: use an id of letters, digits, ".", "_" or "-", got "${id}"`);
    if (forMessage !== undefined) this.responseTargets.set(id, forMessage);
    return `${this.origin}/response/${id}`;
  }

  /**
   * The JSON bodies the app posted to `responseUrl(id)`, oldest first: every post, or only those Slack
   * accepted (what the person actually sees).
   */
  responsesTo(id: string, which: 'all' | 'accepted' = 'all'): Record<string, unknown>[] {
    return this.callsTo(RESPONSE_URL)
      .filter((call) => call.responseId === id && (which === 'all' || call.answer.ok))
      .map((call) => call.args);
  }

  addUser(user: FakeUser): void {
    if (user.tz !== undefined) tzOffsetSeconds(user.tz, new Date(this.now())); // throws RangeError on a bad zone
    this.users.set(user.id, user);
  }

  setChannelMembers(channelId: string, userIds: string[]): void {
    this.channelMembers.set(channelId, [...userIds]);
  }

  /** The JSON body the fake answered a recorded Web API call with (e.g. the `ts` of a posted message). */
  bodyOf(call: RecordedCall): Record<string, unknown> | undefined {
    return this.bodies.get(call);
  }

  /** The message with this ts as it looks now (after chat.update), or undefined when nothing was posted with it. */
  shown(ts: string): ShownMessage | undefined {
    const stored = this.messages.get(ts);
    return stored === undefined ? undefined : structuredClone(stored);
  }

  /** The replies posted in the thread of message `ts` in `channel`, oldest first, as they look now. */
  threadOf(channel: string, ts: string): ShownMessage[] {
    return [...this.messages.values()].filter((m) => m.channel === channel && m.thread_ts === ts).map((m) => structuredClone(m));
  }

  /**
   * A message a person typed (the test also sends its event): conversations.history and .replies return it,
   * chat.getPermalink links to it.
   */
  addPersonMessage(m: { channel: string; ts: string; user: string; text: string; threadTs?: string }): void {
    this.messages.set(m.ts, { channel: m.channel, ts: m.ts, text: m.text, blocks: [], user: m.user, ...(m.threadTs !== undefined ? { thread_ts: m.threadTs } : {}) });
  }

  /** The URL chat.getPermalink gives for a message, in Slack's format: /archives/<channel>/p<ts without the dot>. */
  permalinkFor(channel: string, ts: string): string {
    return `https://po-desk-test.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
  }

  failNext(method: string, failure: FakeFailure, times = 1): void {
    if (!(method in this.handlers) && method !== RESPONSE_URL) {
      throw new Error(`FakeSlack.failNext: ${method} is not implemented by the fake (known: ${[...Object.keys(this.handlers), RESPONSE_URL].join(', ')})`);
    }
    if ('status' in failure && (!Number.isInteger(failure.status) || failure.status < 400 || failure.status > 599 || failure.status === 429)) {
      throw new Error(`FakeSlack.failNext: status must be an HTTP error status other than 429 (use { rateLimited }), got ${failure.status}`);
    }
    if ('delayMs' in failure || 'noAnswerMs' in failure) {
      const ms = 'delayMs' in failure ? failure.delayMs : failure.noAnswerMs;
      if (!Number.isInteger(ms) || ms < 0) throw new Error(`FakeSlack.failNext: delayMs and noAnswerMs are whole milliseconds, got ${ms}`);
      if (method === RESPONSE_URL) throw new Error('FakeSlack.failNext: delayMs and noAnswerMs are for Web API methods');
    }
    if ('rateLimited' in failure && (!Number.isInteger(failure.rateLimited) || failure.rateLimited < 0)) {
      throw new Error(`FakeSlack.failNext: rateLimited is the Retry-After in whole seconds, got ${failure.rateLimited}`);
    }
    if (!Number.isInteger(times) || times < 1) throw new Error(`FakeSlack.failNext: times must be a positive integer, got ${times}`);
    const queue = this.failures.get(method) ?? [];
    queue.push({ failure, remaining: times });
    this.failures.set(method, queue);
  }

  waitFor(predicate: (calls: RecordedCall[]) => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate(this.calls)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`FakeSlack.waitFor timed out after ${timeoutMs} ms; calls seen:\n${this.describeCalls()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  reset(): void {
    this.calls.length = 0;
    this.unexpected.length = 0;
    this.failures.clear();
  }

  /** Forgets failures queued with failNext that have not happened yet (all, or one method's). */
  clearFailures(method?: string): void {
    if (method === undefined) this.failures.clear();
    else this.failures.delete(method);
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`FakeSlack closed while waiting; calls seen:\n${this.describeCalls()}`));
    }
    this.waiters.clear();
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  // --- transport ---------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const at = this.now();

    const responseId = RESPONSE_PATH.exec(requestUrl.pathname)?.[1];
    if (responseId !== undefined && req.method === 'POST') {
      const { args, reply } = this.answerResponseUrl(req, raw);
      if (reply.status === 200) this.replaceOriginal(responseId, args);
      this.record({ method: RESPONSE_URL, args, token, at, responseId, answer: answerOf(reply) }, false);
      return send(res, reply);
    }

    if (!requestUrl.pathname.startsWith('/api/')) {
      const reply = text(404, `FakeSlack: no such path ${req.method ?? ''} ${requestUrl.pathname}; the Web API lives under /api/`);
      this.record({ method: requestUrl.pathname, args: {}, token, at, answer: answerOf(reply) }, true);
      return send(res, reply);
    }

    const method = decodeURIComponent(requestUrl.pathname.slice('/api/'.length));
    const parsed = parseArgs(req.headers['content-type'], raw, requestUrl.searchParams);
    const handler = this.handlers[method];
    let reply: Reply;
    try {
      reply = this.answerApi(method, handler, parsed, token);
    } catch (error) {
      // A bug in the fake itself: recorded, then answered 500 (see start) so the client under test fails loudly.
      this.record({ method, args: parsed.args, token, at, answer: { status: 500, ok: false, error: 'fake_internal_error' } }, handler === undefined || this.wrongToken(token));
      throw error;
    }
    if (reply.noAnswerMs !== undefined) {
      this.record({ method, args: parsed.args, token, at, answer: { status: 0, ok: false, error: 'no_answer' } }, false);
      await sleep(reply.noAnswerMs);
      req.socket.destroy();
      return;
    }
    this.record({ method, args: parsed.args, token, at, answer: answerOf(reply) }, handler === undefined || this.wrongToken(token), reply.body);
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    if (!res.destroyed) send(res, reply);
  }

  private answerApi(method: string, handler: MethodHandler | undefined, parsed: { args: Args; error?: SlackBody }, token: string | undefined): Reply {
    if (handler === undefined) return json(200, { ok: false, error: 'unknown_method' });
    if (token === undefined) return json(200, { ok: false, error: 'not_authed' });
    if (this.wrongToken(token)) return json(200, { ok: false, error: 'invalid_auth' });
    if (parsed.error !== undefined) return json(200, parsed.error);
    if (method === 'chat.postMessage' && this.postRateLimits) {
      const retryAfter = this.takePostToken(stringArg(parsed.args.channel) ?? '');
      if (retryAfter !== undefined) return { ...json(429, { ok: false, error: 'ratelimited' }), retryAfter };
    }

    const failure = this.takeFailure(method);
    if (failure !== undefined) {
      if ('rateLimited' in failure) return { ...json(429, { ok: false, error: 'ratelimited' }), retryAfter: failure.rateLimited };
      if ('status' in failure) return text(failure.status, `FakeSlack: injected HTTP ${failure.status}`);
      if ('delayMs' in failure) return { ...json(200, handler(parsed.args)), delayMs: failure.delayMs };
      if ('noAnswerMs' in failure) return { ...json(0, {}), noAnswerMs: failure.noAnswerMs };
      return json(200, { ok: false, error: failure.error });
    }
    return json(200, handler(parsed.args));
  }

  /**
   * A post to a response_url, as Bolt's `respond` makes it: a JSON message that may replace or delete the
   * original. Slack answers 200 when it took the message; it rejects a body it cannot show.
   */
  private answerResponseUrl(req: IncomingMessage, raw: string): { args: Args; reply: Reply } {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (_notJson) {
      body = undefined; // recorded as _raw and answered like Slack answers it
    }
    const args: Args = isObject(body) ? body : { _raw: raw };

    const failure = this.takeFailure(RESPONSE_URL);
    if (failure !== undefined) {
      if ('rateLimited' in failure) return { args, reply: { ...text(429, 'rate_limited'), retryAfter: failure.rateLimited } };
      if ('status' in failure) return { args, reply: text(failure.status, 'FakeSlack: injected failure') };
      if ('error' in failure) return { args, reply: text(404, failure.error) };
    }
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json' || !isObject(body)) return { args, reply: text(400, 'invalid_payload') };
    if (body.delete_original !== true && !hasContent(body)) return { args, reply: text(400, 'no_text') };
    if (body.response_type !== undefined && body.response_type !== 'ephemeral' && body.response_type !== 'in_channel') {
      return { args, reply: text(400, 'invalid_payload') };
    }
    if (problemOf(() => checkMessage(body)) !== undefined) return { args, reply: text(400, 'invalid_blocks') };
    return { args, reply: json(200, { ok: true }) };
  }

  /** An accepted `replace_original` post to a response_url bound to a message: the message now shows it. */
  private replaceOriginal(responseId: string, body: Args): void {
    const ts = this.responseTargets.get(responseId);
    const stored = ts === undefined ? undefined : this.messages.get(ts);
    if (stored === undefined || body.replace_original !== true) return;
    stored.text = stringArg(body.text) ?? '';
    stored.blocks = Array.isArray(body.blocks) ? body.blocks : [];
  }

  /** A Web API call without the token the fake expects (when it expects one). */
  private wrongToken(token: string | undefined): boolean {
    return this.expectedToken !== undefined && token !== this.expectedToken;
  }

  private record(call: RecordedCall, unexpected: boolean, body?: SlackBody | string): void {
    if (typeof body === 'object') this.bodies.set(call, body);
    this.calls.push(call);
    if (unexpected) this.unexpected.push(call);
    for (const waiter of this.waiters) {
      let done: boolean;
      try {
        done = waiter.predicate(this.calls);
      } catch (error) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (done) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
    }
  }

  /** Takes a token from the channel's and the workspace's buckets; when either is empty, the Retry-After (s). */
  private takePostToken(channel: string): number | undefined {
    const now = this.now();
    const limits = [
      ...(this.postRateLimits?.perChannel ? [{ key: `#${channel}`, limit: this.postRateLimits.perChannel }] : []),
      ...(this.postRateLimits?.workspace ? [{ key: '', limit: this.postRateLimits.workspace }] : []),
    ];
    const buckets = limits.map(({ key, limit }) => {
      const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
      b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.perSecond);
      b.at = now;
      this.buckets.set(key, b);
      return { b, limit };
    });
    const waitMs = Math.max(0, ...buckets.map(({ b, limit }) => (b.tokens >= 1 ? 0 : ((1 - b.tokens) / limit.perSecond) * 1000)));
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
    for (const { b } of buckets) b.tokens -= 1;
    return undefined;
  }

  private takeFailure(method: string): FakeFailure | undefined {
    const queue = this.failures.get(method);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    return head.failure;
  }

  private describeCalls(): string {
    if (this.calls.length === 0) return '  (none)';
    return this.calls
      .map((call) => {
        const args = JSON.stringify(call.args);
        return `  ${call.method} ${args.length > 200 ? `${args.slice(0, 200)}…` : args}`;
      })
      .join('\n');
  }

  private nextTs(): string {
    if (this.clockTimestamps) {
      this.lastClockTsMicros = Math.max(this.now() * 1000, this.lastClockTsMicros + 1);
      const micros = this.lastClockTsMicros;
      return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
    }
    this.tsSequence += 1;
    const micros = this.tsSequence * 100;
    const seconds = FIRST_TS_SECONDS + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  // --- methods -----------------------------------------------------------------------------------------------

  private authTest(): SlackBody {
    return {
      ok: true,
      url: 'https://po-desk-test.slack.com/',
      team: 'po-desk test workspace',
      user: 'po-desk',
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    };
  }

  private postMessage(args: Args): SlackBody {
    const channel = stringArg(args.channel);
    if (channel === undefined) return slackError('channel_not_found');
    if (!hasContent(args)) return slackError('no_text');
    const invalid = blocksProblem(args);
    if (invalid !== undefined) return invalid;
    const threadTs = stringArg(args.thread_ts);
    const message: StoredMessage = {
      // Posting to a user ID posts into the DM with that user, as conversations.open would name it.
      channel: /^[UW]/.test(channel) ? `D${channel}` : channel,
      ts: this.nextTs(),
      text: stringArg(args.text) ?? '',
      blocks: Array.isArray(args.blocks) ? args.blocks : [],
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    };
    this.messages.set(message.ts, message);
    if (isObject(args.metadata)) this.metadata.set(message.ts, args.metadata);
    return {
      ok: true,
      channel: message.channel,
      ts: message.ts,
      message: {
        type: 'message',
        text: message.text,
        blocks: message.blocks,
        user: this.botUserId,
        bot_id: this.botId,
        team: this.teamId,
        ts: message.ts,
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      },
    };
  }

  private postEphemeral(args: Args): SlackBody {
    const channel = stringArg(args.channel);
    if (channel === undefined) return slackError('channel_not_found');
    const user = stringArg(args.user);
    if (user === undefined) return invalidArguments('user');
    const members = this.channelMembers.get(channel);
    if (members !== undefined && !members.includes(user)) return slackError('user_not_in_channel');
    if (!hasContent(args)) return slackError('no_text');
    const invalid = blocksProblem(args);
    if (invalid !== undefined) return invalid;
    return { ok: true, message_ts: this.nextTs() };
  }

  private update(args: Args): SlackBody {
    const channel = stringArg(args.channel);
    if (channel === undefined) return slackError('channel_not_found');
    const ts = stringArg(args.ts);
    const stored = ts === undefined ? undefined : this.messages.get(ts);
    if (stored === undefined || stored.channel !== channel) return slackError('message_not_found');
    if (!hasContent(args)) return slackError('no_text');
    const invalid = blocksProblem(args);
    if (invalid !== undefined) return invalid;
    if (args.text !== undefined) stored.text = stringArg(args.text) ?? '';
    if (Array.isArray(args.blocks)) stored.blocks = args.blocks;
    return {
      ok: true,
      channel,
      ts: stored.ts,
      text: stored.text,
      message: { type: 'message', text: stored.text, blocks: stored.blocks, user: this.botUserId, bot_id: this.botId },
    };
  }

  /** chat.getPermalink: a link to a message the fake holds (message_not_found for any other). */
  private getPermalink(args: Args): SlackBody {
    const channel = stringArg(args.channel);
    if (channel === undefined) return slackError('channel_not_found');
    const ts = stringArg(args.message_ts);
    if (ts === undefined) return invalidArguments('message_ts');
    const stored = this.messages.get(ts);
    if (stored === undefined || stored.channel !== channel) return slackError('message_not_found');
    return { ok: true, channel, permalink: this.permalinkFor(channel, ts) };
  }

  /** As Slack's API message objects: a person's, or po-desk's own (with bot_id); `metadata` only when asked for. */
  private apiMessage(m: StoredMessage, args: Args = {}): SlackBody {
    const author = m.user !== undefined ? { user: m.user } : { user: this.botUserId, bot_id: this.botId };
    const metadata = truthy(args.include_all_metadata) ? this.metadata.get(m.ts) : undefined;
    return { type: 'message', text: m.text, ts: m.ts, ...author, ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}), ...(metadata !== undefined ? { metadata } : {}) };
  }

  /** A channel the fake can read: one given members, or a DM opened with conversations.open. */
  private knownChannel(channel: string | undefined): channel is string {
    return channel !== undefined && (this.channelMembers.has(channel) || this.openIms.has(channel));
  }

  /** conversations.history: top-level messages of a channel between oldest and latest (inclusive when asked), newest first. */
  private history(args: Args): SlackBody {
    const channel = stringArg(args.channel);
    if (!this.knownChannel(channel)) return slackError('channel_not_found');
    const inclusive = args.inclusive === true || args.inclusive === 'true' || args.inclusive === '1';
    const latest = stringArg(args.latest);
    const oldest = stringArg(args.oldest);
    const inRange = (ts: string) =>
      (latest === undefined || (inclusive ? Number(ts) <= Number(latest) : Number(ts) < Number(latest))) &&
      (oldest === undefined || (inclusive ? Number(ts) >= Number(oldest) : Number(ts) > Number(oldest)));
    // Pages as Slack's do: `limit` at most (up to 999), newest first, `has_more` and a cursor for the next.
    const limit = args.limit === undefined ? DEFAULT_PAGE_SIZE : Math.min(Number(args.limit), MAX_PAGE_SIZE - 1);
    const cursor = stringArg(args.cursor);
    const offset = cursor === undefined ? 0 : decodeCursor(cursor);
    const all = [...this.messages.values()]
      .filter((m) => m.channel === channel && (m.thread_ts === undefined || m.thread_ts === m.ts) && inRange(m.ts))
      .sort((a, b) => Number(b.ts) - Number(a.ts));
    if (offset === undefined || offset > all.length) return slackError('invalid_cursor');
    const end = offset + limit;
    const hasMore = end < all.length;
    return {
      ok: true,
      messages: all.slice(offset, end).map((m) => this.apiMessage(m, args)),
      has_more: hasMore,
      ...(hasMore ? { response_metadata: { next_cursor: encodeCursor(end) } } : {}),
    };
  }

  /** conversations.replies: the thread of `ts` (its parent first), or the one reply `ts` names. */
  private replies(args: Args): SlackBody {
    const channel = stringArg(args.channel);
    const ts = stringArg(args.ts);
    if (!this.knownChannel(channel)) return slackError('channel_not_found');
    const m = ts === undefined ? undefined : this.messages.get(ts);
    if (m === undefined || m.channel !== channel) return slackError('thread_not_found');
    const root = m.thread_ts ?? m.ts;
    const thread = [...this.messages.values()].filter((x) => x.channel === channel && (x.ts === root || x.thread_ts === root)).sort((a, b) => Number(a.ts) - Number(b.ts));
    return { ok: true, messages: thread.map((x) => this.apiMessage(x, args)), has_more: false };
  }

  private openConversation(args: Args): SlackBody {
    const existing = stringArg(args.channel);
    if (existing !== undefined) return { ok: true, no_op: true, already_open: true, channel: { id: existing } };
    const users = listArg(args.users);
    if (users.length === 0) return slackError('users_list_not_supplied');
    const id = users.length === 1 ? `D${users[0]}` : `G${[...users].sort().join('')}`;
    const alreadyOpen = this.openIms.has(id);
    this.openIms.add(id);
    const channel: SlackBody = { id };
    if (args.return_im === true || args.return_im === 'true') {
      Object.assign(channel, { created: FIRST_TS_SECONDS, is_im: users.length === 1, is_open: true, ...(users.length === 1 ? { user: users[0] } : {}) });
    }
    return { ok: true, no_op: alreadyOpen, already_open: alreadyOpen, channel };
  }

  private members(args: Args): SlackBody {
    const channel = stringArg(args.channel);
    const members = channel === undefined ? undefined : this.channelMembers.get(channel);
    if (members === undefined) return slackError('channel_not_found');

    const limit = args.limit === undefined || args.limit === '' ? 0 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) return slackError('invalid_limit');
    const pageSize = limit === 0 ? DEFAULT_PAGE_SIZE : limit;

    const cursor = stringArg(args.cursor);
    const offset = cursor === undefined ? 0 : decodeCursor(cursor);
    if (offset === undefined || offset > members.length) return slackError('invalid_cursor');

    const end = offset + pageSize;
    return {
      ok: true,
      members: members.slice(offset, end),
      response_metadata: { next_cursor: end < members.length ? encodeCursor(end) : '' },
    };
  }

  private userInfo(args: Args): SlackBody {
    const id = stringArg(args.user);
    const user = id === undefined ? undefined : this.users.get(id);
    if (user === undefined) return slackError('user_not_found');
    const tz = user.tz ?? 'UTC';
    const at = new Date(this.now());
    const realName = user.real_name ?? user.name;
    const displayName = user.display_name ?? user.name;
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: this.teamId,
        name: user.name,
        deleted: user.deleted ?? false,
        real_name: realName,
        tz,
        tz_label: tzLabel(tz, at),
        tz_offset: tzOffsetSeconds(tz, at),
        profile: {
          real_name: realName,
          real_name_normalized: realName,
          display_name: displayName,
          display_name_normalized: displayName,
          team: this.teamId,
        },
        is_admin: user.is_admin ?? false,
        is_owner: false,
        is_primary_owner: false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: user.is_bot ?? false,
        is_app_user: false,
        updated: Math.floor(at.getTime() / 1000),
      },
    };
  }

  private openView(args: Args): SlackBody {
    if (stringArg(args.trigger_id) === undefined) return invalidArguments('trigger_id');
    if (!isObject(args.view)) return invalidArguments('view');
    const problem = problemOf(() => checkModal(args.view));
    if (problem !== undefined) return slackError('invalid_arguments', problem);
    return { ok: true, view: this.storedView(args.view) };
  }

  private publishView(args: Args): SlackBody {
    if (stringArg(args.user_id) === undefined) return invalidArguments('user_id');
    if (!isObject(args.view)) return invalidArguments('view');
    if (args.view.type !== 'home') return slackError('invalid_arguments', '[ERROR] views.publish only accepts views of type home [json-pointer:/view/type]');
    return { ok: true, view: this.storedView(args.view) };
  }

  private storedView(view: Record<string, unknown>): SlackBody {
    this.viewSequence += 1;
    const id = `V${String(this.viewSequence).padStart(10, '0')}`;
    return {
      id,
      team_id: this.teamId,
      type: view.type,
      blocks: [],
      private_metadata: '',
      callback_id: '',
      external_id: '',
      state: { values: {} },
      hash: `${FIRST_TS_SECONDS}.${id}`,
      clear_on_close: false,
      notify_on_close: false,
      ...view,
      root_view_id: id,
      previous_view_id: null,
      app_id: 'A0PODESK01',
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
  }
}

// --- helpers ---------------------------------------------------------------------------------------------------

function slackError(error: string, message?: string): SlackBody {
  return message === undefined ? { ok: false, error } : { ok: false, error, response_metadata: { messages: [message] } };
}

/** Slack's `invalid_blocks` answer to a message whose blocks it cannot show, or undefined. */
function blocksProblem(args: Args): SlackBody | undefined {
  const problem = problemOf(() => checkMessage({ blocks: args.blocks }));
  return problem === undefined ? undefined : slackError('invalid_blocks', problem);
}

function invalidArguments(field: string): SlackBody {
  return slackError('invalid_arguments', `[ERROR] missing required field: ${field}`);
}

function stringArg(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function listArg(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item !== '');
  return (stringArg(value) ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** Something to show: text, or at least one block or attachment (Slack answers `no_text` otherwise). */
function hasContent(args: Args): boolean {
  const nonEmpty = (value: unknown) => Array.isArray(value) && value.length > 0;
  return stringArg(args.text) !== undefined || nonEmpty(args.blocks) || nonEmpty(args.attachments);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

function decodeCursor(cursor: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function tzOffsetSeconds(tz: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (match === null) throw new RangeError(`FakeSlack: cannot work out the UTC offset of time zone ${tz} (got ${name})`);
  if (match[1] === undefined) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
  return match[1] === '-' ? -seconds : seconds;
}

function tzLabel(tz: string, at: Date): string {
  return (
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(at).find((part) => part.type === 'timeZoneName')
      ?.value ?? tz
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Query-string arguments, overridden by the body; JSON-valued form fields decoded back into objects. */
function parseArgs(contentType: string | undefined, raw: string, query: URLSearchParams): { args: Args; error?: SlackBody } {
  const args: Args = Object.fromEntries(query);
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

  if (raw.trim() !== '') {
    if (mediaType === 'application/json') {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return { args: { ...args, _raw: raw }, error: slackError('invalid_json') };
      }
      if (!isObject(body)) return { args: { ...args, _raw: raw }, error: slackError('json_not_object') };
      Object.assign(args, body);
    } else if (mediaType === 'application/x-www-form-urlencoded') {
      Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
    } else {
      return { args: { ...args, _raw: raw }, error: slackError('invalid_form_data', `[ERROR] FakeSlack cannot read a ${mediaType || 'typeless'} body`) };
    }
  }

  for (const key of JSON_ARGS) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      return { args, error: slackError('invalid_arguments', `[ERROR] ${key} is not valid JSON`) };
    }
  }
  return { args };
}

/** An HTTP answer, built before it is recorded and sent. */
interface Reply {
  status: number;
  body: SlackBody | string;
  retryAfter?: number;
  /** Answer only after this long (what was asked is done already). */
  delayMs?: number;
  /** Do nothing, hold the request this long, then drop the connection. */
  noAnswerMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function json(status: number, body: SlackBody): Reply {
  return { status, body };
}

function text(status: number, body: string): Reply {
  return { status, body };
}

function answerOf(reply: Reply): CallAnswer {
  if (typeof reply.body === 'string') {
    if (reply.status === 200) return { status: 200, ok: true };
    return { status: reply.status, ok: false, ...(/^[a-z_]+$/.test(reply.body) ? { error: reply.body } : {}) };
  }
  const ok = reply.status === 200 && reply.body.ok === true;
  const error = typeof reply.body.error === 'string' ? reply.body.error : undefined;
  return { status: reply.status, ok, ...(error !== undefined ? { error } : {}) };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.retryAfter !== undefined) res.setHeader('retry-after', String(reply.retryAfter));
  const isJson = typeof reply.body !== 'string';
  res.writeHead(reply.status, { 'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8' });
  res.end(isJson ? JSON.stringify(reply.body) : reply.body);
}
