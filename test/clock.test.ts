import { describe, expect, it } from 'vitest';
import { ScaledClock } from '../src/clock.js';

describe('ScaledClock (the test clock of PODESK_TEST_CLOCK_*)', () => {
  it('reads its start until the real start, then runs rate times as fast', () => {
    let real = Date.parse('2026-12-05T21:00:00Z');
    const clock = new ScaledClock(new Date('2027-03-07T11:00:00Z'), new Date('2026-12-05T21:00:10Z'), 7200, { now: () => new Date(real) });
    expect(clock.now().toISOString()).toBe('2027-03-07T11:00:00.000Z');
    real += 10_000;
    expect(clock.now().toISOString()).toBe('2027-03-07T11:00:00.000Z');
    real += 500;
    expect(clock.now().toISOString()).toBe('2027-03-07T12:00:00.000Z');
    real += 12_000;
    expect(clock.now().toISOString()).toBe('2027-03-08T12:00:00.000Z');
  });

  it('starts running when told, if still waiting for its real start', () => {
    let real = Date.parse('2026-12-05T21:00:00Z');
    const clock = new ScaledClock(new Date('2027-03-07T11:00:00Z'), new Date('2026-12-05T22:00:00Z'), 7200, { now: () => new Date(real) });
    real += 1000;
    clock.startNow();
    expect(clock.now().toISOString()).toBe('2027-03-07T11:00:00.000Z');
    real += 500;
    expect(clock.now().toISOString()).toBe('2027-03-07T12:00:00.000Z');
    clock.startNow(); // already running: nothing changes
    expect(clock.now().toISOString()).toBe('2027-03-07T12:00:00.000Z');
  });

  it('gives two processes with the same settings the same time', () => {
    const settings = [new Date('2027-03-07T11:00:00Z'), new Date(Date.now() - 1000), 60] as const;
    const [a, b] = [new ScaledClock(...settings), new ScaledClock(...settings)];
    expect(Math.abs(a.now().getTime() - b.now().getTime())).toBeLessThan(60 * 50);
  });
});
