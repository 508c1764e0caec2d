/**
 * An in-process fake of the Bot Framework's remote side for integration tests:
 * - the Bot Connector REST API (v3) that po-desk sends to: the activities' `serviceUrl` points here;
 * - the OpenID metadata and signing keys that inbound activity tokens are checked against, so tests can
 *   send correctly signed activities (`signToken`) exactly as the Bot Framework service would.
 *
 * It records every call, validates every Adaptive Card it receives against the official 1.5 schema,
 * and lists anything it did not expect (unknown routes, invalid cards, a missing/wrong token) in
 * `unexpected`, so tests fail on calls nobody planned for.
 */
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { activityErrors } from './activity-schema.js';
import { adaptiveCardErrors } from './adaptive-card-schema.js';

export interface FakeMember {
  /** Teams user id, "29:…". */
  id: string;
  name: string;
  aadObjectId: string;
  email?: string;
  userPrincipalName?: string;
}

export interface ConnectorCall {
  method: 'send' | 'reply' | 'update' | 'createConversation' | 'getMember' | 'pagedMembers';
  conversationId?: string;
  activityId?: string;
  body?: Record<string, unknown>;
  authorization: string | undefined;
}

export interface SentActivity {
  /** The id the fake gave the activity. */
  id: string;
  conversationId: string;
  replyToId: string | undefined;
  activity: Record<string, unknown>;
  /** Everything a person reads on the card(s), joined by newlines. */
  text: string;
}

interface PendingFailure {
  status: number;
  retryAfter?: number;
  remaining: number;
}

export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  readonly unexpected: string[] = [];
  /** Team or conversation id → its members. */
  readonly rosters = new Map<string, FakeMember[]>();
  /** Teams user ids for whom creating a 1:1 fails with 403 (they blocked the bot, or policy forbids it). */
  readonly blockedUsers = new Set<string>();
  /** When set, every call must carry `Bearer <token>`. */
  expectedToken: string | undefined;
  private failures: PendingFailure[] = [];
  private nextId = 1;
  private readonly keyId = randomUUID();
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    keys: { privateKey: KeyObject; publicKey: KeyObject },
  ) {
    this.privateKey = keys.privateKey;
    this.publicJwk = keys.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  }

  static async start(): Promise<FakeBotConnector> {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ref: { fake?: FakeBotConnector } = {}; // set once the server listens
    const server = createServer((req, res) => {
      ref.fake!.handle(req, res).catch((error: unknown) => {
        ref.fake!.unexpected.push(`fake connector crashed: ${String(error)}`);
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.fake = new FakeBotConnector(server, `http://127.0.0.1:${port}/`, keys);
    return ref.fake;
  }

  get openIdMetadataUrl(): string {
    return `${this.url}openid/v1/.well-known/openidconfiguration`;
  }

  /** A Bot Framework token as the Bot Connector service signs it for activities sent to the bot. */
  signToken(claims: { appId: string; serviceUrl?: string; issuer?: string; expiresInSeconds?: number; kid?: string }): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: claims.kid ?? this.keyId, x5t: claims.kid ?? this.keyId };
    const payload = {
      iss: claims.issuer ?? 'https://api.botframework.com',
      aud: claims.appId,
      serviceurl: claims.serviceUrl ?? this.url,
      nbf: now - 60,
      iat: now - 60,
      exp: now + (claims.expiresInSeconds ?? 3600),
    };
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${encode(header)}.${encode(payload)}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(this.privateKey).toString('base64url');
    return `${unsigned}.${signature}`;
  }

  setRoster(conversationOrTeamId: string, members: FakeMember[]): void {
    this.rosters.set(conversationOrTeamId, members);
  }

  /** The next `times` connector calls (not OpenID) answer `status` (429 with Retry-After seconds). */
  failNext(status: number, options: { times?: number; retryAfter?: number } = {}): void {
    this.failures.push({ status, retryAfter: options.retryAfter, remaining: options.times ?? 1 });
  }

  /** Activities the bot sent or updated, in order. */
  get sent(): SentActivity[] {
    return this.calls
      .filter((c) => c.method === 'send' || c.method === 'reply' || c.method === 'update')
      .map((c) => ({
        id: String(c.body?.__fakeId ?? c.activityId ?? ''),
        conversationId: c.conversationId!,
        replyToId: c.method === 'reply' ? c.activityId : c.method === 'update' ? c.activityId : undefined,
        activity: c.body ?? {},
        text: cardText(c.body),
      }));
  }

  /** Waits until an activity matching `predicate` was sent (default 5 s). */
  async waitForSent(predicate: (a: SentActivity) => boolean, timeoutMs = 5000): Promise<SentActivity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sent.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching activity within ${timeoutMs} ms; sent: ${JSON.stringify(this.sent.map((s) => ({ to: s.conversationId, text: s.text.slice(0, 120) })), null, 1)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  reset(): void {
    this.calls.length = 0;
    this.unexpected.length = 0;
    this.failures = [];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === '/openid/v1/.well-known/openidconfiguration') {
      return json(200, { issuer: 'https://api.botframework.com', jwks_uri: `${this.url}openid/v1/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (req.method === 'GET' && path === '/openid/v1/keys') {
      return json(200, { keys: [{ ...this.publicJwk, kid: this.keyId, x5t: this.keyId, use: 'sig', endorsements: ['msteams'] }] });
    }

    const raw = await readBody(req);
    const authorization = req.headers.authorization;
    if (this.expectedToken !== undefined && authorization !== `Bearer ${this.expectedToken}`) {
      this.unexpected.push(`${req.method} ${path} without the expected bearer token (got ${authorization ?? 'none'})`);
    }
    let body: Record<string, unknown> | undefined;
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        this.unexpected.push(`${req.method} ${path}: body is not JSON`);
        return json(400, { error: { code: 'BadArgument', message: 'Malformed JSON' } });
      }
    }
    const m = /^\/v3\/conversations(?:\/([^/]+)(?:\/(activities|members|pagedmembers)(?:\/([^/]+))?)?)?$/.exec(path);
    if (!m) {
      this.unexpected.push(`${req.method} ${path}: not a Bot Connector route`);
      return json(404, { error: { code: 'NotFound' } });
    }
    const conversationId = m[1] ? decodeURIComponent(m[1]) : undefined;
    const sub = m[2];
    const itemId = m[3] ? decodeURIComponent(m[3]) : undefined;

    const failure = this.failures[0];
    if (failure) {
      if (--failure.remaining <= 0) this.failures.shift();
      return json(failure.status, { error: { code: failure.status === 429 ? 'Throttled' : 'Failed' } }, failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {});
    }

    if (req.method === 'POST' && !conversationId) {
      this.calls.push({ method: 'createConversation', body, authorization });
      const member = (body?.members as { id?: string }[] | undefined)?.[0]?.id;
      const known = [...this.rosters.values()].some((list) => list.some((x) => x.id === member));
      if (!member || !known || this.blockedUsers.has(member)) return json(403, { error: { code: 'Forbidden', message: 'The bot is not part of the conversation roster.' } });
      if (!(body?.bot as { id?: string } | undefined)?.id) this.unexpected.push('createConversation without bot.id');
      return json(201, { id: `a:1on1-${member}` });
    }
    if (sub === 'activities' && (req.method === 'POST' || req.method === 'PUT')) {
      this.checkActivity(body, `${req.method} ${path}`);
      const id = req.method === 'PUT' ? itemId! : String(1_700_000_000_000 + this.nextId++);
      const method = req.method === 'PUT' ? 'update' : itemId ? 'reply' : 'send';
      this.calls.push({ method, conversationId, activityId: itemId, body: { ...body, __fakeId: id }, authorization });
      return json(200, { id });
    }
    if (sub === 'members' && req.method === 'GET' && itemId) {
      this.calls.push({ method: 'getMember', conversationId, activityId: itemId, authorization });
      const member = this.rosters.get(conversationId!)?.find((x) => x.id === itemId || x.aadObjectId === itemId);
      return member ? json(200, member) : json(404, { error: { code: 'MemberNotFoundInConversation', message: 'Member not found' } });
    }
    if (sub === 'pagedmembers' && req.method === 'GET') {
      this.calls.push({ method: 'pagedMembers', conversationId, authorization });
      const all = this.rosters.get(conversationId!);
      if (!all) return json(404, { error: { code: 'ConversationNotFound' } });
      const size = Number(url.searchParams.get('pageSize') ?? '100');
      const start = Number(url.searchParams.get('continuationToken') ?? '0');
      const page = all.slice(start, start + size);
      return json(200, { members: page, ...(start + size < all.length ? { continuationToken: String(start + size) } : {}) });
    }
    this.unexpected.push(`${req.method} ${path}: not handled by the fake`);
    return json(405, { error: { code: 'MethodNotAllowed' } });
  }

  private checkActivity(body: Record<string, unknown> | undefined, where: string): void {
    if (!body || body.type !== 'message') this.unexpected.push(`${where}: not a message activity`);
    if (body) {
      const errors = activityErrors(body);
      if (errors.length > 0) this.unexpected.push(`${where}: invalid Bot Framework Activity: ${errors.join('; ')}`);
    }
    for (const a of (body?.attachments as { contentType?: string; content?: unknown }[] | undefined) ?? []) {
      if (a.contentType !== 'application/vnd.microsoft.card.adaptive') continue;
      const errors = adaptiveCardErrors(a.content);
      if (errors.length > 0) this.unexpected.push(`${where}: invalid Adaptive Card: ${errors.join('; ')}`);
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Every piece of text on a card (TextBlock/TextRun text, fact titles and values, action titles). */
export function cardText(activity: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'RichTextBlock' && Array.isArray(o.inlines)) {
      // One paragraph: its runs read as one line.
      parts.push((o.inlines as { text?: string }[]).map((r) => r.text ?? '').join(''));
      return;
    }
    if ((o.type === 'TextBlock' || o.type === 'TextRun') && typeof o.text === 'string') parts.push(o.text);
    if (typeof o.title === 'string' && (typeof o.type !== 'string' || o.type.startsWith('Action.') || 'value' in o)) parts.push(o.title);
    if (o.type === undefined && typeof o.value === 'string' && typeof o.title === 'string') parts.push(o.value);
    for (const [k, v] of Object.entries(o)) if (k !== 'text' && k !== 'data') walk(v);
  };
  walk((activity as { attachments?: unknown } | undefined)?.attachments ?? activity);
  return parts.join('\n');
}
