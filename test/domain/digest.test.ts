import { describe, expect, it } from 'vitest';
import { buildDigest, suggestionFor, type DigestData, type DigestLine } from '../../src/domain/digest.js';
import { emptySummary, type LatencySummary } from '../../src/domain/question-stats.js';

const HOUR = 3600;
const summary = (over: Partial<LatencySummary>): LatencySummary => ({ ...emptySummary(), ...over });
const text = (line: DigestLine) => line.map((p) => (typeof p === 'string' ? p : 'label' in p ? `[${p.label}]` : `<${p.at.toISOString()}>`)).join('');

function week(over: Partial<DigestData> = {}): DigestData {
  return {
    productName: 'Acme Shop',
    from: '2027-03-01',
    to: '2027-03-07',
    dayMs: 8 * HOUR * 1000,
    targetSec: 4 * HOUR,
    questions: {
      period: summary({ asked: 6, responded: 5, waiting: 1, withinTarget: 4, overdue: 1, medianBusinessSec: 2 * HOUR, p90BusinessSec: 10 * HOUR }),
      byTeam: [{ ...summary({ asked: 4, medianBusinessSec: HOUR }), teamName: 'Rocket' }, { ...summary({ asked: 2, medianBusinessSec: 9 * HOUR }), teamName: 'Comet' }],
      weeks: [3, 2, undefined, 4, 2].map((h) => summary({ medianBusinessSec: h === undefined ? undefined : h * HOUR })),
      before: summary({ medianBusinessSec: 3 * HOUR }),
      oldestOpen: [{ label: 'Q12', teamName: 'Comet', askerName: 'Chen', text: 'Do we show stock?', waitedMs: 9 * HOUR * 1000, linkKey: 'question:q12' }],
      overADay: 1,
    },
    intake: {
      created: 5, accepted: 2, declined: 1, merged: 1, shipped: 1, untriaged: 3, aging: 1,
      mostDemanded: [{ number: 4, title: 'Export orders to CSV', demand: 3 }],
      intercepted: 1, sentProperly: 4, interceptedBefore: 4, sentProperlyBefore: 4,
    },
    review: { sprintNumber: 15, at: new Date('2027-03-11T13:00:00Z'), timeZone: 'Europe/Berlin', cancelled: false, rsvps: { yes: 2, maybe: 1, no: 0 }, silent: 1, topics: 2, disengaged: ['Morgan'] },
    daily: [{ teamName: 'Rocket', asks: ['Refund rules', 'Gift card copy'] }],
    ...over,
  };
}

describe('buildDigest', () => {
  it('says, section by section, what happened this week', () => {
    const d = buildDigest(week());
    expect(d.title).toBe('Your week at a glance — Acme Shop, 2027-03-01 to 2027-03-07');
    expect(d.quiet).toBe(false);
    expect(d.sections.map((s) => [s.title, s.lines.map(text)])).toEqual([
      ['Responsiveness', [
        '6 questions asked, 5 responded to, 1 waiting.',
        'First response: median 2 h, 90th percentile 1 d 2 h of working time (the 4 weeks before: 3 h); target 4 h, met for 67 %.',
        'Weekly median, 5 weeks: ▅▁·█▁',
        'Rocket: 4 questions, median 1 h.',
        'Comet: 2 questions, median 1 d 1 h.',
        'Still open: [Q12] (Comet, Chen) waiting 1 d 1 h: Do we show stock?',
      ]],
      ['Intake', [
        '5 new requests, 4 triaged, 3 waiting for you (1 for more than 3 working days).',
        'Accepted 2 · declined 1 · merged 1 · shipped 1.',
        'Most asked for: #4 Export orders to CSV (3).',
        'Requests sent properly: 4; caught in team channels: 1 — 20 % caught this week vs 50 % in the 4 weeks before.',
      ]],
      ['Sprint review', [
        'Sprint 15 review: <2027-03-11T13:00:00.000Z>.',
        'Attending: 2 · Maybe: 1 · Can’t make it: 0 · no answer yet: 1 · 2 agenda topics.',
        'Not engaged in the last 3 reviews: Morgan.',
      ]],
      ['Teams at the Daily Scrum', ['Rocket asked for you 2 times: Refund rules; Gift card copy']],
    ]);
    expect(d.suggestion).toBeUndefined();
  });

  it('leaves out sections with nothing to say', () => {
    const d = buildDigest(week({ review: undefined, daily: [], intake: { ...week().intake, created: 0, accepted: 0, declined: 0, merged: 0, shipped: 0, untriaged: 0, aging: 0, mostDemanded: [], intercepted: 0, sentProperly: 0 } }));
    expect(d.sections.map((s) => s.title)).toEqual(['Responsiveness']);
  });

  it('makes a quiet week a short, friendly digest, not an empty one', () => {
    const quiet = week({
      questions: { period: summary({}), byTeam: [], weeks: [], before: summary({}), oldestOpen: [], overADay: 0 },
      intake: { created: 0, accepted: 0, declined: 0, merged: 0, shipped: 0, untriaged: 0, aging: 0, mostDemanded: [], intercepted: 0, sentProperly: 0, interceptedBefore: 0, sentProperlyBefore: 0 },
      review: undefined,
      daily: [],
    });
    const d = buildDigest(quiet);
    expect(d.quiet).toBe(true);
    expect(d.sections).toEqual([]);
    expect(d.suggestion).toBeUndefined();
  });
});

describe('suggestionFor', () => {
  it('comes from the numbers, the most pressing first', () => {
    expect(suggestionFor(week({ questions: { ...week().questions, overADay: 3 } }))).toBe('3 questions waited over a working day — consider a daily PO office hour.');
    expect(suggestionFor(week({ intake: { ...week().intake, aging: 4 } }))).toBe('4 requests have waited more than 3 working days for a decision — block half an hour for triage.');
    expect(suggestionFor(week({ intake: { ...week().intake, intercepted: 5, sentProperly: 2 } }))).toBe('Most requests (5 of 7) went straight to the teams — remind stakeholders of /po request.');
    expect(suggestionFor(week({ review: { ...week().review!, disengaged: ['Morgan', 'Jordan'] } }))).toBe('2 stakeholders skipped the last 3 reviews — invite them personally.');
  });
});
