import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../src/domain/business-time.js';
import { isMentionQuestion, MAX_QUESTION_CHARS, nudgeDue, statusOf, validateAnswerText, validateQuestionText, waitOf } from '../../src/domain/question.js';

/** Mon–Fri 09:00–17:00 in Berlin; 2026-11-23 is a Monday (UTC+1). */
const cal: BusinessCalendar = { hours: { timeZone: 'Europe/Berlin', startMin: 540, endMin: 1020, days: [1, 2, 3, 4, 5] }, holidays: [], absences: [] };
const berlin = (local: string) => new Date(`${local}+01:00`);
const HOUR = 3_600_000;
const TARGET = 4 * HOUR;

const waiting = (askedAt: Date, extra: Partial<Parameters<typeof nudgeDue>[0]> = {}) => ({
  askedAt,
  firstResponseAt: undefined,
  resolvedAt: undefined,
  lastNudgedDay: undefined,
  escalatedAt: undefined,
  ...extra,
});

describe('validateQuestionText', () => {
  it('trims a question and refuses an empty one with an example', () => {
    expect(validateQuestionText('  Should guests see prices?  ')).toEqual({ ok: true, text: 'Should guests see prices?' });
    const empty = validateQuestionText(' \n ');
    expect(empty.ok).toBe(false);
    expect(!empty.ok && empty.problem).toContain('/po ask');
  });

  it(`accepts ${MAX_QUESTION_CHARS} characters and refuses one more, saying how many there were`, () => {
    expect(validateQuestionText('x'.repeat(MAX_QUESTION_CHARS)).ok).toBe(true);
    const long = validateQuestionText('x'.repeat(MAX_QUESTION_CHARS + 1));
    expect(!long.ok && long.problem).toContain('3,001');
    expect(!long.ok && long.problem).toContain('3,000');
  });
});

describe('validateAnswerText', () => {
  it('trims an answer and refuses an empty or over-long one, saying why for the form field', () => {
    expect(validateAnswerText(' Yes. ')).toEqual({ ok: true, text: 'Yes.' });
    expect(validateAnswerText('  ')).toEqual({ ok: false, problem: 'An answer needs some text.' });
    expect(validateAnswerText('x'.repeat(MAX_QUESTION_CHARS + 1))).toEqual({ ok: false, problem: 'An answer is at most 3,000 characters (this one has 3,001).' });
  });
});

describe('isMentionQuestion', () => {
  it('is a question when it ends in a question mark, trailing spaces allowed', () => {
    expect(isMentionQuestion('Should guests see prices?')).toBe(true);
    expect(isMentionQuestion('Really?  ')).toBe(true);
    expect(isMentionQuestion('hello')).toBe(false);
    expect(isMentionQuestion('?')).toBe(false);
    expect(isMentionQuestion('Is this? No.')).toBe(false);
    // A subcommand with a question mark is that command, as on Teams.
    expect(isMentionQuestion('help?')).toBe(false);
    expect(isMentionQuestion('stats?')).toBe(false);
    expect(isMentionQuestion('Is the API frozen for the release?')).toBe(true);
  });
});

describe('statusOf', () => {
  const base = { resolvedAt: undefined, answeredAt: undefined, handedToId: undefined, firstResponseAt: undefined };
  it('follows the question from waiting to resolved', () => {
    const t = new Date();
    expect(statusOf(base)).toBe('waiting');
    expect(statusOf({ ...base, firstResponseAt: t })).toBe('on-it');
    expect(statusOf({ ...base, firstResponseAt: t, handedToId: 'p' })).toBe('handed-off');
    expect(statusOf({ ...base, firstResponseAt: t, handedToId: 'p', answeredAt: t })).toBe('answered');
    expect(statusOf({ ...base, answeredAt: t, resolvedAt: t })).toBe('resolved');
  });
});

describe('waitOf', () => {
  it('counts until the first response, wall-clock and in business time', () => {
    const askedAt = berlin('2026-11-20T16:00:00'); // Friday 16:00
    const w = waitOf({ askedAt, firstResponseAt: berlin('2026-11-23T10:00:00') }, cal, berlin('2026-11-25T10:00:00'));
    expect(w).toEqual({ wallMs: 66 * HOUR, businessMs: 2 * HOUR });
  });

  it('counts until now while nobody has responded', () => {
    const w = waitOf({ askedAt: berlin('2026-11-23T09:30:00'), firstResponseAt: undefined }, cal, berlin('2026-11-23T10:00:00'));
    expect(w).toEqual({ wallMs: HOUR / 2, businessMs: HOUR / 2 });
  });
});

describe('nudgeDue', () => {
  const asked = berlin('2026-11-23T09:00:00');

  it('does nothing before half the target', () => {
    expect(nudgeDue(waiting(asked), cal, TARGET, berlin('2026-11-23T10:59:00'))).toBeUndefined();
  });

  it('nudges the PO once at half the target', () => {
    expect(nudgeDue(waiting(asked), cal, TARGET, berlin('2026-11-23T11:00:00'))).toEqual({ nudgePo: true, tellTeam: false, day: '2026-11-23' });
    expect(nudgeDue(waiting(asked, { lastNudgedDay: '2026-11-23' }), cal, TARGET, berlin('2026-11-23T12:00:00'))).toBeUndefined();
  });

  it('at the target tells the team, without a second nudge on the same day', () => {
    expect(nudgeDue(waiting(asked, { lastNudgedDay: '2026-11-23' }), cal, TARGET, berlin('2026-11-23T13:00:00'))).toEqual({ nudgePo: false, tellTeam: true, day: '2026-11-23' });
  });

  it('at the target also reminds the PO when the half-way nudge was on an earlier day', () => {
    const late = berlin('2026-11-23T15:00:00'); // half the target at 17:00 falls on the next morning
    const q = waiting(late, { lastNudgedDay: '2026-11-23' });
    expect(nudgeDue(q, cal, TARGET, berlin('2026-11-24T11:00:00'))).toEqual({ nudgePo: true, tellTeam: true, day: '2026-11-24' });
  });

  it('after telling the team, reminds the PO once each business day until someone responds', () => {
    const q = waiting(asked, { lastNudgedDay: '2026-11-23', escalatedAt: berlin('2026-11-23T13:00:00') });
    expect(nudgeDue(q, cal, TARGET, berlin('2026-11-23T16:00:00'))).toBeUndefined();
    expect(nudgeDue(q, cal, TARGET, berlin('2026-11-24T09:00:00'))).toEqual({ nudgePo: true, tellTeam: false, day: '2026-11-24' });
  });

  it('never nudges outside working hours, on a weekend or while the PO is away', () => {
    const friday = berlin('2026-11-20T09:00:00');
    expect(nudgeDue(waiting(friday), cal, TARGET, berlin('2026-11-20T18:00:00'))).toBeUndefined();
    expect(nudgeDue(waiting(friday), cal, TARGET, berlin('2026-11-21T12:00:00'))).toBeUndefined();
    const away = { ...cal, absences: [{ from: berlin('2026-11-23T08:00:00'), until: berlin('2026-11-25T00:00:00') }] };
    expect(nudgeDue(waiting(asked), away, TARGET, berlin('2026-11-24T15:00:00'))).toBeUndefined();
  });

  it('pauses the target clock while the PO is away: the wait resumes when they are back', () => {
    const away = { ...cal, absences: [{ from: berlin('2026-11-23T10:00:00'), until: berlin('2026-11-25T00:00:00') }] };
    // One business hour before the absence, one after it: still under half the target.
    expect(nudgeDue(waiting(asked), away, TARGET, berlin('2026-11-25T09:59:00'))).toBeUndefined();
    expect(nudgeDue(waiting(asked), away, TARGET, berlin('2026-11-25T10:00:00'))).toEqual({ nudgePo: true, tellTeam: false, day: '2026-11-25' });
  });

  it('does nothing once someone responded or the question is resolved', () => {
    const now = berlin('2026-11-23T16:00:00');
    expect(nudgeDue(waiting(asked, { firstResponseAt: berlin('2026-11-23T09:05:00') }), cal, TARGET, now)).toBeUndefined();
    expect(nudgeDue(waiting(asked, { resolvedAt: berlin('2026-11-23T09:05:00') }), cal, TARGET, now)).toBeUndefined();
  });
});
