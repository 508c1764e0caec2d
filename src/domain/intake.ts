/**
 * The PO's intake queue: what a work request is, what the PO may decide about it and when, and where
 * an accepted item goes in the backlog. Pure data and rules; times come in as arguments.
 */
import { businessMsBetween, type BusinessCalendar } from './business-time.js';
import { workingDayMs } from './working-hours.js';

export const MAX_TITLE_CHARS = 150;
export const MAX_DETAIL_CHARS = 3000;
export const MAX_NOTE_CHARS = 1000;
/** Untriaged for longer than this many business days, an item is flagged to the PO (once a day). */
export const AGING_BUSINESS_DAYS = 3;

/** 'review': a stakeholder's answer to "How did the sprint review go?" (tagged sprint review feedback). */
export type IntakeSource = 'form' | 'shortcut' | 'reaction' | 'intercept' | 'review';
export type Urgency = 'low' | 'normal' | 'high' | 'critical';
export const URGENCIES: Urgency[] = ['low', 'normal', 'high', 'critical'];

export type IntakeStatus = 'new' | 'needs-info' | 'accepted' | 'declined' | 'duplicate' | 'shipped' | 'withdrawn';

/** An item is what was requested (the form's fields) and what became of it. */
export interface IntakeItem extends NewRequest {
  id: string;
  productId: string;
  number: number;
  source: IntakeSource;
  teamId: string | undefined;
  requesterId: string;
  createdById: string;
  status: IntakeStatus;
  createdAt: Date;
  poMessageKey: string | undefined;
  poNotifiedAt: Date | undefined;
  decidedAt: Date | undefined;
  decidedById: string | undefined;
  backlogRank: number | undefined;
  duplicateOfId: string | undefined;
  lastFlaggedDay: string | undefined;
  /** Where the message it came from is, to answer in its thread. */
  origin: { platform: string; workspaceId: string; channelId: string; threadId: string } | undefined;
}

export const itemLabel = (item: Pick<IntakeItem, 'number'>) => `#${item.number}`;

export type Decision = 'accept' | 'decline' | 'need-info' | 'duplicate' | 'shipped' | 'withdraw';

/** Items still waiting for something to happen (the ones another item can be a duplicate of). */
export const OPEN_STATUSES: IntakeStatus[] = ['new', 'needs-info', 'accepted'];
export const isOpen = (s: IntakeStatus) => OPEN_STATUSES.includes(s);

const ALLOWED: Record<Decision, IntakeStatus[]> = {
  accept: ['new', 'needs-info'],
  decline: ['new', 'needs-info', 'accepted'],
  'need-info': ['new', 'needs-info'],
  duplicate: ['new', 'needs-info', 'accepted'],
  shipped: ['accepted'],
  withdraw: ['new', 'needs-info'],
};

/** Whether `decision` can be made about an item in `status` (a second, racing click finds it cannot). */
export const mayDecide = (decision: Decision, status: IntakeStatus) => ALLOWED[decision].includes(status);

/** The buttons the PO sees for an item in `status`. */
export function decisionsFor(status: IntakeStatus): Decision[] {
  return (['accept', 'decline', 'need-info', 'duplicate', 'shipped'] as Decision[]).filter((d) => mayDecide(d, status));
}

/** How an item's status reads in a list, in plain words. */
export function statusWords(status: IntakeStatus): string {
  switch (status) {
    case 'new':
      return 'waiting for the PO';
    case 'needs-info':
      return 'the PO asked a question';
    case 'accepted':
      return 'accepted into the backlog';
    case 'declined':
      return 'declined';
    case 'duplicate':
      return 'merged into another request';
    case 'shipped':
      return 'shipped';
    case 'withdrawn':
      return 'withdrawn';
  }
}

export interface NewRequest {
  title: string;
  problem: string | undefined;
  value: number | undefined;
  urgency: Urgency;
  neededBy: string | undefined;
  link: string | undefined;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** The request form as typed: field by field, what is wrong with it, or the request. */
export function validateRequest(input: Record<string, string | null>, today: string): Validated<NewRequest> {
  const errors: Record<string, string> = {};
  const title = (input.title ?? '').trim().replace(/\s+/g, ' ');
  if (title === '') errors.title = 'A request needs a title, e.g. “Export orders to CSV”.';
  else if (title.length > MAX_TITLE_CHARS) errors.title = `A title is at most ${MAX_TITLE_CHARS} characters (this one has ${title.length}): put the details under “What problem does it solve?”.`;
  const problem = input.problem?.trim() || undefined;
  if (problem && problem.length > MAX_DETAIL_CHARS) errors.problem = `At most ${MAX_DETAIL_CHARS.toLocaleString('en')} characters (this has ${problem.length.toLocaleString('en')}): link to a document for more.`;
  let value: number | undefined;
  if (input.value) {
    value = Number(input.value);
    if (!Number.isInteger(value) || value < 1 || value > 5) errors.value = 'Pick a value from 1 to 5.';
  }
  const urgency = (input.urgency ?? 'normal') as Urgency;
  if (!URGENCIES.includes(urgency)) errors.urgency = 'Pick low, normal, high or critical.';
  const neededBy = input.neededBy?.trim() || undefined;
  if (neededBy !== undefined) {
    if (!isIsoDate(neededBy)) errors.neededBy = 'Give the date as YYYY-MM-DD.';
    else if (neededBy < today) errors.neededBy = 'That date has passed: pick a day from today on.';
  }
  const link = input.link?.trim() || undefined;
  if (link !== undefined && !isWebLink(link)) errors.link = 'A link starts with https:// (or http://).';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { title, problem, value, urgency, neededBy, link } };
}

/** A short, required text (a reason, a question, an answer): trimmed, or why not. */
export function validateNote(text: string | null | undefined, what: string, max = MAX_NOTE_CHARS): { ok: true; text: string } | { ok: false; problem: string } {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return { ok: false, problem: `${what} is needed.` };
  if (trimmed.length > max) return { ok: false, problem: `At most ${max.toLocaleString('en')} characters (this has ${trimmed.length.toLocaleString('en')}).` };
  return { ok: true, text: trimmed };
}

/**
 * The title of an item made from a chat message: its first line, cut at a word near the title limit.
 * The whole message is kept as the problem statement.
 */
export function titleFromMessage(text: string): string {
  const first = text.trim().split('\n').find((l) => l.trim() !== '')?.trim().replace(/\s+/g, ' ') ?? '';
  if (first.length <= MAX_TITLE_CHARS) return first || 'Request from a chat message';
  const cut = first.slice(0, MAX_TITLE_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_TITLE_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

export type Position = { kind: 'top' } | { kind: 'bottom' } | { kind: 'after'; itemId: string };

export function parsePosition(value: string | null | undefined): Position | undefined {
  if (!value || value === 'bottom') return { kind: 'bottom' };
  if (value === 'top') return { kind: 'top' };
  const m = /^after:(.+)$/.exec(value);
  return m ? { kind: 'after', itemId: m[1]! } : undefined;
}

/**
 * The backlog rank for an accepted item: ranks are numbers, lower first; "after #K" goes halfway between
 * #K and the item after it, so nobody else moves. `backlog` is the accepted items in order.
 */
export function rankFor(position: Position, backlog: { id: string; rank: number }[]): number | undefined {
  if (backlog.length === 0) return 1;
  const first = backlog[0]!.rank;
  const last = backlog.at(-1)!.rank;
  if (position.kind === 'top') return first - 1;
  if (position.kind === 'bottom') return last + 1;
  const i = backlog.findIndex((b) => b.id === position.itemId);
  if (i < 0) return undefined;
  const next = backlog[i + 1];
  return next ? (backlog[i]!.rank + next.rank) / 2 : backlog[i]!.rank + 1;
}

/** How long an item has waited for the PO in the PO's working time, and whether it is aging. */
export function ageOf(createdAt: Date, cal: BusinessCalendar, now: Date): { businessMs: number; dayMs: number; businessDays: number; aging: boolean } {
  const businessMs = businessMsBetween(cal, createdAt, now);
  const dayMs = workingDayMs(cal.hours);
  const days = businessMs / dayMs;
  return { businessMs, dayMs, businessDays: Math.round(days * 10) / 10, aging: days > AGING_BUSINESS_DAYS };
}

const URGENCY_ORDER: Record<Urgency, number> = { critical: 0, high: 1, normal: 2, low: 3 };
export const urgencyRank = (u: Urgency) => URGENCY_ORDER[u];

export function urgencyWords(item: Pick<IntakeItem, 'urgency' | 'neededBy'>): string {
  const u = item.urgency === 'normal' ? 'normal urgency' : `${item.urgency} urgency`;
  return item.neededBy ? `${u}, needed by ${item.neededBy}` : u;
}

export const isIsoDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

function isWebLink(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && s.length <= 2000;
  } catch {
    return false;
  }
}

export type InterceptMode = 'off' | 'nudge' | 'auto';
export const INTERCEPT_MODES: InterceptMode[] = ['off', 'nudge', 'auto'];
