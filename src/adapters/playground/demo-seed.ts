import type { Logger } from 'pino';
import type { AdjustableClock } from '../../clock.js';
import type { ProductState } from '../../domain/product.js';
import type { SprintCadence } from '../../domain/sprint-calendar.js';
import { addDays, isoWeekday, localDate } from '../../domain/zoned-time.js';
import { dmChannelId, type PlaygroundPerson, type PlaygroundSeed, type PlaygroundWorkspace } from '../../store/playground-workspace.js';
import type { PlaygroundChat } from './playground-chat.js';

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
];

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
export async function seedDemo(workspace: PlaygroundWorkspace, chat: PlaygroundChat, clock: AdjustableClock, log: Logger): Promise<boolean> {
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
