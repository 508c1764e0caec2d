import { describe, expect, it } from 'vitest';
import {
  addBusinessMs,
  availabilityAt,
  businessDayOf,
  businessMsBetween,
  formatDuration,
  workingIntervals,
  type Absence,
  type BusinessCalendar,
} from '../../src/domain/business-time.js';
import type { WorkingHours } from '../../src/domain/working-hours.js';
import { seededRandom } from '../support/seeded-random.js';

const MIN = 60_000;
const H = 3_600_000;
const D = 86_400_000;
const at = (iso: string) => new Date(iso);
const iso = (d: Date | undefined) => d?.toISOString();

function calendar(hours: Partial<WorkingHours> = {}, holidays: string[] = [], absences: Absence[] = []): BusinessCalendar {
  return { hours: { timeZone: 'Europe/Berlin', startMin: 9 * 60, endMin: 17 * 60, days: [1, 2, 3, 4, 5], ...hours }, holidays, absences };
}
const away = (from: string, until?: string): Absence => ({ from: at(from), until: until === undefined ? undefined : at(until) });
const spans = (cal: BusinessCalendar, from: string, to: string) =>
  workingIntervals(cal, at(from), at(to)).map((s) => [s.start.toISOString(), s.end.toISOString()]);

// Europe/Berlin in November is UTC+1: 09:00 local is 08:00Z, 17:00 local is 16:00Z.
// 2026-11-23 is a Monday, 2026-11-27 a Friday.
const berlin = calendar();

describe('businessMsBetween', () => {
  it('counts a wait inside one working day', () => {
    expect(businessMsBetween(berlin, at('2026-11-23T09:00:00Z'), at('2026-11-23T11:30:00Z'))).toBe(2.5 * H);
    expect(businessMsBetween(berlin, at('2026-11-23T09:00:00.000Z'), at('2026-11-23T09:00:00.001Z'))).toBe(1);
  });

  it('is 0 when the end is not after the start', () => {
    expect(businessMsBetween(berlin, at('2026-11-23T10:00:00Z'), at('2026-11-23T10:00:00Z'))).toBe(0);
    expect(businessMsBetween(berlin, at('2026-11-23T12:00:00Z'), at('2026-11-23T10:00:00Z'))).toBe(0);
  });

  it('counts a question asked before hours from the start of the day', () => {
    expect(businessMsBetween(berlin, at('2026-11-23T06:00:00Z'), at('2026-11-23T09:00:00Z'))).toBe(1 * H);
    expect(businessMsBetween(berlin, at('2026-11-23T06:00:00Z'), at('2026-11-23T08:00:00Z'))).toBe(0);
  });

  it('counts a question asked after hours from the next morning', () => {
    expect(businessMsBetween(berlin, at('2026-11-23T17:00:00Z'), at('2026-11-24T09:00:00Z'))).toBe(1 * H);
    // 17:00 local exactly is already after hours: the working day is [09:00, 17:00).
    expect(businessMsBetween(berlin, at('2026-11-23T16:00:00Z'), at('2026-11-24T08:00:00Z'))).toBe(0);
  });

  it('counts a question asked on a weekend from Monday morning', () => {
    expect(businessMsBetween(berlin, at('2026-11-28T11:00:00Z'), at('2026-11-30T08:30:00Z'))).toBe(30 * MIN);
  });

  it('sees no business time from Friday evening to Monday morning', () => {
    expect(businessMsBetween(berlin, at('2026-11-27T16:00:00Z'), at('2026-11-30T08:00:00Z'))).toBe(0);
    expect(businessMsBetween(berlin, at('2026-11-27T16:30:00Z'), at('2026-11-30T07:59:00Z'))).toBe(0);
  });

  it('adds up waits over several days and a weekend', () => {
    // Thu 15:00 → Tue 11:00 local: Thu 2 h + Fri 8 h + Mon 8 h + Tue 2 h.
    expect(businessMsBetween(berlin, at('2026-11-26T14:00:00Z'), at('2026-12-01T10:00:00Z'))).toBe(20 * H);
    // Four whole weeks.
    expect(businessMsBetween(berlin, at('2026-11-02T00:00:00Z'), at('2026-11-30T00:00:00Z'))).toBe(4 * 5 * 8 * H);
  });

  it('skips holidays, which are local dates', () => {
    const xmas = calendar({}, ['2026-12-24', '2026-12-25']);
    // Wed 23 Dec 16:00 → Mon 28 Dec 10:00 local: Wed 1 h, Thu and Fri are holidays, Mon 1 h.
    expect(businessMsBetween(xmas, at('2026-12-23T15:00:00Z'), at('2026-12-28T09:00:00Z'))).toBe(2 * H);
    expect(businessMsBetween(berlin, at('2026-12-23T15:00:00Z'), at('2026-12-28T09:00:00Z'))).toBe(18 * H);
    // A holiday on a weekend changes nothing.
    expect(businessMsBetween(calendar({}, ['2026-11-28']), at('2026-11-23T00:00:00Z'), at('2026-11-30T00:00:00Z'))).toBe(40 * H);
  });

  it('counts only the chosen weekdays (mon,wed,fri)', () => {
    const mwf = calendar({ days: [1, 3, 5] });
    expect(businessMsBetween(mwf, at('2026-11-23T00:00:00Z'), at('2026-11-30T00:00:00Z'))).toBe(24 * H);
    // Mon 16:00 → Wed 10:00 local: Mon 1 h, Tue off, Wed 1 h.
    expect(businessMsBetween(mwf, at('2026-11-23T15:00:00Z'), at('2026-11-25T09:00:00Z'))).toBe(2 * H);
    // Fri 16:00 → Tue 17:00 local: Fri 1 h + Mon 8 h.
    expect(businessMsBetween(mwf, at('2026-11-27T15:00:00Z'), at('2026-12-01T16:00:00Z'))).toBe(9 * H);
  });

  it('counts nothing when nobody ever works', () => {
    expect(businessMsBetween(calendar({ days: [] }), at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toBe(0);
  });
});

describe('absences', () => {
  const week = ['2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z'] as const;
  const weekMs = (cal: BusinessCalendar) => businessMsBetween(cal, at(week[0]), at(week[1]));

  it('removes an absence in the middle of a day', () => {
    const cal = calendar({}, [], [away('2026-11-23T10:00:00Z', '2026-11-23T12:00:00Z')]); // Mon 11:00–13:00 local
    expect(businessMsBetween(cal, at('2026-11-23T00:00:00Z'), at('2026-11-24T00:00:00Z'))).toBe(6 * H);
    expect(spans(cal, '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z')).toEqual([
      ['2026-11-23T08:00:00.000Z', '2026-11-23T10:00:00.000Z'],
      ['2026-11-23T12:00:00.000Z', '2026-11-23T16:00:00.000Z'],
    ]);
    expect(weekMs(cal)).toBe(38 * H);
  });

  it('removes an absence over several days', () => {
    // Tue 12:00 → Thu 10:00 local: Tue 5 h, Wed 8 h, Thu 1 h lost.
    const cal = calendar({}, [], [away('2026-11-24T11:00:00Z', '2026-11-26T09:00:00Z')]);
    expect(weekMs(cal)).toBe(26 * H);
    expect(spans(cal, '2026-11-24T00:00:00Z', '2026-11-27T00:00:00Z')).toEqual([
      ['2026-11-24T08:00:00.000Z', '2026-11-24T11:00:00.000Z'],
      ['2026-11-26T09:00:00.000Z', '2026-11-26T16:00:00.000Z'],
    ]);
  });

  it('ignores an absence outside working hours', () => {
    expect(weekMs(calendar({}, [], [away('2026-11-23T17:00:00Z', '2026-11-24T07:00:00Z'), away('2026-11-28T00:00:00Z', '2026-11-29T20:00:00Z')]))).toBe(40 * H);
  });

  it('removes everything after an open-ended absence begins', () => {
    const cal = calendar({}, [], [away('2026-11-25T11:00:00Z')]); // from Wed 12:00 local
    expect(weekMs(cal)).toBe(19 * H); // Mon 8 + Tue 8 + Wed 3
    expect(businessMsBetween(cal, at('2026-11-25T11:00:00Z'), at('2027-06-01T00:00:00Z'))).toBe(0);
    expect(iso(addBusinessMs(cal, at('2026-11-23T00:00:00Z'), 19 * H))).toBe('2026-11-25T11:00:00.000Z');
    expect(addBusinessMs(cal, at('2026-11-23T00:00:00Z'), 19 * H + 1)).toBeUndefined();
    expect(addBusinessMs(cal, at('2026-11-26T00:00:00Z'), 0)).toBeUndefined();
  });

  it('merges overlapping absences, given in any order', () => {
    const cal = calendar({}, [], [
      away('2026-11-23T12:00:00Z', '2026-11-23T14:00:00Z'), // 13:00–15:00 local
      away('2026-11-23T09:00:00Z', '2026-11-23T11:00:00Z'), // 10:00–12:00
      away('2026-11-23T09:30:00Z', '2026-11-23T10:00:00Z'), // inside the one before
      away('2026-11-23T10:00:00Z', '2026-11-23T13:00:00Z'), // 11:00–14:00, bridges both
    ]);
    expect(spans(cal, '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z')).toEqual([
      ['2026-11-23T08:00:00.000Z', '2026-11-23T09:00:00.000Z'],
      ['2026-11-23T14:00:00.000Z', '2026-11-23T16:00:00.000Z'],
    ]);
    expect(weekMs(cal)).toBe(35 * H);
  });

  it('merges an open-ended absence with one that starts inside it', () => {
    const cal = calendar({}, [], [away('2026-11-24T08:00:00Z'), away('2026-11-25T08:00:00Z', '2026-11-26T08:00:00Z')]);
    expect(weekMs(cal)).toBe(8 * H);
    expect(businessMsBetween(cal, at('2026-11-26T00:00:00Z'), at('2026-12-31T00:00:00Z'))).toBe(0);
  });

  it('keeps even a millisecond of work before or after an absence', () => {
    const cal = calendar({}, [], [away('2026-11-23T08:00:00.001Z', '2026-11-23T15:59:59.999Z')]);
    expect(spans(cal, '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z')).toEqual([
      ['2026-11-23T08:00:00.000Z', '2026-11-23T08:00:00.001Z'],
      ['2026-11-23T15:59:59.999Z', '2026-11-23T16:00:00.000Z'],
    ]);
    expect(iso(addBusinessMs(cal, at('2026-11-23T08:00:00Z'), 2))).toBe('2026-11-23T16:00:00.000Z');
  });

  it('ignores an absence that ends before it starts', () => {
    expect(weekMs(calendar({}, [], [away('2026-11-24T12:00:00Z', '2026-11-24T10:00:00Z')]))).toBe(40 * H);
  });
});

describe('daylight saving time', () => {
  const allDay = (timeZone: string) => calendar({ timeZone, startMin: 0, endMin: 24 * 60, days: [1, 2, 3, 4, 5, 6, 7] });
  const small = (timeZone: string) => calendar({ timeZone, startMin: 60, endMin: 4 * 60, days: [1, 2, 3, 4, 5, 6, 7] });

  describe('Europe/Berlin (forward 2026-03-29 02:00, back 2026-10-25 03:00)', () => {
    it('has a 23-hour day in spring and a 25-hour day in autumn', () => {
      const cal = allDay('Europe/Berlin');
      expect(spans(cal, '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z')).toEqual([
        ['2026-03-28T12:00:00.000Z', '2026-03-28T23:00:00.000Z'],
        ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
        ['2026-03-29T22:00:00.000Z', '2026-03-30T12:00:00.000Z'],
      ]);
      expect(businessMsBetween(cal, at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(23 * H);
      expect(businessMsBetween(cal, at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toBe(25 * H);
      expect(spans(cal, '2026-10-25T00:00:00Z', '2026-10-26T00:00:00Z')).toEqual([
        ['2026-10-25T00:00:00.000Z', '2026-10-25T23:00:00.000Z'],
        ['2026-10-25T23:00:00.000Z', '2026-10-26T00:00:00.000Z'],
      ]);
    });

    it('gives 01:00–04:00 two hours on the spring night and four on the autumn night', () => {
      const cal = small('Europe/Berlin');
      expect(spans(cal, '2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z')).toEqual([['2026-03-29T00:00:00.000Z', '2026-03-29T02:00:00.000Z']]);
      expect(spans(cal, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z')).toEqual([['2026-10-24T23:00:00.000Z', '2026-10-25T03:00:00.000Z']]);
      expect(iso(addBusinessMs(cal, at('2026-10-24T23:00:00Z'), 3.5 * H))).toBe('2026-10-25T02:30:00.000Z');
      expect(iso(addBusinessMs(cal, at('2026-03-29T00:00:00Z'), 2.5 * H))).toBe('2026-03-29T23:30:00.000Z'); // 01:30 CEST next night
    });

    it('starts a day whose start DST skips when the clocks show that time after the jump', () => {
      // 02:30 does not exist on 2026-03-29: work starts at 01:30Z, when the clocks read 03:30 CEST.
      const cal = calendar({ startMin: 2 * 60 + 30, endMin: 5 * 60, days: [7] });
      expect(spans(cal, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([['2026-03-29T01:30:00.000Z', '2026-03-29T03:00:00.000Z']]);
      expect(availabilityAt(cal, at('2026-03-29T01:15:00Z'))).toEqual({ working: false, reason: 'before-hours', resumesAt: at('2026-03-29T01:30:00Z') });
      // An end in the gap is read the same way: 02:00–02:30 becomes 03:00–03:30 CEST.
      const gap = calendar({ startMin: 2 * 60, endMin: 2 * 60 + 30, days: [7] });
      expect(spans(gap, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([['2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']]);
    });

    it('starts a day whose start happens twice at its first occurrence', () => {
      // 02:30–03:30 on 2026-10-25: 02:30 CEST (00:30Z) to 03:30 CET (02:30Z).
      const cal = calendar({ startMin: 2 * 60 + 30, endMin: 3 * 60 + 30, days: [7] });
      expect(spans(cal, '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toEqual([['2026-10-25T00:30:00.000Z', '2026-10-25T02:30:00.000Z']]);
    });

    it('keeps local office hours across the change', () => {
      // Fri 27 Mar 16:00 CET (15:00Z) → Mon 30 Mar 10:00 CEST (08:00Z).
      expect(businessMsBetween(berlin, at('2026-03-27T15:00:00Z'), at('2026-03-30T08:00:00Z'))).toBe(2 * H);
      expect(iso(addBusinessMs(berlin, at('2026-03-27T15:00:00Z'), 2 * H))).toBe('2026-03-30T08:00:00.000Z');
      expect(iso(addBusinessMs(berlin, at('2026-10-23T14:00:00Z'), 2 * H))).toBe('2026-10-26T09:00:00.000Z'); // Fri 16:00 CEST → Mon 10:00 CET
    });
  });

  describe('America/New_York (forward 2026-03-08 02:00, back 2026-11-01 02:00)', () => {
    it('has a 23-hour day in March and a 25-hour day in November', () => {
      const cal = allDay('America/New_York');
      expect(spans(cal, '2026-03-08T00:00:00Z', '2026-03-09T12:00:00Z')).toEqual([
        ['2026-03-08T00:00:00.000Z', '2026-03-08T05:00:00.000Z'],
        ['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
        ['2026-03-09T04:00:00.000Z', '2026-03-09T12:00:00.000Z'],
      ]);
      expect(businessMsBetween(cal, at('2026-11-01T04:00:00Z'), at('2026-11-02T05:00:00Z'))).toBe(25 * H);
      expect(workingIntervals(cal, at('2026-11-01T12:00:00Z'), at('2026-11-02T12:00:00Z'))[0]).toEqual({ start: at('2026-11-01T12:00:00Z'), end: at('2026-11-02T05:00:00Z') });
    });

    it('gives 01:00–04:00 two hours in March and four in November', () => {
      const cal = small('America/New_York');
      expect(spans(cal, '2026-03-08T00:00:00Z', '2026-03-08T23:00:00Z')).toEqual([['2026-03-08T06:00:00.000Z', '2026-03-08T08:00:00.000Z']]);
      expect(spans(cal, '2026-11-01T00:00:00Z', '2026-11-01T23:00:00Z')).toEqual([['2026-11-01T05:00:00.000Z', '2026-11-01T09:00:00.000Z']]);
    });

    it('reads a skipped start as the clocks show it after the jump', () => {
      // 02:30 on 2026-03-08 does not exist: 07:30Z, when the clocks read 03:30 EDT.
      const cal = calendar({ timeZone: 'America/New_York', startMin: 2 * 60 + 30, endMin: 4 * 60, days: [7] });
      expect(spans(cal, '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([['2026-03-08T07:30:00.000Z', '2026-03-08T08:00:00.000Z']]);
    });

    it('keeps local office hours across the change', () => {
      const ny = calendar({ timeZone: 'America/New_York' });
      // Fri 6 Mar 16:00 EST (21:00Z) + 2 h → Mon 9 Mar 10:00 EDT (14:00Z).
      expect(iso(addBusinessMs(ny, at('2026-03-06T21:00:00Z'), 2 * H))).toBe('2026-03-09T14:00:00.000Z');
      // Fri 30 Oct 16:00 EDT (20:00Z) + 2 h → Mon 2 Nov 10:00 EST (15:00Z).
      expect(iso(addBusinessMs(ny, at('2026-10-30T20:00:00Z'), 2 * H))).toBe('2026-11-02T15:00:00.000Z');
    });
  });
});

describe('time zones far from Berlin', () => {
  it('handles a half-hour offset (Asia/Kolkata, UTC+05:30)', () => {
    const cal = calendar({ timeZone: 'Asia/Kolkata' });
    expect(spans(cal, '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z')).toEqual([['2026-11-23T03:30:00.000Z', '2026-11-23T11:30:00.000Z']]);
    expect(businessMsBetween(cal, at('2026-11-23T10:00:00Z'), at('2026-11-24T04:00:00Z'))).toBe(2 * H);
    expect(iso(addBusinessMs(cal, at('2026-11-27T11:00:00Z'), H))).toBe('2026-11-30T04:00:00.000Z');
    expect(availabilityAt(cal, at('2026-11-23T03:29:00Z'))).toEqual({ working: false, reason: 'before-hours', resumesAt: at('2026-11-23T03:30:00Z') });
  });

  it('handles a zone across the date line (Pacific/Auckland, UTC+13 in November)', () => {
    const cal = calendar({ timeZone: 'Pacific/Auckland' }, ['2026-11-25']);
    // Monday 23 Nov in Auckland runs 09:00–17:00 NZDT = Sun 22 Nov 20:00Z – Mon 23 Nov 04:00Z.
    expect(spans(cal, '2026-11-22T00:00:00Z', '2026-11-25T00:00:00Z')).toEqual([
      ['2026-11-22T20:00:00.000Z', '2026-11-23T04:00:00.000Z'],
      ['2026-11-23T20:00:00.000Z', '2026-11-24T04:00:00.000Z'],
    ]);
    expect(availabilityAt(cal, at('2026-11-22T21:00:00Z'))).toEqual({ working: true, until: at('2026-11-23T04:00:00Z') });
    // Wednesday 25 Nov (a holiday there) is 24T11:00Z – 25T11:00Z; Tuesday 24 Nov UTC 21:00 is already Wednesday 10:00 there.
    expect(availabilityAt(cal, at('2026-11-24T21:00:00Z'))).toEqual({ working: false, reason: 'holiday', resumesAt: at('2026-11-25T20:00:00Z') });
    // Sat 28 Nov 10:00 NZDT is Fri 27 Nov 21:00Z: a day off although it is Friday in UTC.
    expect(availabilityAt(cal, at('2026-11-27T21:00:00Z'))).toEqual({ working: false, reason: 'day-off', resumesAt: at('2026-11-29T20:00:00Z') });
  });
});

describe('addBusinessMs', () => {
  it('ends a wait inside one day', () => {
    expect(iso(addBusinessMs(berlin, at('2026-11-23T09:00:00Z'), 2.5 * H))).toBe('2026-11-23T11:30:00.000Z');
  });

  it('ends exactly at the end of the working day, not the next morning', () => {
    expect(iso(addBusinessMs(berlin, at('2026-11-27T15:00:00Z'), H))).toBe('2026-11-27T16:00:00.000Z');
    expect(iso(addBusinessMs(berlin, at('2026-11-27T15:00:00Z'), H + 1))).toBe('2026-11-30T08:00:00.001Z');
  });

  it('starts counting at the next start when asked outside hours', () => {
    expect(iso(addBusinessMs(berlin, at('2026-11-23T05:00:00Z'), 30 * MIN))).toBe('2026-11-23T08:30:00.000Z');
    expect(iso(addBusinessMs(berlin, at('2026-11-23T19:00:00Z'), 30 * MIN))).toBe('2026-11-24T08:30:00.000Z');
    expect(iso(addBusinessMs(berlin, at('2026-11-28T12:00:00Z'), 30 * MIN))).toBe('2026-11-30T08:30:00.000Z');
  });

  it('with no time to add, gives `from` in business time and the next business moment otherwise', () => {
    expect(iso(addBusinessMs(berlin, at('2026-11-23T10:17:00Z'), 0))).toBe('2026-11-23T10:17:00.000Z');
    expect(iso(addBusinessMs(berlin, at('2026-11-23T10:17:00Z'), -5 * H))).toBe('2026-11-23T10:17:00.000Z');
    expect(iso(addBusinessMs(berlin, at('2026-11-23T16:00:00Z'), 0))).toBe('2026-11-24T08:00:00.000Z');
    expect(iso(addBusinessMs(berlin, at('2026-11-28T12:00:00Z'), -1))).toBe('2026-11-30T08:00:00.000Z');
  });

  it('spans weekends and holidays', () => {
    // Thu 15:00 local + 20 h → Tue 11:00 local.
    expect(iso(addBusinessMs(berlin, at('2026-11-26T14:00:00Z'), 20 * H))).toBe('2026-12-01T10:00:00.000Z');
    const xmas = calendar({}, ['2026-12-24', '2026-12-25', '2026-12-31', '2027-01-01']);
    expect(iso(addBusinessMs(xmas, at('2026-12-23T15:00:00Z'), H))).toBe('2026-12-23T16:00:00.000Z');
    expect(iso(addBusinessMs(xmas, at('2026-12-23T15:00:00Z'), H + MIN))).toBe('2026-12-28T08:01:00.000Z');
    // Mon 28 – Wed 30 is 24 h; then the next working day is Mon 4 Jan.
    expect(iso(addBusinessMs(xmas, at('2026-12-28T08:00:00Z'), 25 * H))).toBe('2027-01-04T09:00:00.000Z');
  });

  it('skips absences', () => {
    const cal = calendar({}, [], [away('2026-11-23T10:00:00Z', '2026-11-24T12:00:00Z')]);
    // Mon 09:00–11:00 local, then Tue 13:00 local onwards.
    expect(iso(addBusinessMs(cal, at('2026-11-23T08:00:00Z'), 2 * H))).toBe('2026-11-23T10:00:00.000Z');
    expect(iso(addBusinessMs(cal, at('2026-11-23T08:00:00Z'), 3 * H))).toBe('2026-11-24T13:00:00.000Z');
    expect(iso(addBusinessMs(cal, at('2026-11-23T11:00:00Z'), 0))).toBe('2026-11-24T12:00:00.000Z');
  });

  it('reaches across a long absence within the horizon, but not beyond 400 days', () => {
    const months = calendar({}, [], [away('2026-11-23T00:00:00Z', '2027-09-01T00:00:00Z')]);
    expect(iso(addBusinessMs(months, at('2026-11-23T10:00:00Z'), 0))).toBe('2027-09-01T07:00:00.000Z'); // Wed 09:00 CEST
    const tooLong = calendar({}, [], [away('2026-11-23T00:00:00Z', '2028-01-01T00:00:00Z')]);
    expect(addBusinessMs(tooLong, at('2026-11-23T10:00:00Z'), 0)).toBeUndefined();
    expect(addBusinessMs(calendar({ days: [] }), at('2026-11-23T10:00:00Z'), H)).toBeUndefined();
  });

  it('finds a multi-week wait quickly', () => {
    const started = performance.now();
    // Eight weeks of 40 h end at the end of a Friday.
    for (let i = 0; i < 20; i++) expect(iso(addBusinessMs(berlin, at('2026-11-23T08:00:00Z'), 40 * 8 * H))).toBe('2027-01-15T16:00:00.000Z');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

/** Reads wall clocks with Intl directly, minute by minute: slow, but independent of the code under test. */
function referenceMs(cal: BusinessCalendar, from: number, to: number, stepMs: number): number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: cal.hours.timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' });
  const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  let sum = 0;
  for (let t = from; t < to; t += stepMs) {
    const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    const date = `${p.year}-${p.month}-${p.day}`;
    const minute = Number(p.hour) * 60 + Number(p.minute);
    const working =
      cal.hours.days.includes(weekdays.indexOf(p.weekday!) + 1) &&
      !cal.holidays.includes(date) &&
      minute >= cal.hours.startMin &&
      minute < cal.hours.endMin &&
      !cal.absences.some((a) => a.from.getTime() <= t && t < (a.until?.getTime() ?? Infinity));
    if (working) sum += stepMs;
  }
  return sum;
}

describe('properties over seeded random cases', () => {
  const quarter = 15 * MIN;
  const calendars: [string, BusinessCalendar][] = [
    ['Berlin office with holidays and absences', calendar({}, ['2026-03-30', '2026-10-26', '2026-12-24', '2026-12-25'], [
      away('2026-03-25T10:15:00Z', '2026-03-31T12:00:00Z'),
      away('2026-10-20T08:00:00Z', '2026-10-20T10:45:00Z'),
      away('2026-10-20T10:00:00Z', '2026-10-21T15:30:00Z'),
    ])],
    ['Berlin round the clock', calendar({ startMin: 0, endMin: 24 * 60, days: [1, 2, 3, 4, 5, 6, 7] })],
    ['Berlin at night', calendar({ startMin: 60, endMin: 4 * 60, days: [5, 6, 7] })],
    ['New York mon,wed,fri', calendar({ timeZone: 'America/New_York', startMin: 8 * 60 + 30, endMin: 18 * 60 + 15, days: [1, 3, 5] }, ['2026-11-27'])],
    ['Kolkata', calendar({ timeZone: 'Asia/Kolkata', startMin: 10 * 60, endMin: 19 * 60, days: [1, 2, 3, 4, 5, 6] })],
    ['Auckland', calendar({ timeZone: 'Pacific/Auckland' }, ['2026-04-03', '2026-04-06'], [away('2026-09-24T00:00:00Z', '2026-09-29T03:00:00Z')])],
  ];
  // Draws around the DST changes of 2026 in the three zones, and elsewhere in the year.
  const anchors = ['2026-03-06', '2026-03-26', '2026-04-02', '2026-09-24', '2026-10-22', '2026-10-29', '2026-12-20'].map((d) => at(`${d}T00:00:00Z`).getTime());

  for (const [name, cal] of calendars) {
    it(`${name}: businessMsBetween agrees with a wall-clock walk`, () => {
      const random = seededRandom(name.length * 7919);
      for (let i = 0; i < 30; i++) {
        const from = anchors[Math.floor(random() * anchors.length)]! + Math.floor(random() * 8 * 96) * quarter;
        const to = from + Math.floor(random() * 10 * 96) * quarter;
        expect(businessMsBetween(cal, new Date(from), new Date(to)), `${new Date(from).toISOString()} → ${new Date(to).toISOString()}`).toBe(
          referenceMs(cal, from, to, quarter),
        );
      }
    });

    it(`${name}: addBusinessMs is the earliest inverse of businessMsBetween`, () => {
      const random = seededRandom(name.length * 104729);
      for (let i = 0; i < 100; i++) {
        const from = new Date(anchors[Math.floor(random() * anchors.length)]! + Math.floor(random() * 20 * D));
        const ms = Math.floor(random() * 30 * 8 * H) + 1;
        const end = addBusinessMs(cal, from, ms);
        const label = `${from.toISOString()} + ${ms} ms → ${iso(end)}`;
        expect(end, label).toBeDefined();
        expect(businessMsBetween(cal, from, end!), label).toBe(ms);
        expect(businessMsBetween(cal, from, new Date(end!.getTime() - 1)), label).toBe(ms - 1);
        // The intervals tile the same time, in order, without overlaps.
        const parts = workingIntervals(cal, from, end!);
        expect(parts.reduce((sum, s) => sum + s.end.getTime() - s.start.getTime(), 0), label).toBe(ms);
        parts.forEach((s, j) => {
          expect(s.end.getTime()).toBeGreaterThan(s.start.getTime());
          if (j > 0) expect(s.start.getTime()).toBeGreaterThanOrEqual(parts[j - 1]!.end.getTime());
        });
        // Splitting the wait anywhere changes nothing.
        const cut = Math.floor(random() * ms);
        const middle = addBusinessMs(cal, from, cut)!;
        expect(iso(addBusinessMs(cal, middle, ms - cut)), label).toBe(iso(end));
      }
    });

    it(`${name}: availabilityAt agrees with the intervals`, () => {
      const random = seededRandom(name.length * 31337);
      for (let i = 0; i < 100; i++) {
        const t = new Date(anchors[Math.floor(random() * anchors.length)]! + Math.floor(random() * 10 * D));
        const state = availabilityAt(cal, t);
        const label = `${t.toISOString()}: ${JSON.stringify(state)}`;
        if (state.working) {
          expect(businessMsBetween(cal, t, state.until), label).toBe(state.until.getTime() - t.getTime());
          expect(iso(addBusinessMs(cal, t, 0)), label).toBe(t.toISOString());
        } else {
          expect(state.resumesAt, label).toBeDefined();
          expect(businessMsBetween(cal, t, state.resumesAt!), label).toBe(0);
          expect(businessMsBetween(cal, t, new Date(state.resumesAt!.getTime() + 1)), label).toBe(1);
        }
      }
    });
  }
});

describe('availabilityAt', () => {
  const cal = calendar({}, ['2026-11-26'], [away('2026-11-24T11:00:00Z', '2026-11-24T13:00:00Z'), away('2026-11-27T15:00:00Z', '2026-11-28T12:00:00Z')]);

  it('is working until the end of the day, or until an absence begins', () => {
    expect(availabilityAt(cal, at('2026-11-23T09:00:00Z'))).toEqual({ working: true, until: at('2026-11-23T16:00:00Z') });
    expect(availabilityAt(cal, at('2026-11-23T08:00:00Z'))).toEqual({ working: true, until: at('2026-11-23T16:00:00Z') });
    expect(availabilityAt(cal, at('2026-11-24T09:00:00Z'))).toEqual({ working: true, until: at('2026-11-24T11:00:00Z') });
    expect(availabilityAt(cal, at('2026-11-24T13:00:00Z'))).toEqual({ working: true, until: at('2026-11-24T16:00:00Z') });
  });

  it('ends the working interval with the day even when the next day starts right away', () => {
    const allDay = calendar({ startMin: 0, endMin: 24 * 60 });
    expect(availabilityAt(allDay, at('2026-11-23T12:00:00Z'))).toEqual({ working: true, until: at('2026-11-23T23:00:00Z') });
    expect(availabilityAt(allDay, at('2026-11-27T23:00:00Z'))).toEqual({ working: false, reason: 'day-off', resumesAt: at('2026-11-29T23:00:00Z') });
  });

  it('is before hours in the morning and after hours from the end of the day', () => {
    expect(availabilityAt(cal, at('2026-11-23T07:59:59.999Z'))).toEqual({ working: false, reason: 'before-hours', resumesAt: at('2026-11-23T08:00:00Z') });
    expect(availabilityAt(cal, at('2026-11-23T00:00:00Z'))).toEqual({ working: false, reason: 'before-hours', resumesAt: at('2026-11-23T08:00:00Z') });
    expect(availabilityAt(cal, at('2026-11-23T16:00:00Z'))).toEqual({ working: false, reason: 'after-hours', resumesAt: at('2026-11-24T08:00:00Z') });
    expect(availabilityAt(cal, at('2026-11-23T22:59:00Z'))).toEqual({ working: false, reason: 'after-hours', resumesAt: at('2026-11-24T08:00:00Z') });
    // 23:00Z is already Tuesday in Berlin, before hours.
    expect(availabilityAt(cal, at('2026-11-23T23:00:00Z'))).toEqual({ working: false, reason: 'before-hours', resumesAt: at('2026-11-24T08:00:00Z') });
  });

  it('is a holiday on a listed date, resuming on the next working day', () => {
    expect(availabilityAt(cal, at('2026-11-26T10:00:00Z'))).toEqual({ working: false, reason: 'holiday', resumesAt: at('2026-11-27T08:00:00Z') });
    expect(availabilityAt(cal, at('2026-11-25T23:30:00Z'))).toEqual({ working: false, reason: 'holiday', resumesAt: at('2026-11-27T08:00:00Z') });
    // A listed date on a weekend is reported as the holiday it was listed as.
    expect(availabilityAt(calendar({}, ['2026-11-28']), at('2026-11-28T10:00:00Z'))).toEqual({ working: false, reason: 'holiday', resumesAt: at('2026-11-30T08:00:00Z') });
  });

  it('is a day off on a weekday the PO does not work', () => {
    expect(availabilityAt(cal, at('2026-11-29T10:00:00Z'))).toEqual({ working: false, reason: 'day-off', resumesAt: at('2026-11-30T08:00:00Z') });
    expect(availabilityAt(calendar({ days: [1, 3, 5] }), at('2026-11-24T11:00:00Z'))).toEqual({ working: false, reason: 'day-off', resumesAt: at('2026-11-25T08:00:00Z') });
  });

  it('is away during an absence, before any other reason', () => {
    expect(availabilityAt(cal, at('2026-11-24T11:00:00Z'))).toEqual({ working: false, reason: 'away', resumesAt: at('2026-11-24T13:00:00Z') });
    // Fri 16:00 local → Sat 13:00 local: on Friday after hours and on Saturday, still away; back Monday.
    expect(availabilityAt(cal, at('2026-11-27T17:00:00Z'))).toEqual({ working: false, reason: 'away', resumesAt: at('2026-11-30T08:00:00Z') });
    expect(availabilityAt(cal, at('2026-11-28T11:59:59Z'))).toEqual({ working: false, reason: 'away', resumesAt: at('2026-11-30T08:00:00Z') });
    expect(availabilityAt(cal, at('2026-11-28T12:00:00Z'))).toEqual({ working: false, reason: 'day-off', resumesAt: at('2026-11-30T08:00:00Z') });
    const onHoliday = calendar({}, ['2026-11-26'], [away('2026-11-26T00:00:00Z', '2026-11-26T20:00:00Z')]);
    expect(availabilityAt(onHoliday, at('2026-11-26T10:00:00Z'))).toEqual({ working: false, reason: 'away', resumesAt: at('2026-11-27T08:00:00Z') });
    expect(availabilityAt(onHoliday, at('2026-11-26T21:00:00Z'))).toEqual({ working: false, reason: 'holiday', resumesAt: at('2026-11-27T08:00:00Z') });
  });

  it('does not know when work resumes after an open-ended absence or without working days', () => {
    expect(availabilityAt(calendar({}, [], [away('2026-11-23T00:00:00Z')]), at('2026-11-23T10:00:00Z'))).toEqual({ working: false, reason: 'away', resumesAt: undefined });
    expect(availabilityAt(calendar({ days: [] }), at('2026-11-23T10:00:00Z'))).toEqual({ working: false, reason: 'day-off', resumesAt: undefined });
    expect(availabilityAt(calendar({}, [], [away('2026-11-23T00:00:00Z', '2028-01-01T00:00:00Z')]), at('2026-11-23T10:00:00Z'))).toEqual({
      working: false,
      reason: 'away',
      resumesAt: undefined,
    });
  });
});

describe('businessDayOf', () => {
  it('gives the local date, not the UTC date, near midnight', () => {
    const auckland = calendar({ timeZone: 'Pacific/Auckland' }); // UTC+13 in November
    expect(businessDayOf(auckland, at('2026-11-22T10:59:59Z'))).toBe('2026-11-22');
    expect(businessDayOf(auckland, at('2026-11-22T11:00:00Z'))).toBe('2026-11-23');
    const pagoPago = calendar({ timeZone: 'Pacific/Pago_Pago' }); // UTC−11
    expect(businessDayOf(pagoPago, at('2026-11-23T10:59:59Z'))).toBe('2026-11-22');
    expect(businessDayOf(pagoPago, at('2026-11-23T11:00:00Z'))).toBe('2026-11-23');
    expect(businessDayOf(calendar({ timeZone: 'Asia/Kolkata' }), at('2026-11-23T18:29:59Z'))).toBe('2026-11-23');
    expect(businessDayOf(calendar({ timeZone: 'Asia/Kolkata' }), at('2026-11-23T18:30:00Z'))).toBe('2026-11-24');
    expect(businessDayOf(berlin, at('2026-12-31T23:00:00Z'))).toBe('2027-01-01');
  });
});

describe('workingIntervals', () => {
  it('clips to the range and lists the days in order', () => {
    expect(spans(berlin, '2026-11-26T10:00:00Z', '2026-12-01T09:00:00Z')).toEqual([
      ['2026-11-26T10:00:00.000Z', '2026-11-26T16:00:00.000Z'],
      ['2026-11-27T08:00:00.000Z', '2026-11-27T16:00:00.000Z'],
      ['2026-11-30T08:00:00.000Z', '2026-11-30T16:00:00.000Z'],
      ['2026-12-01T08:00:00.000Z', '2026-12-01T09:00:00.000Z'],
    ]);
  });

  it('is empty for an empty range or one outside hours', () => {
    expect(spans(berlin, '2026-11-26T10:00:00Z', '2026-11-26T10:00:00Z')).toEqual([]);
    expect(spans(berlin, '2026-11-26T10:00:00Z', '2026-11-25T10:00:00Z')).toEqual([]);
    expect(spans(berlin, '2026-11-27T16:00:00Z', '2026-11-30T08:00:00Z')).toEqual([]);
  });

  it('leaves out holidays', () => {
    expect(spans(calendar({}, ['2026-11-24', '2026-11-25']), '2026-11-23T12:00:00Z', '2026-11-26T12:00:00Z')).toEqual([
      ['2026-11-23T12:00:00.000Z', '2026-11-23T16:00:00.000Z'],
      ['2026-11-26T08:00:00.000Z', '2026-11-26T12:00:00.000Z'],
    ]);
  });
});

describe('formatDuration', () => {
  it('says "under a minute" below one minute', () => {
    expect(formatDuration(0)).toBe('under a minute');
    expect(formatDuration(59_999)).toBe('under a minute');
    expect(formatDuration(-5 * MIN)).toBe('under a minute');
  });

  it('rounds to minutes', () => {
    expect(formatDuration(MIN)).toBe('1 min');
    expect(formatDuration(89_999)).toBe('1 min');
    expect(formatDuration(90_000)).toBe('2 min');
    expect(formatDuration(45 * MIN)).toBe('45 min');
    expect(formatDuration(59 * MIN + 29_999)).toBe('59 min');
    expect(formatDuration(59 * MIN + 30_000)).toBe('1 h');
  });

  it('shows hours and minutes', () => {
    expect(formatDuration(90 * MIN)).toBe('1 h 30 min');
    expect(formatDuration(2 * H)).toBe('2 h');
    expect(formatDuration(2 * H + 15 * MIN)).toBe('2 h 15 min');
    expect(formatDuration(23 * H + 59 * MIN)).toBe('23 h 59 min');
    expect(formatDuration(23 * H + 59 * MIN + 30_000)).toBe('1 d');
  });

  it('shows days and hours, rounded to hours', () => {
    expect(formatDuration(D)).toBe('1 d');
    expect(formatDuration(3 * D + 2 * H)).toBe('3 d 2 h');
    expect(formatDuration(3 * D + 2 * H + 29 * MIN)).toBe('3 d 2 h');
    expect(formatDuration(3 * D + 2 * H + 30 * MIN)).toBe('3 d 3 h');
    expect(formatDuration(D + 20 * MIN)).toBe('1 d');
    expect(formatDuration(D + 23 * H + 30 * MIN)).toBe('2 d');
    expect(formatDuration(400 * D)).toBe('400 d');
  });

  it('counts business days of the working day length', () => {
    const dayMs = 8 * H;
    expect(formatDuration(8 * H, { dayMs })).toBe('1 d');
    expect(formatDuration(7 * H + 45 * MIN, { dayMs })).toBe('7 h 45 min');
    expect(formatDuration(20 * H, { dayMs })).toBe('2 d 4 h');
    expect(formatDuration(15 * H + 45 * MIN, { dayMs })).toBe('2 d');
    expect(formatDuration(9 * H, { dayMs: 7.5 * H })).toBe('1 d 2 h');
  });

  it('refuses a day that is not positive', () => {
    expect(() => formatDuration(H, { dayMs: 0 })).toThrow(RangeError);
  });
});
