import { describe, expect, it } from 'vitest';

import { instantOf, isBlankRich, isClockTime, isIsoDate, zonedDateParts } from '../../src/messages/render-common.js';

describe('isBlankRich', () => {
  it('is blank only when nothing would show: whitespace text, or a link without URL and label', () => {
    expect(isBlankRich([])).toBe(true);
    expect(isBlankRich([{ type: 'text', text: ' \n ' }, { type: 'text', text: '', style: 'bold' }, { type: 'link', url: ' ', label: '' }])).toBe(true);
    expect(isBlankRich([{ type: 'text', text: ' x ' }])).toBe(false);
    expect(isBlankRich([{ type: 'link', url: '', label: 'docs' }])).toBe(false);
    expect(isBlankRich([{ type: 'user', userId: 'U1' }])).toBe(false);
    expect(isBlankRich([{ type: 'channel', channelId: 'C1' }])).toBe(false);
    expect(isBlankRich([{ type: 'date', at: 'not a date' }])).toBe(false);
  });
});

describe('instantOf', () => {
  it('reads a Date or its ISO string, and nothing invalid', () => {
    const at = new Date('2026-11-23T08:30:00Z');
    expect(instantOf(at)).toBe(at);
    expect(instantOf(at.toISOString())?.getTime()).toBe(at.getTime());
    expect(instantOf(new Date(Number.NaN))).toBeUndefined();
    expect(instantOf('not a date')).toBeUndefined();
    expect(instantOf('')).toBeUndefined();
  });
});

describe('zonedDateParts', () => {
  const at = new Date('2026-11-23T08:30:00Z');
  const options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  const clock = (zone: string | undefined) => {
    const { parts, timeZone, inZone } = zonedDateParts(at, zone, options);
    return { time: `${parts.get('hour')}:${parts.get('minute')}`, timeZone, inZone };
  };

  it('gives the parts in the zone, or in UTC saying so when the zone is missing or unknown', () => {
    expect(clock('Europe/Berlin')).toEqual({ time: '09:30', timeZone: 'Europe/Berlin', inZone: true });
    expect(clock('UTC')).toEqual({ time: '08:30', timeZone: 'UTC', inZone: true });
    expect(clock(undefined)).toEqual({ time: '08:30', timeZone: 'UTC', inZone: false });
    expect(clock('Mars/Olympus_Mons')).toEqual({ time: '08:30', timeZone: 'UTC', inZone: false });
  });

  it('keeps formatters for different options apart', () => {
    expect([...zonedDateParts(at, 'Europe/Berlin', { year: 'numeric' }).parts.keys()]).toEqual(['year']);
    expect(zonedDateParts(at, 'Europe/Berlin', options).parts.has('year')).toBe(false);
  });
});

describe('isIsoDate and isClockTime', () => {
  it('accept YYYY-MM-DD and 24-hour HH:MM only', () => {
    expect(['2026-11-23', '2026-01-01', '2026-12-31'].every(isIsoDate)).toBe(true);
    expect(['2026-13-01', '2026-00-10', '2026-11-32', '23.11.2026', '2026-11-23T00:00', ' 2026-11-23'].some(isIsoDate)).toBe(false);
    expect(['00:00', '09:30', '23:59'].every(isClockTime)).toBe(true);
    expect(['24:00', '9:30', '09:60', '09:30:00', '09:30 '].some(isClockTime)).toBe(false);
  });
});
