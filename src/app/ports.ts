import type { PersonRef, ProductState } from '../domain/product.js';
import type { WorkingHours } from '../domain/working-hours.js';
import type { Message } from '../messages/model.js';
import type { Absence } from '../domain/business-time.js';
import type { FirstResponseKind, Question } from '../domain/question.js';
import type { PeriodStatsData, PeriodStatsQuery, QuestionStatsData, StatsQuery } from '../domain/question-stats.js';
import type { IntakeItem, IntakeStatus, InterceptMode } from '../domain/intake.js';
import type { RequestSignal } from '../domain/request-detector.js';
import type { DailySetting } from '../domain/daily-scrum.js';
import type { ReviewCadence, RsvpAnswer, PromptKind } from '../domain/sprint-review.js';

/** What a use case may ask a chat platform directly (reads only; writes go through the outbox). */
export interface Directory {
  lookupUser(platformUserId: string): Promise<UserProfile | undefined>;
  channelMembers(channelId: string): Promise<string[]>;
}

export interface UserProfile {
  platformUserId: string;
  displayName: string;
  timeZone: string | undefined;
  isBot: boolean;
  isAdmin: boolean;
  deleted: boolean;
}

export type Platform = 'slack' | 'teams' | 'playground';

/** An outgoing message as a use case sees it; the dispatcher resolves keys to platform ids. */
export type Delivery =
  | { kind: 'post'; channelId: string; message: Message; messageKey?: string; threadKey?: string; threadId?: string; reportTo?: ReportTo }
  | { kind: 'dm'; userId: string; message: Message; messageKey?: string; reportTo?: ReportTo }
  | { kind: 'ephemeral'; channelId: string; userId: string; message: Message }
  | { kind: 'update'; messageKey: string; message: Message }
  /** A private answer to a command through the platform's reply URL (Slack's response_url). */
  | { kind: 'reply'; replyUrl: string; message: Message };

/**
 * Who to tell, and where, when a dm or post can never be delivered (e.g. Teams cannot open a 1:1, or
 * po-desk is not in the channel).
 */
export interface ReportTo {
  userId: string;
  channelId: string;
  /** Who or where the message was for, as the notice names it: a person, or e.g. "team Rocket's channel". */
  recipientName: string;
  /** Where userId and channelId are: the reporter's workspace may differ from the recipient's. */
  platform: Platform;
  workspaceExternalId: string;
}

export interface WorkspaceRef {
  id: string;
  platform: Platform;
  externalId: string;
  productId: string | undefined;
}

export interface NewPerson {
  platformUserId: string;
  displayName: string;
  timeZone: string | undefined;
}

export interface NewLinkCode {
  codeHash: string;
  productId: string;
  kind: 'workspace' | 'person';
  personId: string | undefined;
  createdById: string;
  expiresAt: Date;
}

export interface LinkCodeEntry {
  productId: string;
  kind: 'workspace' | 'person';
  personId: string | undefined;
  createdById: string;
}

export type NewQuestion = Pick<Question, 'productId' | 'teamId' | 'askerId' | 'text' | 'source' | 'askedAt'> & { requestKey: string | undefined; tag?: string };

export type QuestionChange = Partial<
  Pick<Question, 'poNotifiedAt' | 'answeredAt' | 'answeredById' | 'answerText' | 'handedToId' | 'handedOffAt' | 'lastNudgedDay' | 'escalatedAt'>
> & {
  /** resolvedAt/resolvedById: null reopens. */
  resolvedAt?: Date | null;
  resolvedById?: string | null;
};

export interface FirstResponse {
  at: Date;
  kind: FirstResponseKind;
  businessSec: number;
  wallSec: number;
}

export interface QuestionStore {
  /**
   * Creates the question with the product's next number. Idempotent on `requestKey`: when a question
   * with that key exists (a retried or concurrent delivery of the same request), returns it with
   * `created: false` instead.
   */
  create(q: NewQuestion): Promise<{ question: Question; created: boolean }>;
  byRequestKey(requestKey: string): Promise<Question | undefined>;
  /** The question, locked until the transaction ends (concurrent changes to it take turns). */
  get(productId: string, id: string): Promise<Question | undefined>;
  /** The question whose anchor message is this platform message (a thread's root). */
  byAnchor(platform: Platform, workspaceExternalId: string, channelId: string, messageId: string): Promise<Question | undefined>;
  update(id: string, change: QuestionChange): Promise<void>;
  /** Records the first response unless there already is one; returns whether this was the first. */
  recordFirstResponse(id: string, response: FirstResponse): Promise<boolean>;
  /** Unresolved questions, oldest first. */
  open(productId: string, filter: { teamId?: string; askerId?: string }): Promise<Question[]>;
  /** How many are unresolved, and the oldest `limit` of them (`waiting`: only those without a first response). */
  openPage(productId: string, filter: { askerId?: string; waiting?: boolean; askedSince?: Date }, limit: number): Promise<{ count: number; oldest: Question[] }>;
  /** `openPage` without the count (it reads every open question): the oldest `limit` unresolved ones. */
  oldestOpen(productId: string, filter: { waiting?: boolean; askedSince?: Date }, limit: number): Promise<Question[]>;
  /** Questions the PO has not been sent yet (asked before there was a PO). */
  unnotified(productId: string): Promise<Question[]>;
  /** Across products: unresolved questions without a first response, for the nudge job. */
  awaitingFirstResponse(): Promise<Question[]>;
  stats(productId: string, query: StatsQuery): Promise<QuestionStatsData>;
  /** The digest's period, the weeks before it and its weeks, in one pass. */
  periodStats(productId: string, query: PeriodStatsQuery): Promise<PeriodStatsData>;
  /** Only the weeks of `stats` (the dashboard's sparkline): one entry per week, oldest first. */
  weekly(productId: string, query: StatsQuery): Promise<QuestionStatsData['weeks']>;
  /** Questions asked in [since, until) whose first response took more than `businessSec` of working time. */
  countSlowerThan(productId: string, since: Date, until: Date, businessSec: number): Promise<number>;
  /** Questions with this tag asked in [since, until), oldest first. */
  tagged(productId: string, tag: string, since: Date, until: Date): Promise<Question[]>;
  /** Median business seconds to a first response of questions asked since `since`. */
  medianFirstResponseSec(productId: string, since: Date): Promise<number | undefined>;
}

export interface AbsenceRecord extends Absence {
  id: string;
  personId: string;
  lastDay: string | undefined;
  note: string | undefined;
}

/** The PO's availability: holidays, absences and the response target. */
export interface CalendarStore {
  holidays(productId: string): Promise<{ date: string; name: string | undefined }[]>;
  /** Returns false if the date was already a holiday. */
  addHoliday(productId: string, date: string, name: string | undefined): Promise<boolean>;
  removeHoliday(productId: string, date: string): Promise<boolean>;
  /** The person's absences that end after `since` (or never), oldest first. */
  absences(productId: string, personId: string, since: Date): Promise<AbsenceRecord[]>;
  startAbsence(a: { productId: string; personId: string; from: Date; until: Date | undefined; lastDay: string | undefined; note: string | undefined }): Promise<void>;
  /** Ends every absence of the person still running at `at`; returns how many. */
  endAbsences(productId: string, personId: string, at: Date): Promise<number>;
  responseTargetMin(productId: string): Promise<number>;
  setResponseTargetMin(productId: string, minutes: number): Promise<void>;
}

export type NewIntakeItem = Omit<IntakeItem, 'id' | 'number' | 'status' | 'poMessageKey' | 'poNotifiedAt' | 'decidedAt' | 'decidedById' | 'backlogRank' | 'duplicateOfId' | 'lastFlaggedDay'> & {
  /** The message or request it came from: an item per source, however often it is sent. */
  sourceKey: string | undefined;
};

export type IntakeChange = Partial<Pick<IntakeItem, 'status' | 'lastFlaggedDay'>> & {
  /** null: not sent to the PO yet (the next run of the intake job sends it). */
  poNotifiedAt?: Date | null;
  poMessageKey?: string | null;
  decidedAt?: Date | null;
  decidedById?: string | null;
  backlogRank?: number | null;
  duplicateOfId?: string | null;
};

export interface IntakeEventRecord {
  itemId: string;
  action: string;
  actorId: string | undefined;
  at: Date;
  note: string | undefined;
  details: Record<string, unknown>;
}

export interface Interception {
  id: string;
  productId: string;
  teamId: string;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  messageId: string;
  threadId: string;
  authorId: string;
  text: string;
  signals: RequestSignal[];
  reason: string;
  mode: 'nudge' | 'auto';
  outcome: 'nudged' | 'sent' | 'auto' | 'not-a-request';
  itemId: string | undefined;
  at: Date;
  undoneById: string | undefined;
}

export interface IntakeStore {
  /** Creates the item with the product's next number and its requester; idempotent on `sourceKey`. */
  create(item: NewIntakeItem): Promise<{ item: IntakeItem; created: boolean }>;
  /** The item, locked until the transaction ends: two decisions on one item take turns. */
  get(productId: string, id: string): Promise<IntakeItem | undefined>;
  bySourceKey(sourceKey: string): Promise<IntakeItem | undefined>;
  update(id: string, change: IntakeChange): Promise<void>;
  /** Items of a product, oldest first. */
  list(productId: string, filter: { statuses?: IntakeStatus[]; requesterId?: string; ids?: string[]; duplicateOfId?: string; poMessageKey?: string; limit?: number; newestFirst?: boolean }): Promise<IntakeItem[]>;
  /** How many items of the product are in one of these statuses. */
  countByStatus(productId: string, statuses: IntakeStatus[]): Promise<number>;
  /** How many items a person asked for (their own and those they joined by a merge). */
  countRequestedBy(productId: string, personId: string): Promise<number>;
  /** Accepted items in backlog order (the first `limit` of them). */
  backlog(productId: string, limit?: number): Promise<IntakeItem[]>;
  /** Open items whose text is most like `text` (trigram similarity), best first. */
  similar(productId: string, probe: { title: string; text: string }, excludeIds: string[], limit: number): Promise<{ item: IntakeItem; score: number }[]>;
  /** Across products: items the PO has not been sent yet (open, with or without a PO). */
  unnotified(): Promise<IntakeItem[]>;
  /** Across products: items waiting for the PO's decision, oldest first. */
  untriaged(): Promise<IntakeItem[]>;
  /** Everyone asking for each item (its own requesters and those merged into it), in the order they came. */
  requesters(itemIds: string[]): Promise<{ itemId: string; personId: string; viaItemId: string | undefined }[]>;
  /** Adds requesters (skipping those already there); `viaItemId` marks a merge, so it can be undone. */
  addRequesters(itemId: string, personIds: string[], viaItemId: string | undefined): Promise<void>;
  removeRequestersVia(itemId: string, viaItemId: string): Promise<void>;
  addEvent(event: IntakeEventRecord): Promise<void>;
  /** The history of the items, oldest first. */
  events(itemIds: string[]): Promise<IntakeEventRecord[]>;
  interceptMode(teamId: string): Promise<InterceptMode>;
  setInterceptMode(teamId: string, mode: InterceptMode): Promise<void>;
  /** Records an interception; idempotent on the message (a redelivered message is caught once). */
  intercept(i: Omit<Interception, 'id' | 'undoneById'> & { sourceKey: string }): Promise<{ interception: Interception; created: boolean }>;
  /** The interception, locked until the transaction ends. */
  interception(productId: string, id: string): Promise<Interception | undefined>;
  interceptionOfItem(itemId: string): Promise<Interception | undefined>;
  interceptionBySourceKey(sourceKey: string): Promise<Interception | undefined>;
  updateInterception(id: string, change: { outcome?: Interception['outcome']; itemId?: string; undoneById?: string; undoneAt?: Date }): Promise<void>;
  /**
   * The digest's figures for each window [bounds[i], bounds[i + 1]) (bounds ascending): items created,
   * decisions made, requests caught or sent.
   */
  periodFigures(productId: string, bounds: Date[]): Promise<{ created: number; accepted: number; declined: number; merged: number; shipped: number; intercepted: number; sentProperly: number }[]>;
  /** Open items most asked for (by requesters, merged ones included). */
  mostDemanded(productId: string, limit: number): Promise<{ item: IntakeItem; demand: number }[]>;
  /** How many items wait for the PO's decision, and the creation times of the oldest `limit` of them. */
  untriagedAges(productId: string, limit: number): Promise<{ count: number; oldest: Date[] }>;
  /** Whether po-desk posted this platform message (then a thread under it is po-desk's, not a channel message). */
  isOwnMessage(platform: Platform, workspaceExternalId: string, channelId: string, messageId: string): Promise<boolean>;
}

export interface ReviewRecord {
  id: string;
  productId: string;
  sprintNumber: number;
  at: Date;
  timeZone: string;
  location: string | undefined;
  note: string | undefined;
  cancelled: boolean;
  moved: boolean;
}

export interface DailyTeam {
  teamId: string;
  productId: string;
  name: string;
  channelId: string;
  /** The workspace the team's channel is in. */
  workspace: { id: string; platform: Platform; externalId: string };
  setting: DailySetting;
  /** The PO's refinement note for the team, while it is shown (until `until`). */
  refine?: { note: string; until: Date };
}

/** Daily Scrum reminders and sprint reviews. */
export interface CeremonyStore {
  daily(teamId: string): Promise<DailySetting | undefined>;
  /** undefined turns the reminder off (the lead time is kept for next time). */
  setDaily(teamId: string, setting: DailySetting | undefined): Promise<void>;
  /** Across products: teams with a Daily Scrum reminder, with what a reminder needs to name and reach them. */
  teamsWithDaily(): Promise<DailyTeam[]>;
  /** Claims each team's reminder for a local date, in one write: the ids of the teams whose claims were new (not posted before). */
  claimDailyReminders(claims: { teamId: string; date: string; meetingAt: Date }[], postedAt: Date): Promise<Set<string>>;
  /** The team's refinement note, if it has one (an expired one included). */
  refineNote(teamId: string): Promise<{ note: string; until: Date } | undefined>;
  setRefineNote(teamId: string, note: { note: string; until: Date } | undefined): Promise<void>;
  cadence(productId: string): Promise<ReviewCadence | undefined>;
  setCadence(productId: string, cadence: ReviewCadence): Promise<void>;
  /** Across products: every product with a sprint cadence. */
  cadences(): Promise<{ productId: string; cadence: ReviewCadence }[]>;
  /** The review of a sprint, made from `plan` the first time it is asked for. */
  ensureReview(productId: string, plan: { sprintNumber: number; at: Date; timeZone: string; location: string | undefined }): Promise<ReviewRecord>;
  /** The review, locked until the transaction ends. */
  review(productId: string, id: string): Promise<ReviewRecord | undefined>;
  updateReview(id: string, change: Partial<Pick<ReviewRecord, 'at' | 'note' | 'cancelled' | 'moved' | 'location'>>): Promise<void>;
  setRsvp(reviewId: string, personId: string, answer: RsvpAnswer, at: Date): Promise<void>;
  rsvps(reviewId: string): Promise<{ personId: string; answer: RsvpAnswer; at: Date }[]>;
  addTopic(reviewId: string, personId: string, text: string, at: Date): Promise<void>;
  topics(reviewId: string): Promise<{ personId: string; text: string; at: Date }[]>;
  /** Claims one prompt (per person, or '' for one to nobody in particular); false when already sent. */
  claimPrompt(reviewId: string, kind: PromptKind, personId: string, at: Date): Promise<boolean>;
  /** The last `limit` reviews (not cancelled) before `before`, latest first. */
  reviewsBefore(productId: string, before: Date, limit: number): Promise<ReviewRecord[]>;
  /** The weekly digest's schedule, and the day of the last one sent. */
  digestSchedule(productId: string): Promise<{ weekday: number; timeMin: number; lastDay: string | undefined; ownerSince: Date | undefined }>;
  setDigestSchedule(productId: string, weekday: number, timeMin: number): Promise<void>;
  /** Claims the digest of a PO-local day; false when it was already sent. */
  claimDigest(productId: string, day: string): Promise<boolean>;
  /** Across products: every product with a PO, for the digest job. */
  productsWithOwner(): Promise<string[]>;
  /** The reviews of a product at or after `from`, earliest first. */
  reviewsFrom(productId: string, from: Date): Promise<ReviewRecord[]>;
}

/** Everything a use case may read or change, inside one transaction. */
export interface Tx {
  ceremonies: CeremonyStore;
  questions: QuestionStore;
  intake: IntakeStore;
  calendar: CalendarStore;
  workspace(platform: Platform, externalId: string, name?: string): Promise<WorkspaceRef>;
  createProduct(workspaceId: string, name: string): Promise<string>;
  productState(productId: string): Promise<ProductState>;
  /** Finds people by platform user id; creates the missing ones from their profiles. */
  ensurePersons(productId: string, workspaceId: string, people: NewPerson[]): Promise<PersonRef[]>;
  findPerson(workspaceId: string, platformUserId: string): Promise<PersonRef | undefined>;
  personsByIds(productId: string, ids: string[]): Promise<PersonRef[]>;
  setWorkingHours(personId: string, hours: WorkingHours): Promise<void>;
  workingHours(personId: string): Promise<WorkingHours>;
  /** `at`: when, on the app's clock (the database's own clock otherwise). */
  setOwner(productId: string, personId: string, assignedById: string | undefined, at?: Date): Promise<void>;
  addAdmin(productId: string, personId: string): Promise<void>;
  createTeam(productId: string, workspaceId: string, channelId: string, name: string): Promise<string>;
  renameTeam(teamId: string, name: string): Promise<void>;
  addMembers(teamId: string, personIds: string[]): Promise<void>;
  removeMembers(teamId: string, personIds: string[]): Promise<void>;
  /** Removes the person from every roster of the product. */
  removeFromAllTeams(productId: string, personId: string): Promise<void>;
  addStakeholders(productId: string, personIds: string[]): Promise<void>;
  removeStakeholders(productId: string, personIds: string[]): Promise<void>;
  /** Puts the workspace in a product (another workspace of the same organisation joins it). */
  attachWorkspace(workspaceId: string, productId: string): Promise<void>;
  createLinkCode(code: NewLinkCode): Promise<void>;
  /** Marks an unused, unexpired code used and returns it; undefined if there is no such code. */
  takeLinkCode(codeHash: string, now: Date): Promise<LinkCodeEntry | undefined>;
  /** Makes `aliasId` stand for `personId` (same human, another account): its roles move to `personId`. */
  linkPerson(productId: string, aliasId: string, personId: string): Promise<void>;
  /** The workspace a team's channel is in. */
  teamWorkspace(teamId: string): Promise<{ id: string; platform: Platform; externalId: string }>;
  /** The workspace a person's account is in. */
  workspaceOfPerson(personId: string): Promise<{ id: string; platform: Platform; externalId: string }>;
  /**
   * Queues a message. A `dm` goes to the recipient's own workspace, which may differ from `workspace`
   * when the product spans several (a Slack workspace and a Teams tenant, say).
   */
  enqueue(workspace: WorkspaceRef, delivery: Delivery): Promise<void>;
  /** Queues posts to channels in one write (a fan-out: every team's reminder at once). */
  enqueuePosts(posts: { workspace: Pick<WorkspaceRef, 'platform' | 'externalId'>; delivery: Extract<Delivery, { kind: 'post' }> }[]): Promise<void>;
  audit(productId: string | undefined, actorId: string | undefined, action: string, details?: Record<string, unknown>): Promise<void>;
}

export interface Store {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Reading outside a transaction: each query on any free connection, so independent ones can run side by
   * side (Promise.all) where a transaction's run one after another. For figures that need not come from
   * one snapshot; writes do not belong here (each would commit alone, and nothing may be enqueued).
   */
  reads<T>(fn: (r: Tx) => Promise<T>): Promise<T>;
}
