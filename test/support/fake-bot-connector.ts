/**
 * An in-process fake of the Bot Framework's remote side for integration tests:
 * - the Bot Connector REST API (v3) that po-desk sends to: the activities' `serviceUrl` points here;
 * - the OpenID metadata and signing keys that inbound activity tokens are checked against, so tests can
 *   send correctly signed activities (`signToken`) exactly as the Bot Framework service would.
 *
 * It records every call with the status it answered (failed ones too), validates every activity and
 * Adaptive Card it receives against the official schemas, and answers like Teams where po-desk could
 * get it wrong: a reply to an activity it does not know or an update of an activity it did not send in
 * that conversation is 404, a 1:1 with someone who blocked the bot is 403. Anything po-desk should never
 * do (unknown routes and activities, invalid cards, a missing/wrong token) is listed in `unexpected`, so
 * tests fail on calls nobody planned for.
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

export type ConnectorMethod = 'send' | 'reply' | 'update' | 'createConversation' | 'getMember' | 'pagedMembers';
type ActivityMethod = 'send' | 'reply' | 'update';

export interface ConnectorCall {
  method: ConnectorMethod;
  /** The HTTP status the fake answered: 2xx, an injected failure (`failNext`) or Teams' own refusal. */
  status: number;
  /** As in the URL (a channel thread keeps its ";messageid=…"). */
  conversationId?: string;
  /** reply: the activity replied to; update: the activity overwritten; getMember: the member asked for. */
  activityId?: string;
  /** The id the fake answered with: a new activity's (send, reply), the updated one's, a new conversation's. */
  resultId?: string;
  body?: Record<string, unknown>;
  authorization: string | undefined;
  /** When the call arrived (Date.now()). */
  at: number;
}

export interface SentActivity {
  method: ActivityMethod;
  /** The activity's id: the one the fake gave it (send, reply), or the one it overwrote (update). */
  id: string;
  conversationId: string;
  /** A reply's: the activity replied to (the thread root). Undefined for sends and updates. */
  replyToId: string | undefined;
  /** An update's: the activity it overwrote. Undefined for sends and replies. */
  updatedId: string | undefined;
  activity: Record<string, unknown>;
  /** Everything a person reads on the card(s), joined by newlines. */
  text: string;
}

export interface FailureOptions {
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Only calls of this kind fail. */
  method?: ConnectorMethod;
  /** Only calls to this conversation fail (a channel id also matches its threads). */
  conversationId?: string;
}

interface PendingFailure {
  status: number;
  retryAfter: number | undefined;
  method: ConnectorMethod | undefined;
  conversationId: string | undefined;
  remaining: number;
}

/** The id of the 1:1 chat the fake creates for a member (`createConversation`). */
export function createdChatId(member: { id: string }): string {
  return `a:created-${member.id}`;
}

/** A channel's conversation id without the thread (";messageid=…"), as Teams keys its conversations. */
const baseOf = (conversationId: string) => conversationId.split(';')[0]!;

export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  readonly unexpected: string[] = [];
  /** Team or conversation id → its members. */
  readonly rosters = new Map<string, FakeMember[]>();
  /** Teams user ids who blocked the bot (or whom policy keeps from it): creating a 1:1 with them, or sending into one, is 403. */
  readonly blockedUsers = new Set<string>();
  /** When set, every call must carry `Bearer <token>`. */
  expectedToken: string | undefined;
  /** The key id (`kid`) of the keys the fake publishes and signs tokens with. */
  readonly keyId = randomUUID();
  private failures: PendingFailure[] = [];
  private nextId = 1;
  /** Base conversation id → ids of the activities the fake issued there (the bot’s own messages). Its ids start at 1700000500001, apart from the ones tests choose. */
  private readonly issued = new Map<string, Set<string>>();
  /** Base conversation id → ids of the activities people sent there (`knowActivity`). */
  private readonly inbound = new Map<string, Set<string>>();
  /** 1:1 conversation id → the Teams user id of the person in it. */
  private readonly personalChats = new Map<string, string>();
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

  /**
   * A Bot Framework token as the Bot Connector service signs it for activities sent to the bot, always
   * signed with this fake's private key. `kid` names the key in the header: another fake's `keyId` makes
   * a forgery that claims a trusted key.
   */
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

  /**
   * An activity that exists in the conversation: one a person sent (tests call this for every inbound
   * activity), which the bot may reply to; or, `by: 'bot'`, one the bot sent earlier (before this fake
   * started), which it may also update.
   */
  knowActivity(conversationId: string, activityId: string, by: 'person' | 'bot' = 'person'): void {
    add(by === 'bot' ? this.issued : this.inbound, baseOf(conversationId), activityId);
  }

  /** A 1:1 chat that exists between the bot and `memberId` (Teams user id), e.g. one the person started. */
  knowPersonalChat(conversationId: string, memberId: string): void {
    this.personalChats.set(conversationId, memberId);
  }

  /**
   * The next `times` connector calls (not OpenID) that match `method` and `conversationId` answer `status`
   * (429 with Retry-After seconds); other calls pass through. Failures are consumed in the order given.
   */
  failNext(status: number, options: FailureOptions = {}): void {
    this.failures.push({ status, retryAfter: options.retryAfter, method: options.method, conversationId: options.conversationId, remaining: options.times ?? 1 });
  }

  /** Activities the bot sent, replied or updated successfully, in order. */
  get sent(): SentActivity[] {
    return this.calls.flatMap((c): SentActivity[] => {
      if ((c.method !== 'send' && c.method !== 'reply' && c.method !== 'update') || c.status >= 300) return [];
      return [
        {
          method: c.method,
          id: c.resultId!,
          conversationId: c.conversationId!,
          replyToId: c.method === 'reply' ? c.activityId : undefined,
          updatedId: c.method === 'update' ? c.activityId : undefined,
          activity: c.body ?? {},
          text: cardText(c.body),
        },
      ];
    });
  }

  /** Calls that did not succeed (injected failures and Teams' refusals), in order. */
  get failed(): ConnectorCall[] {
    return this.calls.filter((c) => c.status >= 300);
  }

  /** Waits until an activity matching `predicate` was sent (default 5 s). */
  async waitForSent(predicate: (a: SentActivity) => boolean, timeoutMs = 5000): Promise<SentActivity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sent.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        const sent = this.sent.map((s) => ({ [s.method]: s.conversationId, ...(s.replyToId ? { replyToId: s.replyToId } : {}), text: s.text.slice(0, 120) }));
        const failed = this.failed.map((c) => `${c.status} ${c.method} ${c.conversationId ?? ''} ${c.activityId ?? ''}`.trim());
        throw new Error(`no matching activity within ${timeoutMs} ms; sent: ${JSON.stringify(sent, null, 1)}; failed: ${JSON.stringify(failed)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Forgets calls, unexpected ones and pending failures; rosters, blocked users and known activities stay (the remote world's state). */
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
    const conversationId = m?.[1] ? decodeURIComponent(m[1]) : undefined;
    const itemId = m?.[3] ? decodeURIComponent(m[3]) : undefined;
    const method = m ? methodOf(req.method, conversationId, m[2], itemId) : undefined;
    if (!method) {
      this.unexpected.push(`${req.method} ${path}: ${m ? 'not handled by the fake' : 'not a Bot Connector route'}`);
      return json(m ? 405 : 404, { error: { code: m ? 'MethodNotAllowed' : 'NotFound' } });
    }
    const call: ConnectorCall = { method, status: 0, conversationId, activityId: itemId, body, authorization, at: Date.now() };
    this.calls.push(call);
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      json(status, payload, headers);
    };

    // Teams' own verdict first: a request po-desk should never make is refused whatever else is going on.
    const refusal = this.refusal(call, body);
    if (refusal) return answer(refusal.status, { error: refusal.error });

    const failure = this.failures.find((f) => matches(f, call));
    if (failure) {
      if (--failure.remaining <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
      return answer(failure.status, { error: { code: failure.status === 429 ? 'Throttled' : 'Failed' } }, headers);
    }

    switch (method) {
      case 'createConversation': {
        const member = (body?.members as { id?: string }[])[0]!.id!;
        call.resultId = createdChatId({ id: member });
        this.personalChats.set(call.resultId, member);
        return answer(201, { id: call.resultId });
      }
      case 'send':
      case 'reply':
      case 'update': {
        call.resultId = method === 'update' ? itemId! : String(1_700_000_500_000 + this.nextId++);
        add(this.issued, baseOf(conversationId!), call.resultId);
        return answer(200, { id: call.resultId });
      }
      case 'getMember': {
        const member = this.rosters.get(conversationId!)?.find((x) => x.id === itemId || x.aadObjectId === itemId);
        return member ? answer(200, member) : answer(404, { error: { code: 'MemberNotFoundInConversation', message: 'Member not found' } });
      }
      case 'pagedMembers': {
        const all = this.rosters.get(conversationId!);
        if (!all) return answer(404, { error: { code: 'ConversationNotFound' } });
        const size = Number(url.searchParams.get('pageSize') ?? '100');
        const start = Number(url.searchParams.get('continuationToken') ?? '0');
        const page = all.slice(start, start + size);
        return answer(200, { members: page, ...(start + size < all.length ? { continuationToken: String(start + size) } : {}) });
      }
    }
  }

  /** How Teams refuses the call, if it does; what po-desk should never ask for is also `unexpected`. */
  private refusal(call: ConnectorCall, body: Record<string, unknown> | undefined): { status: number; error: Record<string, string> } | undefined {
    const where = `${call.method} ${call.conversationId ?? ''}${call.activityId ? ` ${call.activityId}` : ''}`;
    if (call.method === 'createConversation') {
      const member = (body?.members as { id?: string }[] | undefined)?.[0]?.id;
      if (!(body?.bot as { id?: string } | undefined)?.id) this.unexpected.push('createConversation without bot.id');
      const tenantId = body?.tenantId;
      const channelTenant = (body?.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
      if (typeof tenantId !== 'string' || typeof channelTenant !== 'string' || tenantId !== channelTenant) {
        this.unexpected.push(`createConversation needs the tenant as tenantId and channelData.tenant.id (got ${JSON.stringify(tenantId)} and ${JSON.stringify(channelTenant)})`);
      }
      const known = member !== undefined && [...this.rosters.values()].some((list) => list.some((x) => x.id === member));
      if (!member || !known || this.blockedUsers.has(member)) return { status: 403, error: { code: 'Forbidden', message: 'The bot is not part of the conversation roster.' } };
      return undefined;
    }
    if (call.method !== 'send' && call.method !== 'reply' && call.method !== 'update') return undefined;
    this.checkActivity(body, where);
    const base = baseOf(call.conversationId!);
    if (call.method === 'reply' && !this.issued.get(base)?.has(call.activityId!) && !this.inbound.get(base)?.has(call.activityId!)) {
      this.unexpected.push(`${where}: a reply to an activity that is not in that conversation`);
      return { status: 404, error: { code: 'ActivityNotFoundInConversation', message: 'The activity to reply to does not exist.' } };
    }
    if (call.method === 'update' && !this.issued.get(base)?.has(call.activityId!)) {
      this.unexpected.push(`${where}: an update of an activity the bot did not send in that conversation`);
      return { status: 404, error: { code: 'ActivityNotFoundInConversation', message: 'The activity to update does not exist.' } };
    }
    const person = this.personalChats.get(call.conversationId!);
    if (person !== undefined && this.blockedUsers.has(person)) return { status: 403, error: { code: 'Forbidden', message: 'The bot is not part of the conversation roster.' } };
    return undefined;
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

/** Which Bot Connector operation a request is, from its HTTP method and route; undefined if the fake has none. */
function methodOf(http: string | undefined, conversationId: string | undefined, sub: string | undefined, itemId: string | undefined): ConnectorMethod | undefined {
  if (http === 'POST' && !conversationId) return 'createConversation';
  if (sub === 'activities' && http === 'POST') return itemId ? 'reply' : 'send';
  if (sub === 'activities' && http === 'PUT' && itemId) return 'update';
  if (sub === 'members' && http === 'GET' && itemId) return 'getMember';
  if (sub === 'pagedmembers' && http === 'GET') return 'pagedMembers';
  return undefined;
}

function matches(failure: PendingFailure, call: ConnectorCall): boolean {
  if (failure.method !== undefined && failure.method !== call.method) return false;
  if (failure.conversationId === undefined) return true;
  return call.conversationId !== undefined && (call.conversationId === failure.conversationId || baseOf(call.conversationId) === failure.conversationId);
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
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
