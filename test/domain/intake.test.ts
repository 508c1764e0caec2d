import { describe, expect, it } from 'vitest';
import { ageOf, decisionsFor, mayDecide, parsePosition, rankFor, titleFromMessage, validateNote, validateRequest } from '../../src/domain/intake.js';
import type { BusinessCalendar } from '../../src/domain/business-time.js';

describe('validateRequest', () => {
  const ok = { title: '  Export   orders to CSV ', problem: '', value: '4', urgency: 'high', neededBy: '2026-12-24', link: 'https://wiki.example.com/a' };

  it('trims and reads a good request', () => {
    expect(validateRequest(ok, '2026-12-05')).toEqual({
      ok: true,
      value: { title: 'Export orders to CSV', problem: undefined, value: 4, urgency: 'high', neededBy: '2026-12-24', link: 'https://wiki.example.com/a' },
    });
  });

  it('says what is wrong with each field, all at once', () => {
    const bad = validateRequest({ title: 'x'.repeat(151), problem: 'y'.repeat(3001), value: '9', urgency: 'whenever', neededBy: '2026-02-30', link: 'javascript:alert(1)' }, '2026-12-05');
    expect(bad.ok).toBe(false);
    expect(Object.keys((bad as { errors: object }).errors).sort()).toEqual(['link', 'neededBy', 'problem', 'title', 'urgency', 'value']);
  });

  it('refuses an empty title and a date in the past', () => {
    expect(validateRequest({ ...ok, title: '   ' }, '2026-12-05')).toMatchObject({ ok: false, errors: { title: expect.stringContaining('needs a title') } });
    expect(validateRequest({ ...ok, neededBy: '2026-12-04' }, '2026-12-05')).toMatchObject({ ok: false, errors: { neededBy: expect.stringContaining('has passed') } });
  });

  it('defaults the urgency to normal and leaves optional fields out', () => {
    expect(validateRequest({ title: 'A' }, '2026-12-05')).toEqual({ ok: true, value: { title: 'A', problem: undefined, value: undefined, urgency: 'normal', neededBy: undefined, link: undefined } });
  });
});

describe('decisions', () => {
  it('fit the status: a racing second click finds the first one made', () => {
    expect(mayDecide('accept', 'new')).toBe(true);
    expect(mayDecide('accept', 'accepted')).toBe(false);
    expect(mayDecide('shipped', 'new')).toBe(false);
    expect(mayDecide('shipped', 'accepted')).toBe(true);
    expect(mayDecide('withdraw', 'accepted')).toBe(false);
    expect(decisionsFor('declined')).toEqual([]);
  });

  it('needs a reason, within limits', () => {
    expect(validateNote('  ', 'A reason')).toEqual({ ok: false, problem: 'A reason is needed.' });
    expect(validateNote('x'.repeat(1001), 'A reason')).toMatchObject({ ok: false });
    expect(validateNote(' because ', 'A reason')).toEqual({ ok: true, text: 'because' });
  });
});

describe('backlog positions', () => {
  const backlog = [{ id: 'a', rank: 1 }, { id: 'b', rank: 2 }, { id: 'c', rank: 5 }];
  it('puts an item on top, at the bottom, or between two without moving the others', () => {
    expect(rankFor({ kind: 'top' }, backlog)).toBe(0);
    expect(rankFor({ kind: 'bottom' }, backlog)).toBe(6);
    expect(rankFor({ kind: 'after', itemId: 'b' }, backlog)).toBe(3.5);
    expect(rankFor({ kind: 'after', itemId: 'c' }, backlog)).toBe(6);
    expect(rankFor({ kind: 'after', itemId: 'gone' }, backlog)).toBeUndefined();
    expect(rankFor({ kind: 'top' }, [])).toBe(1);
  });
  it('reads the form’s choice', () => {
    expect(parsePosition(null)).toEqual({ kind: 'bottom' });
    expect(parsePosition('top')).toEqual({ kind: 'top' });
    expect(parsePosition('after:x1')).toEqual({ kind: 'after', itemId: 'x1' });
    expect(parsePosition('sideways')).toBeUndefined();
  });
});

describe('titleFromMessage', () => {
  it('takes the first line, cut at a word', () => {
    expect(titleFromMessage('\n  Add Apple Pay  \nplease, by Friday')).toBe('Add Apple Pay');
    const long = titleFromMessage(`${'word '.repeat(60)}end`);
    expect(long.length).toBeLessThanOrEqual(150);
    expect(long.endsWith('…')).toBe(true);
    expect(long).not.toMatch(/wor…$/);
  });
});

describe('ageOf', () => {
  const cal: BusinessCalendar = { hours: { startMin: 540, endMin: 1020, days: [1, 2, 3, 4, 5], timeZone: 'UTC' }, holidays: [], absences: [] };
  it('counts working time only; more than 3 working days is aging', () => {
    const monday = new Date('2026-12-07T09:00:00Z');
    expect(ageOf(monday, cal, new Date('2026-12-10T09:00:00Z'))).toMatchObject({ businessDays: 3, aging: false });
    expect(ageOf(monday, cal, new Date('2026-12-10T10:00:00Z'))).toMatchObject({ aging: true });
    // Over a weekend nothing accrues.
    expect(ageOf(new Date('2026-12-11T17:00:00Z'), cal, new Date('2026-12-14T09:00:00Z')).businessMs).toBe(0);
  });
});
