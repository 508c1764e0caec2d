import { describe, expect, it } from 'vitest';
import { FORGET_MS, WorkspacePacer } from '../../src/outbox/workspace-pacer.js';

const WS = 'slack:W1';

/**
 * A platform's limit as Slack's fake applies it: a token bucket per workspace, refused with Retry-After in
 * whole seconds. Time is simulated, so every figure here is exact.
 */
class Bucket {
  private tokens: number;
  private at = 0;
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  /** A request arriving at `t`: delivered, or the Retry-After (ms) of its 429. */
  arrive(t: number): 'ok' | number {
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) * this.perSecond) / 1000);
    this.at = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    return Math.ceil((1 - this.tokens) / this.perSecond) * 1000;
  }
}

/**
 * The dispatcher's use of the pacer, in simulated time: `n` messages to as many channels, up to 20 in
 * flight, each taking `rttMs` there and back, the workspace paused from a 429's answer for its
 * Retry-After (late 429s of requests sent before do not extend it), resuming `resumeMs` after the pause.
 */
function fanOut(n: number, limit: { perSecond: number; burst: number }, o: { rttMs?: number; resumeMs?: number } = {}) {
  const rtt = o.rttMs ?? 4;
  const resume = o.resumeMs ?? 15;
  const bucket = new Bucket(limit.perSecond, limit.burst);
  const pacer = new WorkspacePacer();
  const queue = Array.from({ length: n }, (_, i) => `C${i}`);
  let t = 0;
  let pause: { since: number; until: number } | undefined;
  const inFlight: { lane: string; sentAt: number; answerAt: number; result: 'ok' | number }[] = [];
  let refused = 0;
  const refusedAfter: number[] = [];
  let lastDelivered = 0;
  const waiting: { lane: string; at: number }[] = [];
  while (queue.length > 0 || inFlight.length > 0 || waiting.length > 0) {
    // Answers due by now, in the order they come.
    inFlight.sort((a, b) => a.answerAt - b.answerAt);
    while (inFlight[0] && inFlight[0].answerAt <= t) {
      const a = inFlight.shift()!;
      if (a.result === 'ok') {
        pacer.delivered(WS, a.lane, a.sentAt, a.answerAt);
        lastDelivered = a.answerAt;
      } else {
        refused += 1;
        refusedAfter.push(a.answerAt);
        if (!pause || pause.until <= a.answerAt) {
          pause = { since: a.answerAt, until: a.answerAt + a.result };
          pacer.paused(WS, a.lane, a.sentAt, a.answerAt, a.answerAt + a.result);
        }
        queue.push(a.lane);
      }
    }
    const paused = pause !== undefined && pause.until > t;
    // Sends whose turn has come leave, unless a 429 paused the workspace while they waited.
    for (const s of waiting.filter((w) => w.at <= t)) {
      waiting.splice(waiting.indexOf(s), 1);
      if (paused) queue.push(s.lane);
      else {
        inFlight.push({ lane: s.lane, sentAt: t, answerAt: t + rtt, result: bucket.arrive(t + rtt / 2) });
      }
    }
    const resumed = !pause || t >= pause.until + resume;
    if (!paused && resumed && queue.length > 0 && inFlight.length + waiting.length < 20) {
      waiting.push({ lane: queue.shift()!, at: t + pacer.take(WS, t, 1000) });
      continue;
    }
    t += 1;
  }
  return { ms: lastDelivered, refused, refusedAfter, pacer };
}

describe('workspace pacer', () => {
  it('lets everything through until two pauses have shown the rate', () => {
    const pacer = new WorkspacePacer();
    for (let t = 0; t < 100; t += 1) expect(pacer.take(WS, t, 1000)).toBe(0);
    pacer.paused(WS, 'C1', 100, 102, 1102);
    expect(pacer.take(WS, 1102, 1000)).toBe(0);
    expect(pacer.perSecond(WS)).toBeUndefined();
  });

  it('learns the rate from what got through between two refusals, and paces at it', () => {
    const pacer = new WorkspacePacer();
    pacer.paused(WS, 'C0', 995, 1000, 2000);
    pacer.take(WS, 2010, 1000);
    for (let i = 0; i < 115; i += 1) pacer.delivered(WS, `C${i + 1}`, 2010 + i, 2010 + i);
    pacer.paused(WS, 'C999', 2150, 2155, 3155);
    expect(pacer.perSecond(WS)).toBeUndefined(); // the last answers of the cycle may still be coming
    // The first send after the second pause learns: 115 over one pause (1 s) plus 2010 → 2150 (0.14 s),
    // with 1 % to spare.
    expect(pacer.take(WS, 3170, 1000)).toBe(0);
    expect(pacer.perSecond(WS)).toBeCloseTo((115 / 1140) * 1000 * 0.99, 6);
    // A pause's worth at once (the platform refilled that much, ~99.9), then one every 1/rate.
    let waited = 0;
    for (let i = 0; i < 98; i += 1) waited += pacer.take(WS, 3170, 1000);
    expect(waited).toBe(0);
    const next = pacer.take(WS, 3170, 1000);
    expect(next).toBeGreaterThan(0);
    expect(next).toBeLessThan(1000 / pacer.perSecond(WS)!);
    expect(pacer.take(WS, 3170, 1000) - next).toBeCloseTo(1000 / pacer.perSecond(WS)!, 6);
  });

  it('counts a delivery answered after the refusal as a token the platform refilled since', () => {
    const immediate = (late: number) => {
      const pacer = new WorkspacePacer();
      pacer.paused(WS, 'C0', 995, 1000, 2000);
      pacer.take(WS, 2010, 1000);
      for (let i = 0; i < 115; i += 1) pacer.delivered(WS, `C${i + 1}`, 2010 + i, 2014 + i);
      pacer.paused(WS, 'C999', 2150, 2155, 3155);
      // Sent before the refused one, answered after it: it got through on a token refilled since.
      for (let i = 0; i < late; i += 1) pacer.delivered(WS, `L${i}`, 2149, 2160);
      pacer.take(WS, 3170, 1000);
      let n = 0;
      while (n < 1000 && pacer.take(WS, 3170, 1000) === 0) n += 1;
      return n;
    };
    expect(immediate(0) - immediate(2)).toBe(2);
  });

  it('takes no turn when the wait is longer than the caller would wait', () => {
    const pacer = learned(50);
    for (let i = 0; i < 1000 && pacer.take(WS, 5000, 1000) === 0; i += 1);
    const wait = pacer.take(WS, 5000, 0);
    expect(wait).toBeGreaterThan(0);
    expect(pacer.take(WS, 5000, 0)).toBe(wait); // not taken, so the same wait again
  });

  it('does not learn from a conversation’s own limit (a 429 for a channel posted to within Retry-After)', () => {
    const pacer = new WorkspacePacer();
    pacer.delivered(WS, 'C1', 0, 0);
    pacer.paused(WS, 'C2', 5, 10, 1010);
    pacer.take(WS, 1020, 1000);
    pacer.delivered(WS, 'C1', 1020, 1020);
    pacer.delivered(WS, 'C3', 1021, 1021);
    pacer.paused(WS, 'C1', 1022, 1025, 2025); // C1 had a message 2 ms ago: perhaps its own limit
    pacer.take(WS, 2030, 1000);
    pacer.delivered(WS, 'C4', 2030, 2030);
    pacer.delivered(WS, 'C5', 2031, 2031);
    pacer.paused(WS, 'C6', 2032, 2035, 3035);
    pacer.take(WS, 3040, 1000);
    expect(pacer.perSecond(WS)).toBeUndefined();
  });

  it('does not learn from a cycle with little to send (the next 429 came long after resuming)', () => {
    const pacer = new WorkspacePacer();
    pacer.paused(WS, 'C0', 0, 5, 1005);
    pacer.take(WS, 1010, 1000);
    pacer.delivered(WS, 'C1', 1010, 1010);
    pacer.delivered(WS, 'C2', 4000, 4000);
    pacer.paused(WS, 'C3', 9000, 9005, 10_005);
    pacer.take(WS, 10_010, 1000);
    expect(pacer.perSecond(WS)).toBeUndefined();
  });

  it('forgets a workspace nothing was sent to for a while', () => {
    const pacer = learned(50);
    expect(pacer.perSecond(WS)).toBeDefined();
    expect(pacer.take(WS, 3200 + FORGET_MS + 1, 1000)).toBe(0);
    expect(pacer.perSecond(WS)).toBeUndefined();
  });

  it('against a bucket of 100/s (burst 100): 2,000 messages within 3 % of the least time, no 429 once paced', () => {
    const run = fanOut(2000, { perSecond: 100, burst: 100 });
    const least = ((2000 - 100) / 100) * 1000;
    expect(run.ms).toBeLessThanOrEqual(least * 1.03);
    expect(run.pacer.perSecond(WS)).toBeGreaterThan(97);
    expect(run.pacer.perSecond(WS)).toBeLessThanOrEqual(100);
    // Two pauses to learn, and none after (the last 429 within the first 3 s of a 19 s run).
    expect(Math.max(...run.refusedAfter)).toBeLessThan(3000);
  });

  it('with a burst larger than a pause’s worth: too fast at first, corrected by the 429s, never slower than pausing', () => {
    const paced = fanOut(3000, { perSecond: 100, burst: 300 });
    const least = ((3000 - 300) / 100) * 1000;
    expect(paced.ms).toBeLessThanOrEqual(least * 1.05);
  });

  it('with a burst smaller than a pause’s worth: faster than honouring Retry-After alone', () => {
    // 100/s but only 10 at a time: each pause of 1 s refills 10, so pausing alone delivers ~10 a second
    // (29.6 s for 300 in this simulation). The pace learned is a little faster, and its 429s correct it.
    const paced = fanOut(300, { perSecond: 100, burst: 10 });
    expect(paced.ms).toBeLessThan(25_000);
  });
});

/** A pacer that has learned a rate of about `perSecond`, at t = 3,200. */
function learned(perSecond: number): WorkspacePacer {
  const pacer = new WorkspacePacer();
  pacer.paused(WS, 'C0', 0, 5, 1005);
  pacer.take(WS, 1005, 1000);
  const n = Math.round(perSecond * 1.1);
  for (let i = 0; i < n; i += 1) pacer.delivered(WS, `C${i + 1}`, 1005 + i, 1005 + i);
  pacer.paused(WS, 'C999', 1105, 1110, 2110);
  pacer.take(WS, 3200, 1000);
  return pacer;
}
