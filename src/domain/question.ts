/**
 * Questions to the Product Owner: what a question is, the rules for asking one, its status and when
 * the PO is nudged. Pure data and rules; times come in as arguments.
 */
import { helpFor, splitCommand } from './command.js';
import { availabilityAt, businessDayOf, businessMsBetween, type BusinessCalendar } from './business-time.js';

export const MAX_QUESTION_CHARS = 3000;

export type QuestionSource = 'command' | 'shortcut' | 'mention';
export type FirstResponseKind = 'answer' | 'on-it' | 'handoff' | 'thread-reply';

export interface Question {
  id: string;
  number: number;
  productId: string;
  teamId: string;
  askerId: string;
  text: string;
  source: QuestionSource;
  askedAt: Date;
  poNotifiedAt: Date | undefined;
  firstResponseAt: Date | undefined;
  firstResponseKind: FirstResponseKind | undefined;
  answeredAt: Date | undefined;
  answeredById: string | undefined;
  answerText: string | undefined;
  handedToId: string | undefined;
  handedOffAt: Date | undefined;
  resolvedAt: Date | undefined;
  resolvedById: string | undefined;
  lastNudgedDay: string | undefined;
  escalatedAt: Date | undefined;
  /** Where it was asked besides its source, e.g. 'daily-scrum' (from a Daily Scrum reminder). */
  tag?: string | undefined;
}

export type QuestionStatus = 'waiting' | 'on-it' | 'handed-off' | 'answered' | 'resolved';

export function statusOf(q: Pick<Question, 'resolvedAt' | 'answeredAt' | 'handedToId' | 'firstResponseAt'>): QuestionStatus {
  if (q.resolvedAt) return 'resolved';
  if (q.answeredAt) return 'answered';
  if (q.handedToId) return 'handed-off';
  if (q.firstResponseAt) return 'on-it';
  return 'waiting';
}

/** A question as typed: trimmed, or why it cannot be asked. */
export function validateQuestionText(text: string): { ok: true; text: string } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'a question needs some text, e.g. `/po ask Should guests see prices?`' };
  if (trimmed.length > MAX_QUESTION_CHARS) {
    return { ok: false, problem: `a question is at most ${MAX_QUESTION_CHARS.toLocaleString('en')} characters (this one has ${trimmed.length.toLocaleString('en')}): please shorten it or link to a document` };
  }
  return { ok: true, text: trimmed };
}

/** An answer, as typed in the answer form: the same limit as a question. */
export function validateAnswerText(text: string): { ok: true; text: string } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'An answer needs some text.' };
  if (trimmed.length > MAX_QUESTION_CHARS) {
    return { ok: false, problem: `An answer is at most ${MAX_QUESTION_CHARS.toLocaleString('en')} characters (this one has ${trimmed.length.toLocaleString('en')}).` };
  }
  return { ok: true, text: trimmed };
}

/**
 * An @mention of po-desk that is a question for the PO: it ends in a question mark and does not start
 * with a subcommand ("@po-desk help?" asks for help, as on every surface).
 */
export function isMentionQuestion(text: string): boolean {
  const trimmed = text.trim();
  const first = splitCommand(trimmed.replace(/\?+$/, '')).sub;
  return /\?$/.test(trimmed) && trimmed.length > 1 && helpFor(first) === undefined;
}

/** Waiting time so far (or until the first response): wall-clock and business milliseconds. */
export function waitOf(q: Pick<Question, 'askedAt' | 'firstResponseAt'>, cal: BusinessCalendar, now: Date): { wallMs: number; businessMs: number } {
  const end = q.firstResponseAt ?? now;
  return { wallMs: Math.max(0, end.getTime() - q.askedAt.getTime()), businessMs: businessMsBetween(cal, q.askedAt, end) };
}

export type NudgeDecision = { nudgePo: boolean; tellTeam: boolean; day: string };

/**
 * What the response target asks for now, for a question with no first response yet: at half the
 * target the PO is nudged once; at the target the team thread is told the PO has been reminded (and the
 * PO reminded, unless already today), then the PO is reminded once each business day. Never more than one nudge per business day; nothing while the PO
 * is away or outside business time (a nudge at 3 a.m. helps nobody).
 */
export function nudgeDue(
  q: Pick<Question, 'askedAt' | 'firstResponseAt' | 'resolvedAt' | 'lastNudgedDay' | 'escalatedAt'>,
  cal: BusinessCalendar,
  targetMs: number,
  now: Date,
): NudgeDecision | undefined {
  if (q.firstResponseAt || q.resolvedAt) return undefined;
  if (!availabilityAt(cal, now).working) return undefined;
  const waited = businessMsBetween(cal, q.askedAt, now);
  const day = businessDayOf(cal, now);
  const nudgedToday = q.lastNudgedDay === day;
  if (waited >= targetMs && !q.escalatedAt) return { nudgePo: !nudgedToday, tellTeam: true, day };
  // Past the target the PO is reminded once each business day until someone responds.
  if (q.escalatedAt && !nudgedToday) return { nudgePo: true, tellTeam: false, day };
  if (waited >= targetMs / 2 && q.lastNudgedDay === undefined) return { nudgePo: true, tellTeam: false, day };
  return undefined;
}


export const questionLabel = (q: Pick<Question, 'number'>) => `Q${q.number}`;
