import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { askQuestion } from '../../app/questions/ask-question.js';
import { refreshQuestionMessages, viewOf } from '../../app/questions/load.js';
import { markOnIt, setResolved, submitAnswer, submitCustomerAnswer, submitHandoff } from '../../app/questions/respond.js';
import { submitRequest } from '../../app/intake/request-work.js';
import { submitAccept } from '../../app/intake/triage.js';
import type { AdjustableClock } from '../../clock.js';
import type { ProductState } from '../../domain/product.js';
import type { QuestionSource } from '../../domain/question.js';
import type { SprintCadence } from '../../domain/sprint-calendar.js';
import { addDays, isoWeekday, localDate, zonedInstant } from '../../domain/zoned-time.js';
import { dmChannelId, PLAYGROUND_WORKSPACE, type PlaygroundPerson, type PlaygroundSeed, type PlaygroundWorkspace } from '../../store/playground-workspace.js';
import { PLAYGROUND_WORKSPACE_NAME, type PlaygroundChat } from './playground-chat.js';

const PO = 'U-priya';

/** One PO, two teams, three stakeholders, spread over time zones so that time-zone handling shows. */
export const DEMO_PEOPLE: PlaygroundPerson[] = [
  { id: PO, handle: 'priya', displayName: 'Priya Patel', role: 'Product Owner', timeZone: 'Europe/Berlin', isAdmin: true },
  { id: 'U-alex', handle: 'alex', displayName: 'Alex Kim', role: 'Team Rocket · developer', timeZone: 'Europe/Berlin', isAdmin: false },
  { id: 'U-bea', handle: 'bea', displayName: 'Bea Santos', role: 'Team Rocket · developer', timeZone: 'Europe/Lisbon', isAdmin: false },
  { id: 'U-chen', handle: 'chen', displayName: 'Chen Wei', role: 'Team Comet · developer', timeZone: 'America/New_York', isAdmin: false },
  { id: 'U-dana', handle: 'dana', displayName: 'Dana Novak', role: 'Team Comet · tester', timeZone: 'America/Chicago', isAdmin: false },
  { id: 'U-sam', handle: 'sam', displayName: 'Sam Rivera', role: 'Stakeholder · Sales', timeZone: 'Europe/London', isAdmin: false },
  { id: 'U-jordan', handle: 'jordan', displayName: 'Jordan Lee', role: 'Stakeholder · Customer support', timeZone: 'America/New_York', isAdmin: false },
  { id: 'U-morgan', handle: 'morgan', displayName: 'Morgan Blake', role: 'Stakeholder · Marketing', timeZone: 'Europe/Berlin', isAdmin: false },
];

const DEMO_CHANNELS: PlaygroundSeed['channels'] = [
  { id: 'C-rocket', name: 'rocket', kind: 'channel', topic: 'Team Rocket — checkout and payments', members: [PO, 'U-alex', 'U-bea', 'U-sam'] },
  { id: 'C-comet', name: 'comet', kind: 'channel', topic: 'Team Comet — search and catalogue', members: [PO, 'U-chen', 'U-dana', 'U-jordan'] },
  { id: 'C-stakeholders', name: 'stakeholders', kind: 'channel', topic: 'Stakeholders of Acme Shop — requests and sprint reviews', members: [PO, 'U-sam', 'U-jordan', 'U-morgan'] },
];

/** What the PO typed to set the demo up; the seed types the same, so the product is built by the real use cases. */
const SETUP: { channelId: string; text: string }[] = [
  { channelId: dmChannelId(PO), text: '/po owner @priya' },
  { channelId: 'C-stakeholders', text: '/po stakeholder add @sam @jordan @morgan' },
  { channelId: 'C-rocket', text: '/po team Rocket' },
  { channelId: 'C-comet', text: '/po team Comet' },
  { channelId: 'C-rocket', text: '/po daily 09:30 mon-fri Europe/Berlin' },
  { channelId: 'C-comet', text: '/po daily 10:00 mon-fri Europe/Berlin' },
];

/** One step of the question history: who did what, when (Berlin time, weeks before this one). */
type HistoryStep =
  | { do: 'ask'; who: string; channelId: string; text: string; source: QuestionSource }
  | { do: 'on-it' }
  | { do: 'answer'; text: string }
  | { do: 'hand-off'; to: string; note: string }
  | { do: 'customer-answer'; who: string; text: string }
  | { do: 'resolve'; who: string };

interface HistoryQuestion {
  /** Monday of the week this many weeks before the current one. */
  weeksAgo: number;
  steps: { day: 'mon' | 'tue' | 'wed' | 'thu' | 'fri'; at: string; step: HistoryStep }[];
}

/**
 * A little question history from the weeks before this one, inside Priya's working hours, so
 * `/po stats` and `/po questions` have something to show: answered, handed to a customer, one still open.
 * Nothing is left waiting, so no nudge depends on when the demo starts.
 */
const QUESTION_HISTORY: HistoryQuestion[] = [
  {
    weeksAgo: 2,
    steps: [
      { day: 'tue', at: '10:05', step: { do: 'ask', who: 'U-bea', channelId: 'C-rocket', source: 'command', text: 'Should guest checkout ask for a phone number?' } },
      { day: 'tue', at: '10:32', step: { do: 'answer', text: 'Only when the order ships by courier: the courier needs it. Otherwise leave it out.' } },
      { day: 'tue', at: '11:10', step: { do: 'resolve', who: 'U-bea' } },
    ],
  },
  {
    weeksAgo: 1,
    steps: [
      { day: 'tue', at: '14:20', step: { do: 'ask', who: 'U-chen', channelId: 'C-comet', source: 'mention', text: 'Do we show out-of-stock products in search results?' } },
      { day: 'tue', at: '15:05', step: { do: 'hand-off', to: 'U-jordan', note: 'Jordan hears this from customers every day.' } },
      { day: 'tue', at: '16:40', step: { do: 'customer-answer', who: 'U-jordan', text: 'Yes, at the end of the list and marked "back soon": customers ask us when they cannot find them at all.' } },
      { day: 'wed', at: '09:15', step: { do: 'resolve', who: 'U-chen' } },
    ],
  },
  {
    weeksAgo: 1,
    steps: [
      { day: 'thu', at: '16:45', step: { do: 'ask', who: 'U-alex', channelId: 'C-rocket', source: 'shortcut', text: 'Can we drop PayPal Express from the cart page, now that PayPal is in the wallet step?' } },
      { day: 'fri', at: '09:20', step: { do: 'on-it' } },
      { day: 'fri', at: '11:00', step: { do: 'answer', text: 'Not yet: a third of PayPal orders start there. Let us look at the numbers again after Black Friday.' } },
    ],
  },
];

const WEEKDAYS = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4 } as const;

/**
 * Plays the question history through the real use cases, each step on a clock standing at its time.
 * What they send goes through the outbox as usual; the askers' private replies are not kept (they
 * were read back then). The anchor's new look after "Mark resolved" is queued here: on a click the
 * surface replaces the anchor in place, but the seeded anchor is not out yet.
 */
async function seedQuestionHistory(deps: Deps, now: Date): Promise<void> {
  const timeZone = 'Europe/Berlin';
  const today = localDate(now, timeZone);
  const thisMonday = addDays(today, 1 - isoWeekday(today));
  const ctxOf = (userId: string, channelId: string): CommandContext => ({
    platform: 'playground',
    workspaceExternalId: PLAYGROUND_WORKSPACE,
    workspaceName: PLAYGROUND_WORKSPACE_NAME,
    channelId,
    inDirectMessage: channelId.startsWith('D-'),
    userId,
  });
  for (const [i, question] of QUESTION_HISTORY.entries()) {
    const requestKey = `playground:demo-seed:question-${i + 1}`;
    let id: string | undefined;
    let channelId = '';
    for (const { day, at, step } of question.steps) {
      const [hours = 0, minutes = 0] = at.split(':').map(Number);
      const when = zonedInstant(addDays(thisMonday, -7 * question.weeksAgo + WEEKDAYS[day]), hours * 60 + minutes, timeZone);
      const d: Deps = { ...deps, clock: { now: () => when } };
      const po = ctxOf(PO, dmChannelId(PO));
      switch (step.do) {
        case 'ask': {
          channelId = step.channelId;
          await askQuestion(ctxOf(step.who, step.channelId), d, step.text, step.source, requestKey);
          id = await deps.store.transaction(async (tx) => (await tx.questions.byRequestKey(requestKey))?.id);
          if (!id) throw new Error(`playground: the demo's question ${i + 1} was not asked`);
          break;
        }
        case 'on-it':
          await markOnIt(po, d, id!);
          break;
        case 'answer':
          expectDone(await submitAnswer(po, d, id, { answer: step.text }), i);
          break;
        case 'hand-off':
          expectDone(await submitHandoff(po, d, id, { person: step.to, note: step.note }), i);
          break;
        case 'customer-answer':
          expectDone(await submitCustomerAnswer(ctxOf(step.who, dmChannelId(step.who)), d, id, { answer: step.text }), i);
          break;
        case 'resolve': {
          await setResolved(ctxOf(step.who, channelId), d, id!, true);
          await deps.store.transaction(async (tx) => {
            const q = (await tx.questions.byRequestKey(requestKey))!;
            const state = await tx.productState(q.productId);
            await refreshQuestionMessages(tx, state, await viewOf(tx, state, q), { po: false });
          });
          break;
        }
      }
    }
  }
}

/**
 * Two requests in the PO's intake from last week: Sam's, accepted at the top of the backlog, and Morgan's,
 * still waiting, so `/po queue` has something to show and the PO's DM about it arrives when the demo starts.
 */
async function seedIntakeHistory(deps: Deps, now: Date): Promise<void> {
  const timeZone = 'Europe/Berlin';
  const today = localDate(now, timeZone);
  const lastMonday = addDays(today, 1 - isoWeekday(today) - 7);
  const at = (day: number, minutes: number): Deps => ({ ...deps, clock: { now: () => zonedInstant(addDays(lastMonday, day), minutes, timeZone) } });
  const ctxOf = (userId: string, channelId: string, requestKey?: string): CommandContext => ({
    platform: 'playground', workspaceExternalId: PLAYGROUND_WORKSPACE, workspaceName: PLAYGROUND_WORKSPACE_NAME, channelId, inDirectMessage: channelId.startsWith('D-'), userId, ...(requestKey ? { requestKey } : {}),
  });
  const gift = await submitRequest(ctxOf('U-sam', 'C-rocket', 'playground:demo-seed:intake-1'), at(0, 11 * 60), {
    title: 'Gift cards at checkout',
    problem: 'Corporate customers ask for gift cards before every holiday season; sales loses those orders to competitors.',
    value: '4', urgency: 'high', neededBy: null, link: null,
  });
  expectDone(gift, 0);
  const giftId = await deps.store.transaction(async (tx) => (await tx.intake.bySourceKey('playground:demo-seed:intake-1'))?.id);
  expectDone(await submitAccept(ctxOf(PO, dmChannelId(PO)), at(1, 10 * 60), giftId, { position: 'top', note: 'Next sprint: Rocket has the payment pieces in place.' }), 0);
  expectDone(await submitRequest(ctxOf('U-morgan', dmChannelId('U-morgan'), 'playground:demo-seed:intake-2'), at(4, 15 * 60), {
    title: 'Export orders to CSV for the campaign report',
    problem: 'Marketing rebuilds the campaign report by hand from screenshots every Monday.',
    value: '3', urgency: 'normal', neededBy: null, link: null,
  }), 1);
}

function expectDone(outcome: { kind: string }, i: number): void {
  if (outcome.kind !== 'done') throw new Error(`playground: a step of the demo's question ${i + 1} was refused: ${JSON.stringify(outcome)}`);
}

/** Two-week sprints on Berlin time, the current one started last Monday, reviews on Thursday at 14:00. */
export function demoCadence(now: Date): SprintCadence {
  const timeZone = 'Europe/Berlin';
  const today = localDate(now, timeZone);
  const thisMonday = addDays(today, 1 - isoWeekday(today));
  return { firstSprintStart: addDays(thisMonday, -7), firstNumber: 14, weeks: 2, reviewWeekday: 4, reviewTime: '14:00', timeZone };
}

/**
 * Seeds the demo product unless it exists: the playground's people and channels, then the PO's setup
 * commands through the real use cases (their replies show in the PO's view; the welcome DM goes
 * through the outbox). A seed an earlier start began but never finished is wiped and done again.
 * Returns whether this call seeded.
 */
export async function seedDemo(workspace: PlaygroundWorkspace, chat: PlaygroundChat, deps: Deps, clock: AdjustableClock, log: Logger): Promise<boolean> {
  const status = await workspace.seedStatus();
  if (status === 'done') return false;
  if (status === 'started') {
    log.warn('playground: an earlier start died while seeding the demo; seeding it again');
    await workspace.wipe(clock.baseNow());
  }
  if (!(await workspace.seed({ people: DEMO_PEOPLE, channels: DEMO_CHANNELS, sprintCalendar: demoCadence(clock.now()) }))) {
    return false; // another process got there first
  }
  for (const step of SETUP) await chat.say(PO, step.channelId, step.text);
  // Every reply is a private message, refusals too: check what the commands built.
  const problem = demoProblem(await chat.productState());
  if (problem) throw new Error(`playground: the demo's setup commands did not set it up (${problem}); see the replies in the PO's channels`);
  await seedQuestionHistory(deps, clock.now());
  await seedIntakeHistory(deps, clock.now());
  // The product's sprint cadence is the one the sidebar shows: reviews invite the stakeholders.
  await deps.store.transaction(async (tx) => {
    const w = await tx.workspace('playground', PLAYGROUND_WORKSPACE);
    await tx.ceremonies.setCadence(w.productId!, { ...demoCadence(clock.now()), location: 'Room Ada, or https://meet.example.com/acme-review', inviteDaysBefore: 2 });
  });
  await workspace.markSeeded(clock.now());
  log.info({ people: DEMO_PEOPLE.length, channels: DEMO_CHANNELS.length }, 'playground: demo product seeded');
  return true;
}

function demoProblem(state: ProductState | undefined): string | undefined {
  if (!state) return 'no product';
  if (state.owner?.platformUserId !== PO) return 'the PO is not Priya';
  if (state.teams.length !== 2) return `${state.teams.length} teams instead of 2`;
  if (state.stakeholders.length !== 3) return `${state.stakeholders.length} stakeholders instead of 3`;
  return undefined;
}
