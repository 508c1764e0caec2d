import { describe, expect, it } from 'vitest';

import {
  canonicalTimeZone,
  DEFAULT_WORKING_HOURS,
  formatClock,
  formatDays,
  formatWorkingHours,
  parseDays,
  parseWorkingHours,
} from '../../src/domain/working-hours.js';

const HOURS_FORMAT = 'write the hours as HH:MM-HH:MM, e.g. 09:00-17:00';

describe('canonicalTimeZone', () => {
  it('accepts IANA zones and UTC', () => {
    for (const tz of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Etc/GMT+1']) expect(canonicalTimeZone(tz)).toBeDefined();
  });

  it('refuses made-up zones and the empty string', () => {
    for (const tz of ['Mars/Phobos', 'Berlin', 'mon-fri', '']) expect(canonicalTimeZone(tz)).toBeUndefined();
  });
});

describe('parseDays', () => {
  it('reads ranges', () => {
    expect(parseDays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseDays('sat-sun')).toEqual([6, 7]);
    expect(parseDays('mon-mon')).toEqual([1]);
  });

  it('wraps around the end of the week', () => {
    expect(parseDays('sat-mon')).toEqual([1, 6, 7]);
    expect(parseDays('sun-tue')).toEqual([1, 2, 7]);
    expect(parseDays('fri-thu')).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('reads lists and mixes of lists and ranges, sorted and deduplicated', () => {
    expect(parseDays('mon,wed,fri')).toEqual([1, 3, 5]);
    expect(parseDays('fri,mon')).toEqual([1, 5]);
    expect(parseDays('mon-wed,tue,sun')).toEqual([1, 2, 3, 7]);
  });

  it('ignores letter case', () => {
    expect(parseDays('Mon-FRI')).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses anything that is not a three-letter day', () => {
    for (const text of ['', 'monday', 'mo-fr', 'mon,', ',', 'mon-', '-fri', 'Europe/Berlin', '1-5']) expect(parseDays(text)).toBeUndefined();
  });

  it('refuses a range with more than two ends', () => {
    expect(parseDays('mon-tue-wed')).toBeUndefined();
  });
});

describe('parseWorkingHours', () => {
  it('reads a bare range', () => {
    expect(parseWorkingHours('09:00-17:00')).toEqual({ ok: true, hours: { startMin: 540, endMin: 1020 } });
  });

  it('accepts single-digit hours, midnight and the end of the day', () => {
    expect(parseWorkingHours('9:30-17:45')).toEqual({ ok: true, hours: { startMin: 570, endMin: 1065 } });
    expect(parseWorkingHours('00:00-24:00')).toEqual({ ok: true, hours: { startMin: 0, endMin: 1440 } });
  });

  it('reads days and a time zone in either order, trimming the input', () => {
    const expected = { ok: true, hours: { startMin: 510, endMin: 990, days: [1, 2, 3, 4, 5], timeZone: 'Europe/Berlin' } };
    expect(parseWorkingHours('  08:30-16:30 mon-fri Europe/Berlin ')).toEqual(expected);
    expect(parseWorkingHours('08:30-16:30   Europe/Berlin mon-fri')).toEqual(expected);
    expect(parseWorkingHours('08:30-16:30 sat-mon')).toEqual({ ok: true, hours: { startMin: 510, endMin: 990, days: [1, 6, 7] } });
  });

  it('refuses text that is not a time range', () => {
    for (const text of ['', '   ', 'nine to five', '9-17', '09:00', '09:00-', '-17:00', '09:00 - 17:00', '09.00-17.00']) {
      expect(parseWorkingHours(text)).toEqual({ ok: false, problem: HOURS_FORMAT });
    }
  });

  it('refuses impossible clock times', () => {
    for (const text of ['24:30-25:00', '09:60-10:00', '25:00-26:00', '09:00-24:01']) {
      expect(parseWorkingHours(text)).toEqual({ ok: false, problem: HOURS_FORMAT });
    }
  });

  it('refuses a day that ends before or when it starts (no overnight shifts)', () => {
    const problem = 'the end of the working day must be after its start';
    expect(parseWorkingHours('17:00-09:00')).toEqual({ ok: false, problem });
    expect(parseWorkingHours('09:00-09:00')).toEqual({ ok: false, problem });
  });

  it('refuses a word that is neither days nor a time zone, quoting it', () => {
    expect(parseWorkingHours('09:00-17:00 weekdays')).toEqual({
      ok: false,
      problem: '"weekdays" is neither days (mon-fri, mon,wed) nor a time zone (Europe/Berlin)',
    });
    expect(parseWorkingHours('09:00-17:00 mon-fri Mars/Phobos')).toMatchObject({ ok: false, problem: expect.stringContaining('"Mars/Phobos"') });
  });

  it('refuses a range with three times', () => {
    expect(parseWorkingHours('09:00-17:00-18:00')).toMatchObject({ ok: false });
  });
});

describe('formatting', () => {
  it('formats clock times with leading zeros', () => {
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(545)).toBe('09:05');
    expect(formatClock(1440)).toBe('24:00');
  });

  it('shortens runs of three or more days to a range, lists the rest', () => {
    expect(formatDays([1, 2, 3, 4, 5])).toBe('mon-fri');
    expect(formatDays([1, 2, 3, 4, 5, 6, 7])).toBe('mon-sun');
    expect(formatDays([6, 7])).toBe('sat,sun');
    expect(formatDays([1, 3, 5])).toBe('mon,wed,fri');
    expect(formatDays([1, 6, 7])).toBe('mon,sat,sun');
    expect(formatDays([3])).toBe('wed');
  });

  it('formats working hours for people to read', () => {
    expect(formatWorkingHours({ timeZone: 'Europe/Berlin', startMin: 510, endMin: 990, days: [1, 2, 3, 4, 5] })).toBe(
      '08:30–16:30 mon-fri (Europe/Berlin)',
    );
    expect(formatWorkingHours({ ...DEFAULT_WORKING_HOURS, timeZone: 'UTC' })).toBe('09:00–17:00 mon-fri (UTC)');
  });

  it('formats what it parses back into something parseDays accepts', () => {
    for (const text of ['mon-fri', 'sat-mon', 'mon,wed', 'tue-thu,sun']) {
      const days = parseDays(text)!;
      expect(parseDays(formatDays(days))).toEqual(days);
    }
  });
});
