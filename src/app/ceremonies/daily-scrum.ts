import { addBusinessMs } from '../../domain/business-time.js';
import { dailyDue, dailyOn, formatDaily, parseDaily, REFINE_NOTE_DAYS, type DailyOccurrence } from '../../domain/daily-scrum.js';
import { authorize, isOwner, teamOfChannel } from '../../domain/product.js';
import { workingDayMs } from '../../domain/working-hours.js';
import { addDays, localDate } from '../../domain/zoned-time.js';
import { actions, bold, code, context, message, section } from '../../messages/build.js';
import type { Block, Form, FormValues, Message } from '../../messages/model.js';
import { truncate } from '../../messages/render-common.js';
import { UserError } from '../../user-error.js';
import { lookupUser, withProduct, type CommandContext, type Deps } from '../context.js';
import type { FormOutcome } from '../interactions.js';
import type { DailyTeam, Store, Tx } from '../ports.js';
import { NOT_SET_UP, refusalMessage } from '../replies.js';
import { askQuestion } from '../questions/ask-question.js';
import { poCalendar } from '../questions/load.js';
import type { Logger } from 'pino';

export const DAILY_ACTIONS = { needPo: 'daily.need-po' } as const;
export const NEED_PO_FORM = 'daily.need-po';
export const DAILY_TAG = 'daily-scrum';
const MAX_REFINE_CHARS = 500;

/** The reminder of a team's day: its thread holds everything it causes. */
export const reminderKeyOf = (teamId: string, date: string) => `daily:${teamId}:${date}`;

const needsTeam = () => new UserError('daily_needs_team', 'The Daily Scrum is set per team: run this in the team’s channel (or make this channel a team with `/po team <name>`).');

/** `/po daily [HH:MM [days] [tz] [Nmin] | off]` in a team's channel. */
export async function setDaily(ctx: CommandContext, deps: Deps, text: string | undefined): Promise<Message> {
  const profile = await lookupUser(deps.directory, ctx.userId);
  const now = deps.clock.now();
  const out = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller, actor }) => {
    const team = ctx.inDirectMessage ? undefined : teamOfChannel(state, ctx.channelId);
    if (!team) throw needsTeam();
    const current = await tx.ceremonies.daily(team.id);
    if (text === undefined) {
      if (!current) return message(section(`Team ${team.name} has no Daily Scrum reminder.`), context('Set one with ', code('/po daily 09:30 mon-fri Europe/Berlin'), '.'));
      const holidays = new Set((await tx.calendar.holidays(state.id)).map((h) => h.date));
      const next = nextReminder(current, now, holidays);
      return message(
        section(`Team ${team.name}’s Daily Scrum: `, bold(formatDaily(current)), '.'),
        ...(next ? [context('Next reminder: ', { type: 'date', at: next, timeZone: current.timeZone }, '. Holidays (', code('/po holiday'), ') are skipped.')] : []),
      );
    }
    const allowed = authorize(state, actor, { kind: 'team', team });
    if (!allowed.allowed) return refusalMessage(`change team ${team.name}’s Daily Scrum`, allowed.whoMay);
    const parsed = parseDaily(text, profile.timeZone ?? (await tx.workingHours(caller.id)).timeZone, current?.leadMin);
    if (!parsed.ok) throw new UserError('daily_invalid', `Sorry, ${parsed.problem}.`);
    if (parsed.off) {
      await tx.ceremonies.setDaily(team.id, undefined);
      await tx.audit(state.id, caller.id, 'daily.off', { team: team.id });
      return message(
        section(`Done: team ${team.name} gets no Daily Scrum reminder any more.`),
        ...(current ? [context('Undo: ', code(`/po daily ${undoText(current)}`), '.')] : []),
      );
    }
    await tx.ceremonies.setDaily(team.id, parsed.setting);
    await tx.audit(state.id, caller.id, 'daily.set', { team: team.id, ...parsed.setting });
    const holidays = new Set((await tx.calendar.holidays(state.id)).map((h) => h.date));
    const next = nextReminder(parsed.setting, now, holidays);
    return message(
      section(`Done: team ${team.name}’s Daily Scrum is at `, bold(formatDaily(parsed.setting)), '.'),
      context(
        'I post a reminder in this channel before it, asking where the team needs the PO today',
        ...(next ? ['; the next one ', { type: 'date' as const, at: next, timeZone: parsed.setting.timeZone }] : []),
        '. ', code('/po daily off'), ' stops it.',
      ),
    );
  });
  return out ?? NOT_SET_UP;
}

const undoText = (s: { timeMin: number; days: number[]; timeZone: string; leadMin: number }) =>
  formatDaily(s).replace(/ \(([^)]+)\), reminder (\d+) min before$/, ' $1 $2min');

function nextReminder(s: Parameters<typeof dailyOn>[0], now: Date, holidays: ReadonlySet<string>): Date | undefined {
  const today = localDate(now, s.timeZone);
  for (let i = 0; i < 14; i++) {
    const d = dailyOn(s, addDays(today, i), holidays);
    if (d && d.remindAt > now) return d.remindAt;
  }
  return undefined;
}

/** `/po refine [note | off]`: the PO's note on where refinement needs the team, shown in the reminders for 5 working days. */
export async function setRefineNote(ctx: CommandContext, deps: Deps, text: string | undefined): Promise<Message> {
  const now = deps.clock.now();
  const out = await withProduct(ctx, deps, { create: false }, async ({ tx, state, caller }) => {
    const team = ctx.inDirectMessage ? undefined : teamOfChannel(state, ctx.channelId);
    if (!team) throw new UserError('refine_needs_team', 'A refinement note is for one team: run `/po refine <note>` in the team’s channel.');
    const current = await tx.ceremonies.refineNote(team.id);
    if (text === undefined) {
      if (!current || current.until <= now) return message(section(`There is no refinement note for team ${team.name}.`), context('The PO sets one with ', code('/po refine <where you need the team’s help>'), '.'));
      return message(section(`Refinement note for team ${team.name}: `, { type: 'text', text: current.note }), context('Shown in the Daily Scrum reminders until ', { type: 'date', at: current.until }, '.'));
    }
    if (!isOwner(state, caller.id)) return refusalMessage('set the refinement note', `the Product Owner${state.owner ? ` (${state.owner.displayName})` : ''}`);
    if (text.trim().toLowerCase() === 'off') {
      await tx.ceremonies.setRefineNote(team.id, undefined);
      return message(section(`Done: the refinement note for team ${team.name} is cleared.`));
    }
    const note = text.trim();
    if (note.length > MAX_REFINE_CHARS) throw new UserError('refine_too_long', `A refinement note is at most ${MAX_REFINE_CHARS} characters (this one has ${note.length}).`);
    const { cal } = await poCalendar(tx, state, now);
    const until = addBusinessMs(cal, now, REFINE_NOTE_DAYS * workingDayMs(cal.hours)) ?? new Date(now.getTime() + 7 * 86_400_000);
    await tx.ceremonies.setRefineNote(team.id, { note, until });
    await tx.audit(state.id, caller.id, 'daily.refine', { team: team.id });
    return message(
      section(`Done: team ${team.name}’s Daily Scrum reminders say where you need their help with refinement, until `, { type: 'date', at: until, timeZone: cal.hours.timeZone }, '.'),
      context(code('/po refine off'), ' clears it sooner.'),
    );
  });
  return out ?? NOT_SET_UP;
}

/** The reminder posted in a team's channel before its Daily Scrum. */
export function reminderMessage(team: { name: string }, meetingAt: Date, timeZone: string, refine: string | undefined, value: string): Message {
  const blocks: Block[] = [
    section('☀️ ', bold(`Daily Scrum at `), { type: 'date', at: meetingAt, timeZone }, bold(` — team ${team.name}`)),
    section('Where do you need the PO today? Tell them here, and the answer comes back in this thread.'),
  ];
  if (refine) blocks.push(section('🧭 The PO needs your help with refinement: ', { type: 'text', text: truncate(refine, MAX_REFINE_CHARS) }));
  blocks.push(actions({ actionId: DAILY_ACTIONS.needPo, label: 'I need the PO', value, style: 'primary', opensForm: true }));
  return message(...blocks);
}

export function needPoForm(value?: string): Form {
  return {
    callbackId: NEED_PO_FORM,
    title: 'I need the PO',
    submitLabel: 'Ask the PO',
    metadata: value,
    inputs: [{ id: 'question', type: 'text', label: 'Where do you need the PO today?', multiline: true, required: true, maxLength: 3000 }],
  };
}

/** "I need the PO" → a question to the PO, tagged "daily scrum", posted in the reminder's thread. */
export async function submitNeedPo(ctx: CommandContext, deps: Deps, metadata: string | undefined, values: FormValues): Promise<FormOutcome> {
  const m = /^([^:]+):(\d{4}-\d{2}-\d{2})$/.exec(metadata ?? '');
  if (!m) throw new UserError('daily_gone', 'That reminder is no longer known to po-desk.');
  const text = values.question?.trim() ?? '';
  if (text === '') return { kind: 'invalid', errors: { question: 'Say where you need the PO, e.g. “5 minutes on the refund rules”.' } };
  const [, teamId, date] = m;
  const team = await deps.store.transaction(async (tx) => {
    const ws = await tx.workspace(ctx.platform, ctx.workspaceExternalId);
    return ws.productId ? (await tx.productState(ws.productId)).teams.find((t) => t.id === teamId) : undefined;
  });
  if (!team) throw new UserError('daily_gone', 'That reminder’s team is no longer part of this product.');
  const reply = await askQuestion({ ...ctx, channelId: team.channelId, inDirectMessage: false }, deps, text, 'command', undefined, { tag: DAILY_TAG, threadKey: reminderKeyOf(team.id, date!) });
  return { kind: 'done', message: reply };
}

/**
 * Teams whose reminders one transaction claims and queues: the dispatcher starts on a batch as soon as it
 * commits, so the first batch is small (the first reminders go out while the rest are queued).
 */
const REMINDER_BATCH = 200;
const FIRST_REMINDER_BATCH = 25;
const NO_HOLIDAYS: ReadonlySet<string> = new Set();

/** `dailyDue` with these holidays, once per distinct setting (teams of a product mostly share one), not once per team. */
function dueMemo(now: Date, holidays: ReadonlySet<string>): (setting: DailyTeam['setting']) => DailyOccurrence | undefined {
  const seen = new Map<string, DailyOccurrence | undefined>();
  return (setting) => {
    const key = `${setting.timeZone}|${setting.timeMin}|${setting.leadMin}|${setting.days.join(',')}`;
    if (!seen.has(key)) seen.set(key, dailyDue(setting, now, holidays));
    return seen.get(key);
  };
}

/**
 * Every minute: each team whose reminder is due gets it, once per local date (claimed in the
 * database, so restarts and replicas never post it twice). A reminder missed until its meeting began is
 * not posted late.
 *
 * Holidays only ever cancel a reminder, so teams with none due even without them are passed over without
 * a transaction. The due ones are claimed and queued REMINDER_BATCH to a transaction, in one write each
 * (claims, then posts): 2,000 teams due in one minute cost 11 transactions of three statements, not 2,000
 * transactions each reading every team of the product. A batch that fails is retried team by team, so
 * one team's problem does not hold back the others.
 */
export async function postDailyReminders(store: Store, now: Date, log: Logger): Promise<number> {
  const teams = await store.transaction((tx) => tx.ceremonies.teamsWithDaily());
  const dueWithoutHolidays = dueMemo(now, NO_HOLIDAYS);
  const candidates = teams.filter((t) => dueWithoutHolidays(t.setting));
  let posted = 0;
  for (let i = 0, size = FIRST_REMINDER_BATCH; i < candidates.length; i += size, size = REMINDER_BATCH) {
    const batch = candidates.slice(i, i + size);
    try {
      posted += await store.transaction((tx) => postReminders(tx, batch, now));
    } catch (error) {
      if (batch.length === 1) {
        log.error({ err: error, team: batch[0]!.teamId }, 'daily: could not post a reminder; the next run tries again');
        continue;
      }
      for (const t of batch) {
        try {
          posted += await store.transaction((tx) => postReminders(tx, [t], now));
        } catch (e) {
          log.error({ err: e, team: t.teamId }, 'daily: could not post a reminder; the next run tries again');
        }
      }
    }
  }
  if (posted > 0) log.info({ posted }, 'daily: posted Daily Scrum reminders');
  return posted;
}

async function postReminders(tx: Tx, teams: DailyTeam[], now: Date): Promise<number> {
  // Each product's holidays, read once, and the dueness of its settings under them.
  const dueIn = new Map<string, ReturnType<typeof dueMemo>>();
  const due: { team: DailyTeam; day: DailyOccurrence }[] = [];
  for (const team of teams) {
    let dueOn = dueIn.get(team.productId);
    if (!dueOn) {
      dueOn = dueMemo(now, new Set((await tx.calendar.holidays(team.productId)).map((x) => x.date)));
      dueIn.set(team.productId, dueOn);
    }
    const day = dueOn(team.setting);
    if (day) due.push({ team, day });
  }
  const claimed = await tx.ceremonies.claimDailyReminders(due.map(({ team, day }) => ({ teamId: team.teamId, date: day.date, meetingAt: day.meetingAt })), now);
  const posts = due.filter(({ team }) => claimed.has(team.teamId));
  if (posts.length === 0) return 0;
  await tx.enqueuePosts(
    posts.map(({ team, day }) => {
      const refine = team.refine;
      return {
        workspace: team.workspace,
        delivery: {
          kind: 'post' as const,
          channelId: team.channelId,
          messageKey: reminderKeyOf(team.teamId, day.date),
          message: reminderMessage(team, day.meetingAt, team.setting.timeZone, refine && refine.until > now ? refine.note : undefined, `${team.teamId}:${day.date}`),
        },
      };
    }),
  );
  return posts.length;
}
