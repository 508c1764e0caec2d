import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Platform, ReportTo } from '../app/ports.js';
import type { Clock } from '../clock.js';
import type { Block, Message, Span } from '../messages/model.js';
import type { Db } from '../store/database.js';
import type { Metrics } from '../metrics.js';
import { bold, context, message, section } from '../messages/build.js';
import { outboxRow } from '../store/prisma-store.js';
import { SendError, type OutboxItem, type PlatformMessageRef, type Sender } from './sender.js';
import { WorkspacePacer } from './workspace-pacer.js';

export interface DispatcherOptions {
  db: Db;
  senders: Partial<Record<Platform, Sender>>;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  maxAttempts: number;
  /** How often to look for due messages when nobody calls wake(). */
  pollMs?: number;
  /** How long a claim protects a message from other dispatchers (a crashed one's claims expire). */
  leaseMs?: number;
  batchSize?: number;
  backoff?: { baseMs: number; maxMs: number };
}

interface Row {
  id: bigint;
  platform: string;
  workspaceId: string;
  kind: string;
  channelId: string | null;
  userId: string | null;
  threadKey: string | null;
  threadId: string | null;
  messageKey: string | null;
  payload: unknown;
  reportTo: unknown;
  attempts: number;
  createdAt: Date;
}

/** How long a message waits for a message it links to (then it goes out with the link's label as text). */
const LINK_WAIT_MS = 30_000;

/** A message another one refers to by key, once it is on its platform. */
interface SentOriginal {
  platform: string;
  workspaceId: string;
  ref: PlatformMessageRef;
  /** For a message that was itself a reply: its thread's root, where replies to it go. */
  threadRoot?: PlatformMessageRef;
}

/**
 * Delivers outbox messages at least once: claims due rows with a lease (FOR UPDATE SKIP LOCKED, so
 * replicas never take the same row), sends them, records the platform's message id, and retries
 * with exponential backoff. A 429 postpones the workspace's messages by Retry-After without using
 * up an attempt; permanent errors and the last attempt dead-letter the row with its reason.
 */
export class Dispatcher {
  readonly id = randomUUID();
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  /** Rate-limited workspaces: since when (the first 429's answer) and until when they send nothing. */
  private readonly paused = new Map<string, { since: number; until: number }>();
  /** The rate-limited workspaces the last claim passed over. */
  private leftOut = new Set<string>();
  /** When messages this dispatcher put off for less than a poll are due again (a claim since then took the past ones). */
  private retryTimes: number[] = [];
  /** Each workspace's pace, learned from its 429s once two pauses have shown the rate. */
  private readonly pacer = new WorkspacePacer();

  constructor(private readonly o: DispatcherOptions) {
    this.pollMs = o.pollMs ?? 1000;
    this.leaseMs = o.leaseMs ?? 30_000;
    this.batchSize = o.batchSize ?? 20;
    this.backoff = o.backoff ?? { baseMs: 2_000, maxMs: 15 * 60_000 };
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Look for work now (called after a transaction that enqueued messages commits). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.wake(), this.again ? 0 : this.nextLookMs());
      this.again = false;
    });
  }

  /** Stops taking new work and waits for the batch in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped && (await this.drainOnce()) > 0) {
        // keep going while there is due work
      }
    } catch (error) {
      this.o.log.error({ err: error }, 'outbox: dispatch loop failed; will retry');
    }
  }

  /**
   * Claims and processes one batch; returns how many messages it handled. For tests and the loop.
   * Messages to different conversations go out together; one conversation's in the order queued (a
   * thread's root before its replies, a post before its edits).
   */
  async drainOnce(): Promise<number> {
    const rows = await this.claim();
    const lanes = new Map<string, Row[]>();
    for (const row of rows) {
      const key = `${row.platform}:${row.workspaceId}:${laneOf(row)}`;
      const lane = lanes.get(key);
      if (lane) lane.push(row);
      else lanes.set(key, [row]);
    }
    // A message that threads under, edits or links to one queued earlier in this batch, in another lane,
    // waits until that one has been handled: otherwise it would find its original still pending.
    const handled = new Map<bigint, Promise<void>>();
    const finish = new Map<bigint, () => void>();
    const byKey = new Map<string, Row>();
    for (const row of rows) {
      handled.set(row.id, new Promise<void>((resolve) => finish.set(row.id, resolve)));
      if (row.messageKey && (row.kind === 'post' || row.kind === 'dm') && !byKey.has(row.messageKey)) byKey.set(row.messageKey, row);
    }
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const row of lane) {
          const earlier = dependencyKeys(row)
            .map((key) => byKey.get(key))
            .filter((original): original is Row => original !== undefined && original.id < row.id);
          await Promise.all(earlier.map((original) => handled.get(original.id)));
          try {
            await this.process(row);
          } finally {
            finish.get(row.id)!();
          }
        }
      }),
    );
    return rows.length;
  }

  /**
   * When to look again with nothing to do now: at the next poll, as soon as a workspace the last claim
   * left out for a rate limit may send again, or when a message put off is due, whichever comes first.
   * Counted from that claim's view: a pause that ended while the claim ran (a timer may fire a
   * millisecond early) means look now, not at the next poll.
   */
  private nextLookMs(): number {
    const now = this.o.clock.now().getTime();
    let next = this.pollMs;
    for (const [key, { until }] of this.paused) {
      if (this.leftOut.has(key)) next = Math.min(next, Math.max(0, until - now));
      else if (until > now) next = Math.min(next, until - now);
      else this.paused.delete(key);
    }
    for (const at of this.retryTimes) next = Math.min(next, Math.max(0, at - now));
    return next;
  }

  private async claim(): Promise<Row[]> {
    const now = this.o.clock.now();
    const paused = [...this.paused].filter(([, p]) => p.until > now.getTime()).map(([key]) => key);
    this.leftOut = new Set(paused);
    this.retryTimes = this.retryTimes.filter((at) => at > now.getTime());
    return this.o.db.$queryRawUnsafe<Row[]>(
      `UPDATE "OutboxMessage" SET "lockedUntil" = $1, "lockedBy" = $2, "attempts" = "attempts" + 1
       WHERE "id" IN (
         SELECT "id" FROM "OutboxMessage"
         WHERE "status" = 'pending' AND "nextAttemptAt" <= $3
           AND ("lockedUntil" IS NULL OR "lockedUntil" < $3)
           AND NOT ("platform" || ':' || "workspaceId" = ANY($4::text[]))
           AND "platform" = ANY($6::text[])
         ORDER BY "id" LIMIT $5 FOR UPDATE SKIP LOCKED)
       RETURNING "id", "platform", "workspaceId", "kind", "channelId", "userId", "threadKey", "threadId", "messageKey", "payload", "reportTo", "attempts", "createdAt"`,
      new Date(now.getTime() + this.leaseMs),
      this.id,
      now,
      paused,
      this.batchSize,
      // Messages for a platform this process cannot reach wait for one that can (or for a restart
      // with its credentials): dead-lettering them would lose acknowledged work.
      Object.keys(this.o.senders),
    ).then((rows) => rows.sort((a, b) => (a.id < b.id ? -1 : 1)));
  }

  private async process(row: Row): Promise<void> {
    const log = this.o.log.child({ outboxId: String(row.id), platform: row.platform, kind: row.kind });
    const sender = this.o.senders[row.platform as Platform]!;
    const item: OutboxItem = {
      id: row.id,
      platform: row.platform as Platform,
      workspaceId: row.workspaceId,
      kind: row.kind as OutboxItem['kind'],
      channelId: row.channelId,
      userId: row.userId,
      messageKey: row.messageKey,
      message: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Message,
      attempts: row.attempts,
      queuedAt: new Date(row.createdAt),
    };
    let sentAt: number | undefined;
    try {
      if (row.kind === 'update' && (await this.superseded(row))) {
        // A newer look of the same message is queued or out: sending this one would undo it.
        await this.o.db.outboxMessage.updateMany({
          where: { id: row.id, lockedBy: this.id },
          data: { status: 'sent', sentAt: this.o.clock.now(), lockedUntil: null, lastError: 'superseded by a newer update' },
        });
        return;
      }
      const context: { thread?: PlatformMessageRef; target?: PlatformMessageRef } = {};
      if (row.kind === 'update' || row.threadKey) {
        const key = row.kind === 'update' ? row.messageKey! : row.threadKey!;
        const found = await this.findSent(key);
        if (found === 'pending') {
          // The message to edit or reply to has not gone out yet: wait for it, without using an attempt.
          return this.postpone(row, 1_000, false);
        }
        if (found === undefined) return this.deadLetter(row, `no message with key ${key} was ever queued`, log, 'it belongs to a message that was never sent');
        if (row.kind === 'update') context.target = found.ref;
        else context.thread = found.threadRoot ?? found.ref;
      } else if (row.threadId && row.channelId) {
        context.thread = { channelId: row.channelId, messageId: row.threadId };
      }
      const linked = await this.resolveMessageLinks(item, row.createdAt);
      if (linked === 'pending') return this.postpone(row, 1_000, false);
      const workspace = `${row.platform}:${row.workspaceId}`;
      // A 429 for another message of this workspace (sent alongside this one) came first: wait with it.
      const pausedFor = () => (this.paused.get(workspace)?.until ?? 0) - this.o.clock.now().getTime();
      if (pausedFor() > 0) return this.postpone(row, pausedFor(), false);
      // Its turn at the pace the workspace's 429s showed: waited for here when it is soon, else put off.
      const turn = this.pacer.take(workspace, this.o.clock.now().getTime(), this.pollMs);
      if (turn > this.pollMs) return this.postpone(row, turn, false);
      if (turn > 0) {
        await new Promise((resolve) => setTimeout(resolve, turn));
        if (pausedFor() > 0) return this.postpone(row, pausedFor(), false);
      }
      sentAt = this.o.clock.now().getTime();
      const sent = await sender.send({ ...item, message: linked }, context);
      this.pacer.delivered(workspace, laneOf(row), sentAt, this.o.clock.now().getTime());
      // Raw SQL: at a fan-out's rate, the ORM's own cost per statement was a third of the dispatcher's time.
      await this.o.db.$executeRawUnsafe(
        `UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = $1, "lockedUntil" = NULL, "lastError" = NULL, "platformChannelId" = $2, "platformMessageId" = $3
         WHERE "id" = $4 AND "lockedBy" = $5`,
        this.o.clock.now(),
        sent.channelId ?? context.target?.channelId ?? null,
        sent.messageId ?? context.target?.messageId ?? null,
        row.id,
        this.id,
      );
      this.o.metrics?.outboxSent.inc({ platform: row.platform });
      log.debug('outbox: delivered');
    } catch (error) {
      await this.failed(row, error, log, sentAt);
    }
  }

  /**
   * Turns `messageLink` spans into links to the platform's message, asked of the sender of the platform
   * that message is on. A message linked to that has not gone out yet is waited for, up to
   * LINK_WAIT_MS after this one was queued (the linked one may be retrying for long); after that, or
   * when it never will go out, or its platform has no links, the label is shown as text.
   */
  private async resolveMessageLinks(item: OutboxItem, createdAt: Date): Promise<Message | 'pending'> {
    const keys = new Set<string>();
    visitSpans(item.message, (span) => {
      if (span.type === 'messageLink') keys.add(span.messageKey);
      return span;
    });
    if (keys.size === 0) return item.message;
    const waited = this.o.clock.now().getTime() - new Date(createdAt).getTime();
    const urls = new Map<string, string | undefined>();
    for (const key of keys) {
      const found = await this.findSent(key);
      if (found === 'pending' && waited < LINK_WAIT_MS) return 'pending';
      urls.set(key, found && found !== 'pending' ? await this.permalink(found) : undefined);
    }
    return visitSpans(item.message, (span) => {
      if (span.type !== 'messageLink') return span;
      const url = urls.get(span.messageKey);
      return url ? { type: 'link', url, label: span.label } : { type: 'text', text: span.label };
    });
  }

  private async permalink(original: SentOriginal): Promise<string | undefined> {
    const sender = this.o.senders[original.platform as Platform];
    if (!sender?.permalink) return undefined;
    return sender.permalink(original.workspaceId, original.ref).catch((error: unknown) => {
      this.o.log.warn({ err: error, platform: original.platform }, 'outbox: no permalink for a linked message; showing its label');
      return undefined;
    });
  }

  private async superseded(row: Row): Promise<boolean> {
    const newer = await this.o.db.outboxMessage.count({ where: { messageKey: row.messageKey, kind: 'update', id: { gt: row.id }, status: { not: 'dead' } } });
    return newer > 0;
  }

  private async findSent(key: string): Promise<SentOriginal | 'pending' | undefined> {
    const original = await this.o.db.outboxMessage.findFirst({
      where: { messageKey: key, kind: { in: ['post', 'dm'] } },
      orderBy: { id: 'asc' },
    });
    if (!original) return undefined;
    if (original.status === 'dead') return undefined;
    if (original.status !== 'sent' || !original.platformMessageId || !original.platformChannelId) return 'pending';
    // A reply to a message that is itself a reply goes in the same thread: platforms thread under the root.
    let threadRoot: PlatformMessageRef | undefined;
    if (original.threadId) threadRoot = { channelId: original.platformChannelId, messageId: original.threadId };
    else if (original.threadKey) {
      const root = await this.findSent(original.threadKey);
      if (root !== 'pending' && root !== undefined) threadRoot = root.threadRoot ?? root.ref;
    }
    return { platform: original.platform, workspaceId: original.workspaceId, ref: { channelId: original.platformChannelId, messageId: original.platformMessageId }, threadRoot };
  }

  /** `sentAt`: when the failed request left, if it did. */
  private async failed(row: Row, error: unknown, log: Logger, sentAt: number | undefined): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const failure = error instanceof SendError ? error.failure : 'transient';
    if (failure === 'rate_limited') {
      const wait = (error as SendError).retryAfterMs ?? 1_000;
      const key = `${row.platform}:${row.workspaceId}`;
      // The workspace waits Retry-After from the first 429. The requests already on their way then get 429s
      // over the next tens of milliseconds for the same reason; letting each push the pause further would
      // stretch every pause by that spread, leaving the tokens the platform refilled meanwhile unused (the
      // fan-out bench's cycles). A 429 for a request sent after the pause began does push it.
      const now = this.o.clock.now().getTime();
      const pause = this.paused.get(key);
      if (!pause || pause.until <= now) {
        this.paused.set(key, { since: now, until: now + wait });
        this.pacer.paused(key, laneOf(row), sentAt ?? now, now, now + wait);
      } else if (sentAt === undefined || sentAt >= pause.since) pause.until = Math.max(pause.until, now + wait);
      this.o.metrics?.outboxRateLimited.inc({ platform: row.platform });
      log.warn({ retryAfterMs: wait }, 'outbox: rate limited; waiting as the platform asked');
      // The refused message itself waits its own Retry-After, from its own answer.
      return this.postpone(row, wait, false, reason);
    }
    if (failure === 'permanent') {
      return this.deadLetter(row, reason, log, (error as SendError).explanation ?? `${platformName(row.platform)} refused it`);
    }
    if (row.attempts >= this.o.maxAttempts) {
      return this.deadLetter(row, `gave up after ${row.attempts} attempts: ${reason}`, log, `${platformName(row.platform)} kept failing, so I stopped after ${row.attempts} tries`);
    }
    const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (row.attempts - 1));
    const jittered = Math.round(delay * (0.8 + Math.random() * 0.4));
    log.warn({ attempt: row.attempts, retryInMs: jittered, reason }, 'outbox: delivery failed; will retry');
    return this.postpone(row, jittered, true, reason);
  }

  private async postpone(row: Row, ms: number, countAttempt: boolean, reason?: string): Promise<void> {
    if (ms < this.pollMs) this.retryTimes.push(this.o.clock.now().getTime() + ms);
    await this.o.db.outboxMessage.updateMany({
      where: { id: row.id, lockedBy: this.id },
      data: {
        nextAttemptAt: new Date(this.o.clock.now().getTime() + ms),
        lockedUntil: null,
        ...(countAttempt ? {} : { attempts: { decrement: 1 } }),
        ...(reason ? { lastError: reason.slice(0, 1000) } : {}),
      },
    });
  }

  /** `reason` is for the operator (lastError, logs); `explanation` for the person told, in their words. */
  private async deadLetter(row: Row, reason: string, log: Logger, explanation: string): Promise<void> {
    const reportTo = parseReportTo(row);
    await this.o.db.$transaction(async (tx) => {
      const dead = await tx.outboxMessage.updateMany({
        where: { id: row.id, lockedBy: this.id },
        data: { status: 'dead', lockedUntil: null, lastError: reason.slice(0, 1000) },
      });
      // Whoever caused a private message or a post learns that it could not reach its recipient, and why.
      if (dead.count === 1 && reportTo) {
        await tx.outboxMessage.create({
          data: outboxRow(
            { platform: reportTo.platform, externalId: reportTo.workspaceExternalId },
            { kind: 'ephemeral', channelId: reportTo.channelId, userId: reportTo.userId, message: undeliverableNotice(row.kind, reportTo, explanation) },
          ),
        });
      }
    });
    this.o.metrics?.outboxDead.inc({ platform: row.platform });
    log.error({ reason, attempts: row.attempts }, 'outbox: message dead-lettered');
  }
}

/** The conversation a row goes to: its messages go out one after another. */
const laneOf = (row: Row) => row.channelId ?? row.userId ?? '';

/** A copy of the message with every rich-text span passed through `fn`. */
function visitSpans(m: Message, fn: (span: Span) => Span): Message {
  const spans = (rich: Span[]) => rich.map(fn);
  return {
    blocks: m.blocks.map((b): Block => {
      switch (b.type) {
        case 'section':
        case 'context':
          return { ...b, text: spans(b.text) };
        case 'fields':
          return { ...b, fields: b.fields.map((f) => ({ ...f, value: spans(f.value) })) };
        case 'list':
          return { ...b, items: b.items.map(spans) };
        default:
          return b;
      }
    }),
  };
}

/** The stored `reportTo` of a dm or post (written by outboxRow from a Delivery), if it has one. */
function parseReportTo(row: Row): ReportTo | undefined {
  const v = (typeof row.reportTo === 'string' ? JSON.parse(row.reportTo) : row.reportTo) as ReportTo | null;
  return v ?? undefined;
}

const platformName = (platform: string) => (platform === 'teams' ? 'Microsoft Teams' : platform === 'slack' ? 'Slack' : 'The playground');

function undeliverableNotice(kind: string, to: ReportTo, why: string): Message {
  const because = why.replace(/\.?$/, '.');
  return message(
    kind === 'post'
      ? section('I could not post in ', bold(to.recipientName), ': ', because)
      : section('I could not send ', bold(to.recipientName), ' a private message: ', because),
    context('Nothing else was affected: everything you changed is saved.'),
  );
}

/** The keys of the messages a row needs on the platform first: its thread's root, the message it edits, those it links to. */
function dependencyKeys(row: Row): string[] {
  const keys: string[] = [];
  if (row.threadKey) keys.push(row.threadKey);
  if (row.kind === 'update' && row.messageKey) keys.push(row.messageKey);
  const message = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Message;
  visitSpans(message, (span) => {
    if (span.type === 'messageLink') keys.push(span.messageKey);
    return span;
  });
  return keys;
}
