import { describe, expect, it } from 'vitest';
import { dailyDue, dailyOn, formatDaily, parseDaily } from '../../src/domain/daily-scrum.js';
import { businessDaysBefore, nextBusinessDay, parseMove, promptsDue, promptWindows } from '../../src/domain/sprint-review.js';

describe('parseDaily', () => {
  it('reads time, days, zone and lead in any order, with defaults', () => {
    expect(parseDaily('09:30', 'Europe/Berlin')).toEqual({ ok: true, off: false, setting: { timeMin: 570, days: [1, 2, 3, 4, 5], timeZone: 'Europe/Berlin', leadMin: 10 } });
    expect(parseDaily('10:00 15min mon,tue,thu america/new_york', 'UTC')).toEqual({ ok: true, off: false, setting: { timeMin: 600, days: [1, 2, 4], timeZone: 'America/New_York', leadMin: 15 } });
    expect(parseDaily('off', 'UTC')).toEqual({ ok: true, off: true });
  });
  it('says what is wrong', () => {
    expect(parseDaily('9.30', 'UTC')).toMatchObject({ ok: false });
    expect(parseDaily('09:30 someday', 'UTC')).toMatchObject({ ok: false, problem: expect.stringContaining('"someday"') });
    expect(parseDaily('09:30 mon-fri tue', 'UTC')).toMatchObject({ ok: false, problem: 'give the days once' });
    expect(parseDaily('09:30 500min', 'UTC')).toMatchObject({ ok: false });
  });
  it('formats a setting as people write it', () => {
    const p = parseDaily('09:30 mon-fri Europe/Berlin', 'UTC');
    expect(p.ok && !p.off && formatDaily(p.setting)).toBe('09:30 mon-fri (Europe/Berlin), reminder 10 min before');
  });
});

describe('Daily Scrum times', () => {
  const berlin = { timeMin: 570, days: [1, 2, 3, 4, 5], timeZone: 'Europe/Berlin', leadMin: 10 };
  it('is 09:20 local on both sides of a DST switch', () => {
    expect(dailyOn(berlin, '2027-03-26', new Set())!.remindAt.toISOString()).toBe('2027-03-26T08:20:00.000Z');
    expect(dailyOn(berlin, '2027-03-29', new Set())!.remindAt.toISOString()).toBe('2027-03-29T07:20:00.000Z');
  });
  it('skips weekends and holidays', () => {
    expect(dailyOn(berlin, '2027-03-27', new Set())).toBeUndefined();
    expect(dailyOn(berlin, '2027-03-26', new Set(['2027-03-26']))).toBeUndefined();
  });
  it('is due from the reminder until the meeting starts', () => {
    expect(dailyDue(berlin, new Date('2027-03-26T08:19:00Z'), new Set())).toBeUndefined();
    expect(dailyDue(berlin, new Date('2027-03-26T08:20:00Z'), new Set())?.date).toBe('2027-03-26');
    expect(dailyDue(berlin, new Date('2027-03-26T08:29:00Z'), new Set())?.date).toBe('2027-03-26');
    expect(dailyDue(berlin, new Date('2027-03-26T08:30:00Z'), new Set())).toBeUndefined();
  });
  it('may fall on the day before a meeting just after midnight', () => {
    const early = { ...berlin, timeMin: 5, leadMin: 10 };
    expect(dailyDue(early, new Date('2027-03-25T22:56:00Z'), new Set())?.date).toBe('2027-03-26'); // 23:56 CET on the 25th
  });
});

describe('review prompts', () => {
  it('counts business days, skipping weekends and holidays', () => {
    expect(businessDaysBefore('2027-03-25', 2, new Set())).toBe('2027-03-23');
    expect(businessDaysBefore('2027-03-25', 2, new Set(['2027-03-24']))).toBe('2027-03-22');
    expect(businessDaysBefore('2027-03-22', 1, new Set())).toBe('2027-03-19'); // Monday → Friday
    expect(nextBusinessDay('2027-03-26', new Set(['2027-03-29']))).toBe('2027-03-30');
  });
  it('opens each prompt’s window at its time and closes it when it stops making sense', () => {
    const review = new Date('2027-03-25T13:00:00Z'); // Thursday 14:00 CET
    const w = promptWindows(review, 'Europe/Berlin', 2, new Set());
    expect(w.invite.from.toISOString()).toBe('2027-03-23T09:00:00.000Z');
    expect(w.summary.from.toISOString()).toBe('2027-03-24T09:00:00.000Z');
    expect(w.reminder.from.toISOString()).toBe('2027-03-25T12:00:00.000Z');
    expect(w.feedback.from.toISOString()).toBe('2027-03-26T09:00:00.000Z');
    expect(promptsDue(w, new Date('2027-03-23T08:59:00Z'))).toEqual([]);
    expect(promptsDue(w, new Date('2027-03-24T09:00:00Z'))).toEqual(['invite', 'summary', 'agenda']);
    expect(promptsDue(w, new Date('2027-03-25T12:30:00Z'))).toEqual(['invite', 'summary', 'agenda', 'reminder']);
    expect(promptsDue(w, new Date('2027-03-25T13:00:00Z'))).toEqual([]);
    expect(promptsDue(w, new Date('2027-03-26T09:00:00Z'))).toEqual(['feedback']);
  });
  it('reads a move as a wall time in the review’s zone', () => {
    expect(parseMove('2027-04-09 15:00', 'Europe/Berlin')?.toISOString()).toBe('2027-04-09T13:00:00.000Z');
    expect(parseMove('2027-04-09', 'Europe/Berlin')).toBeUndefined();
    expect(parseMove('2027-02-30 15:00', 'Europe/Berlin')).toBeUndefined();
  });
});
