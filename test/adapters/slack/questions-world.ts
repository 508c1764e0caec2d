/**
 * The world the Slack "Questions to the PO" tests share: the real app on a test clock, a product with a
 * PO (pat, 09:00–17:00 Mon–Fri in Berlin) and two teams, and helpers that read what people see in the
 * fake Slack: the anchor in the team channel, its thread, DMs, and private replies.
 */
import { expect } from 'vitest';
import { addDays, isoWeekday, localDate, zonedInstant } from '../../../src/domain/zoned-time.js';
import { buttonsOf, expectValidInfoModal, expectValidMessage, expectValidModal, type ShownButton } from '../../support/block-kit.js';
import { RESPONSE_URL, type RecordedCall, type ShownMessage } from '../../support/fake-slack.js';
import { addCast, ALI, ANN, BOB, CHANNEL, PAT } from '../../support/slack-cast.js';
import {
  blockActionsPayload,
  messageShortcutPayload,
  postEvent,
  postInteraction,
  viewSubmissionPayload,
  type ButtonClick,
  type MessageShortcut,
} from '../../support/slack-requests.js';
import { replyText, startTestApp, TestClock, type TestApp } from '../../support/test-app.js';
import type { TestDbKind } from '../../support/test-database.js';

type Json = Record<string, unknown>;

export const TZ = 'Europe/Berlin';
/** Team Payments' channel, and its one member. */
export const CHANNEL_B = 'C0TEAMB001';
export const KIM = 'U0KIM00001';
/** A customer the PO hands questions to. */
export const CAROL = 'U0CAROL001';
/** Not in any team. */
export const DAN = 'U0DAN00001';

/** The first Monday (in Berlin) at least a week from today: the test clock must stay ahead of real time. */
export function aMondayAhead(): string {
  const inAWeek = addDays(localDate(new Date(), TZ), 7);
  return addDays(inAWeek, (8 - isoWeekday(inAWeek)) % 7);
}

export interface QuestionWorld {
  t: TestApp;
  clock: TestClock;
  /** The Monday the tests start on (YYYY-MM-DD, Berlin). */
  monday: string;
  /** Berlin wall time `hhmm` on day `day` after that Monday (0 = Monday, 7 = the Monday after). */
  at(day: number, hhmm: string): Date;
  /** Moves the test clock to `at(day, hhmm)`. */
  goTo(day: number, hhmm: string): void;
  /**
   * Moves the clock to `at(day, hhmm)` as if the process had been idle: the scheduler skips the slots in
   * between, so its next minute tick does not catch up on days of five-minute nudge checks.
   */
  jumpTo(day: number, hhmm: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the app on a clock at Monday 09:00 and sets up the product as people would, with `/po`. With
 * `owner: false` nobody is named PO: alice binds the teams, which makes her the product's admin.
 */
export async function startQuestionWorld(kind: TestDbKind, options: { owner?: boolean; monday?: string; digest?: boolean } = {}): Promise<QuestionWorld> {
  const monday = options.monday ?? aMondayAhead();
  const at = (day: number, hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return zonedInstant(addDays(monday, day), h! * 60 + m!, TZ);
  };
  const clock = new TestClock(at(0, '09:00'));
  const t = await startTestApp(kind, { clock });
  addCast(t.fake);
  t.fake.addUser({ id: KIM, name: 'kim', real_name: 'Kim', tz: TZ });
  t.fake.addUser({ id: CAROL, name: 'carol', real_name: 'Carol', tz: 'America/New_York' });
  t.fake.addUser({ id: DAN, name: 'dan', real_name: 'Dan', tz: TZ });
  t.fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, 'U0PODESKBOT']);
  t.fake.setChannelMembers(CHANNEL_B, [KIM, PAT, 'U0PODESKBOT']);
  t.fake.setChannelMembers('C0RANDOM01', [ALI, DAN]);

  const ok = async (text: string, as: Parameters<TestApp['po']>[1], expected: string) => {
    const res = await t.po(text, as);
    expect(res.reply, `/po ${text}`).toContain(expected);
  };
  if (options.owner !== false) {
    await ok(`owner <@${PAT}>`, { userId: ANN }, 'is now the Product Owner');
    await ok('hours 09:00-17:00 mon-fri Europe/Berlin', { userId: PAT }, 'Your working hours are now 09:00–17:00 mon-fri (Europe/Berlin)');
  }
  await ok('team Checkout', { userId: ALI, channelId: CHANNEL }, 'This channel is now team *Checkout*');
  await ok('team Payments', { userId: KIM, channelId: CHANNEL_B, channelName: 'team-b' }, 'This channel is now team *Payments*');
  await settle(t); // the PO's welcome DM
  if (!options.digest) {
    // The weekly digest (default Monday 08:30) would join the PO's DMs these tests count: only its own test wants it.
    await t.app.db.prisma.product.updateMany({ data: { digestWeekday: 7, digestTimeMin: 23 * 60 + 59 } });
  }
  t.fake.reset();

  return {
    t,
    clock,
    monday,
    at,
    goTo: (day, hhmm) => clock.set(at(day, hhmm)),
    async jumpTo(day, hhmm) {
      await t.app.scheduler.restartFrom(at(day, hhmm));
      clock.set(at(day, hhmm));
    },
    stop: () => t.stop(),
  };
}

/** Waits until the outbox has delivered (or given up on) everything queued so far. */
export async function settle(t: TestApp, timeoutMs = 8000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const pending = await t.app.db.prisma.outboxMessage.findMany({ where: { status: 'pending' }, select: { kind: true, messageKey: true, threadKey: true, lastError: true } });
    if (pending.length === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`the outbox still holds ${JSON.stringify(pending)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The mrkdwn and plain texts of a message's blocks, joined: what a person reads. */
export const textOf = (m: { text?: string; blocks?: unknown[] } | undefined): string => replyText(m);

/** Messages po-desk posted with chat.postMessage in `channel` (top level, unless `threadTs`), oldest first. */
export function postsIn(t: TestApp, channel: string, threadTs?: string): RecordedCall[] {
  return t.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.answer.ok && c.args.channel === channel && (threadTs === undefined ? c.args.thread_ts === undefined : c.args.thread_ts === threadTs));
}

/** The DMs po-desk sent `userId` (conversations.open, then chat.postMessage into that DM), oldest first. */
export function dmsTo(t: TestApp, userId: string): RecordedCall[] {
  const opened = t.fake.callsTo('conversations.open').some((c) => c.args.users === userId);
  return opened ? postsIn(t, `D${userId}`) : [];
}

/** The ts Slack gave a posted message. */
export function tsOf(t: TestApp, call: RecordedCall): string {
  const ts = t.fake.bodyOf(call)?.ts;
  if (typeof ts !== 'string') throw new Error(`tsOf: ${call.method} posted nothing`);
  return ts;
}

/** The anchor of question `label` ("Q3") in `channel`: the post and the message as it looks now. */
export async function anchorOf(t: TestApp, label: string, channel = CHANNEL): Promise<{ ts: string; shown: () => ShownMessage }> {
  await t.fake.waitFor(() => findAnchor(t, label, channel) !== undefined);
  const ts = findAnchor(t, label, channel)!;
  return { ts, shown: () => t.fake.shown(ts)! };
}

function findAnchor(t: TestApp, label: string, channel: string): string | undefined {
  const all = t.fake.callsTo('chat.postMessage').filter((c) => c.answer.ok && c.args.channel === channel && c.args.thread_ts === undefined);
  for (const call of all) {
    const ts = t.fake.bodyOf(call)?.ts as string | undefined;
    const text = textOf(call.args as Json);
    if (ts && text.includes('Question for the PO') && new RegExp(`\\b${label} · asked`).test(text)) return ts;
  }
  return undefined;
}

/** The PO's DM about question `label`, as it looks now. */
export async function poDmOf(t: TestApp, label: string): Promise<{ ts: string; shown: () => ShownMessage }> {
  const find = () =>
    t.fake.callsTo('chat.postMessage').find((c) => c.answer.ok && c.args.channel === `D${PAT}` && textOf(c.args as Json).includes(`${label} from team`));
  await t.fake.waitFor(() => find() !== undefined);
  const ts = tsOf(t, find()!);
  return { ts, shown: () => t.fake.shown(ts)! };
}

/** Buttons of a message the fake holds. */
export const buttonsIn = (m: ShownMessage | Json | undefined): ShownButton[] => buttonsOf(m as { blocks?: unknown[] });

/**
 * Checks every message po-desk posted, updated or sent through a response_url, and every modal it opened,
 * against the Block Kit rules (po-desk's own too: nothing broadcasts, no lone surrogates, …).
 */
export function expectAllValid(t: TestApp): void {
  for (const call of t.fake.calls) {
    if (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(call.method)) {
      expectValidMessage(call.args as { text: string; blocks: unknown[] });
    }
    if (call.method === 'views.open') {
      // A form has inputs and a submit button; an answer shown in a modal (a click on the Home tab) has neither.
      const view = call.args.view as { blocks?: { type?: string }[] };
      if (view.blocks?.some((b) => b.type === 'input')) expectValidModal(view);
      else expectValidInfoModal(view);
    }
    if (call.method === RESPONSE_URL && call.answer.ok) expectValidMessage(call.args as { text: string; blocks: unknown[] });
  }
}

/** Clicks a button of a message, answered through a response_url bound to that message. */
export function click(t: TestApp, c: Omit<ButtonClick, 'responseUrl'> & { responseId: string }) {
  return postInteraction(t.baseUrl, blockActionsPayload({ ...c, responseUrl: t.fake.responseUrl(c.responseId, c.messageTs) }));
}

/** Clicks `label` on message `ts` in `channel` as `userId`, as Slack sends it. */
export async function clickButton(t: TestApp, o: { userId: string; channelId: string; ts: string; label: string; responseId: string; triggerId?: string }) {
  const shown = t.fake.shown(o.ts);
  const button = buttonsIn(shown).find((b) => b.label === o.label);
  if (!button) throw new Error(`no button “${o.label}” on ${o.ts}: ${JSON.stringify(buttonsIn(shown))}`);
  return click(t, {
    userId: o.userId,
    channelId: o.channelId,
    actionId: button.action_id,
    value: button.value,
    responseId: o.responseId,
    messageTs: o.ts,
    ephemeral: false,
    triggerId: o.triggerId ?? `trigger.${o.responseId}`,
  });
}

/** The modals Slack opened (views.open calls it accepted), newest last. */
export const openedViews = (t: TestApp) => t.fake.callsTo('views.open').filter((c) => c.answer.ok).map((c) => c.args as { trigger_id: string; view: Json });

/** Submits a modal the app opened, with `values` by block id. */
export const submit = (t: TestApp, userId: string, view: Json, values?: Record<string, string | null>) =>
  postInteraction(t.baseUrl, viewSubmissionPayload({ userId, view, values }));

/** Uses the "Ask the PO" message shortcut. */
export const shortcut = (t: TestApp, m: Omit<MessageShortcut, 'responseUrl' | 'callbackId'> & { responseId: string; callbackId?: string }) =>
  postInteraction(t.baseUrl, messageShortcutPayload({ callbackId: 'ask_po', ...m, responseUrl: t.fake.responseUrl(m.responseId) }));

export { postEvent };
