import { describe, expect, it } from 'vitest';
import { sprintAt, sprintsFrom, type SprintCadence } from '../../src/domain/sprint-calendar.js';
import { addDays, daysBetween, isDate, isoWeekday, localDate, zonedInstant } from '../../src/domain/zoned-time.js';

describe('zoned time', () => {
  it('turns a wall time into the instant, in summer and in winter', () => {
    expect(zonedInstant('2026-07-02', 14 * 60, 'Europe/Berlin').toISOString()).toBe('2026-07-02T12:00:00.000Z');
    expect(zonedInstant('2026-11-26', 14 * 60, 'Europe/Berlin').toISOString()).toBe('2026-11-26T13:00:00.000Z');
    expect(zonedInstant('2026-11-26', 9 * 60 + 30, 'America/New_York').toISOString()).toBe('2026-11-26T14:30:00.000Z');
  });

  it('lands just after a skipped wall time, and on the first of a repeated one', () => {
    // Berlin springs forward at 02:00 on 2026-03-29: 02:30 does not exist.
    expect(zonedInstant('2026-03-29', 2 * 60 + 30, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // Berlin falls back at 03:00 on 2026-10-25: 02:30 happens twice, first at 00:30Z.
    expect(zonedInstant('2026-10-25', 2 * 60 + 30, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedInstant('2026-10-25', 12 * 60, 'Europe/Berlin').toISOString()).toBe('2026-10-25T11:00:00.000Z');
  });

  it('handles zones far from UTC and odd DST steps the same way', () => {
    // Chatham (+12:45/+13:45): back at 03:45 on 2027-04-04, so 02:45 happens twice; forward at 02:45 on 2027-09-26.
    expect(zonedInstant('2027-04-04', 2 * 60 + 45, 'Pacific/Chatham').toISOString()).toBe('2027-04-03T13:00:00.000Z');
    expect(zonedInstant('2027-09-26', 3 * 60 + 15, 'Pacific/Chatham').toISOString()).toBe('2027-09-25T14:30:00.000Z'); // in the gap: 04:15 +13:45
    // Lord Howe moves by 30 minutes: 02:15 on 2026-10-04 does not exist.
    expect(zonedInstant('2026-10-04', 2 * 60 + 15, 'Australia/Lord_Howe').toISOString()).toBe('2026-10-03T15:45:00.000Z');
    expect(zonedInstant('2026-11-23', 9 * 60, 'Asia/Kathmandu').toISOString()).toBe('2026-11-23T03:15:00.000Z');
    expect(zonedInstant('2026-11-23', 9 * 60, 'Pacific/Kiritimati').toISOString()).toBe('2026-11-22T19:00:00.000Z');
  });

  it('reads the local date, which may differ from the UTC date', () => {
    expect(localDate(new Date('2026-11-23T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-24');
    expect(localDate(new Date('2026-11-23T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-11-22');
  });

  it('does calendar arithmetic on dates', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(daysBetween('2026-11-16', '2026-11-30')).toBe(14);
    expect(daysBetween('2026-11-30', '2026-11-16')).toBe(-14);
    expect(isoWeekday('2026-11-23')).toBe(1);
    expect(isoWeekday('2026-11-29')).toBe(7);
    expect(isDate('2026-02-29')).toBe(false);
    expect(isDate('2028-02-29')).toBe(true);
  });
});

describe('sprint calendar', () => {
  const cadence: SprintCadence = { firstSprintStart: '2026-11-16', firstNumber: 14, weeks: 2, reviewWeekday: 4, reviewTime: '14:00', timeZone: 'Europe/Berlin' };

  it('puts the review on the review weekday of the last week, at local time', () => {
    expect(sprintAt(cadence, 0)).toEqual({ number: 14, start: '2026-11-16', end: '2026-11-29', review: new Date('2026-11-26T13:00:00Z') });
    const spring = sprintAt({ ...cadence, firstSprintStart: '2027-03-15' }, 1); // review after the change to summer time
    expect(spring.review.toISOString()).toBe('2027-04-08T12:00:00.000Z');
  });

  it('finds the running sprint and the ones after it', () => {
    const sprints = sprintsFrom(cadence, new Date('2026-12-01T10:00:00Z'), 3);
    expect(sprints.map((s) => [s.number, s.start, s.end])).toEqual([
      [15, '2026-11-30', '2026-12-13'],
      [16, '2026-12-14', '2026-12-27'],
      [17, '2026-12-28', '2027-01-10'],
    ]);
  });

  it('uses the local date at sprint boundaries, and starts with the first sprint before it began', () => {
    // 23:30 UTC on Sunday 29 Nov is already Monday 30 Nov in Berlin: sprint 15.
    expect(sprintsFrom(cadence, new Date('2026-11-29T23:30:00Z'), 1)[0]!.number).toBe(15);
    expect(sprintsFrom(cadence, new Date('2026-01-01T00:00:00Z'), 1)[0]!.number).toBe(14);
  });

  it('handles a review weekday before the sprint start weekday', () => {
    const wed = { ...cadence, firstSprintStart: '2026-11-18', reviewWeekday: 2 }; // Wednesday sprints, Tuesday reviews
    expect(sprintAt(wed, 0).review.toISOString()).toBe('2026-12-01T13:00:00.000Z');
  });
});
