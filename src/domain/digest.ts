/**
 * The PO's weekly digest, built from plain figures: what each section says, which sections have
 * something to say, and the one suggestion the numbers support. No I/O; rendering is the app's.
 */
import { formatDuration } from './business-time.js';
import { percent, sparkline, type LatencySummary } from './question-stats.js';
import { RSVP_WORDS } from './sprint-review.js';

export interface DigestData {
  productName: string;
  /** The period, as the PO's local dates (first and last day). */
  from: string;
  to: string;
  /** The PO's working day, to read business durations ("1 d 2 h" is a working day and two hours). */
  dayMs: number;
  targetSec: number;
  questions: {
    period: LatencySummary;
    byTeam: (LatencySummary & { teamName: string })[];
    /** The previous 4 weeks and this one, oldest first (for the sparkline and the comparison). */
    weeks: LatencySummary[];
    /** The 4 weeks before the period, together. */
    before: LatencySummary;
    oldestOpen: { label: string; teamName: string; askerName: string; text: string; waitedMs: number; linkKey: string }[];
    /** Questions of the period whose first response took (or is taking) more than a working day. */
    overADay: number;
  };
  intake: {
    created: number;
    accepted: number;
    declined: number;
    merged: number;
    shipped: number;
    /** Waiting for the PO's decision now, and of those, waiting more than 3 working days. */
    untriaged: number;
    aging: number;
    mostDemanded: { number: number; title: string; demand: number }[];
    /** Requests caught by interception vs. sent properly (form, shortcut, 📥), this period and the 4 weeks before. */
    intercepted: number;
    sentProperly: number;
    interceptedBefore: number;
    sentProperlyBefore: number;
  };
  review:
    | {
        sprintNumber: number;
        at: Date;
        timeZone: string;
        cancelled: boolean;
        rsvps: Record<'yes' | 'maybe' | 'no', number>;
        silent: number;
        topics: number;
        /** Stakeholders who neither answered nor asked for a topic in the last 3 reviews. */
        disengaged: string[];
      }
    | undefined;
  /** Where teams asked for the PO from their Daily Scrum reminders. */
  daily: { teamName: string; asks: string[] }[];
}

/** A piece of a digest line: text, or a link to one of po-desk's messages (by its outbox key). */
export type DigestPart = string | { linkKey: string; label: string } | { at: Date; timeZone: string };
export type DigestLine = DigestPart[];

export interface DigestSection {
  title: string;
  lines: DigestLine[];
}

export interface Digest {
  title: string;
  /** Nothing happened: a short, friendly digest instead of empty sections. */
  quiet: boolean;
  sections: DigestSection[];
  suggestion: string | undefined;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function buildDigest(d: DigestData): Digest {
  const title = `Your week at a glance — ${d.productName}, ${d.from} to ${d.to}`;
  const sections = [responsiveness(d), intake(d), review(d), daily(d)].filter((s): s is DigestSection => s !== undefined);
  const quiet = d.questions.period.asked === 0 && d.questions.oldestOpen.length === 0 && d.intake.created === 0 && d.intake.untriaged === 0 && d.daily.length === 0;
  if (quiet) {
    return {
      title,
      quiet,
      sections: sections.filter((s) => s.title === 'Sprint review'),
      suggestion: undefined,
    };
  }
  return { title, quiet, sections, suggestion: suggestionFor(d) };
}

function responsiveness(d: DigestData): DigestSection | undefined {
  const q = d.questions;
  if (q.period.asked === 0 && q.oldestOpen.length === 0) return undefined;
  const dur = (sec: number | undefined) => (sec === undefined ? '–' : formatDuration(sec * 1000, { dayMs: d.dayMs }));
  const lines: DigestLine[] = [];
  lines.push([`${plural(q.period.asked, 'question')} asked, ${q.period.responded} responded to, ${q.period.waiting} waiting.`]);
  if (q.period.responded > 0) {
    const compare = q.before.medianBusinessSec === undefined ? '' : ` (the 4 weeks before: ${dur(q.before.medianBusinessSec)})`;
    lines.push([`First response: median ${dur(q.period.medianBusinessSec)}, 90th percentile ${dur(q.period.p90BusinessSec)} of working time${compare}; target ${dur(d.targetSec)}, met for ${percent(q.period.withinTarget, q.period.responded + q.period.overdue)}.`]);
  }
  lines.push([`Weekly median, 5 weeks: ${sparkline(q.weeks.map((w) => w.medianBusinessSec))}`]);
  for (const t of q.byTeam.filter((x) => x.asked > 0)) {
    lines.push([`${t.teamName}: ${plural(t.asked, 'question')}, median ${dur(t.medianBusinessSec)}.`]);
  }
  for (const o of q.oldestOpen.slice(0, 3)) {
    lines.push(['Still open: ', { linkKey: o.linkKey, label: o.label }, ` (${o.teamName}, ${o.askerName}) waiting ${formatDuration(o.waitedMs, { dayMs: d.dayMs })}: ${o.text}`]);
  }
  return { title: 'Responsiveness', lines };
}

function intake(d: DigestData): DigestSection | undefined {
  const i = d.intake;
  const decided = i.accepted + i.declined + i.merged;
  if (i.created === 0 && i.untriaged === 0 && decided + i.shipped === 0) return undefined;
  const lines: DigestLine[] = [
    [`${plural(i.created, 'new request')}, ${decided} triaged, ${i.untriaged} waiting for you${i.aging > 0 ? ` (${i.aging} for more than 3 working days)` : ''}.`],
  ];
  if (decided + i.shipped > 0) lines.push([`Accepted ${i.accepted} · declined ${i.declined} · merged ${i.merged} · shipped ${i.shipped}.`]);
  if (i.mostDemanded.length > 0) lines.push([`Most asked for: ${i.mostDemanded.map((m) => `#${m.number} ${m.title} (${m.demand})`).join('; ')}.`]);
  if (i.intercepted + i.sentProperly > 0) {
    const trend = i.interceptedBefore + i.sentProperlyBefore === 0
      ? ''
      : ` — ${percent(i.intercepted, i.intercepted + i.sentProperly)} caught this week vs ${percent(i.interceptedBefore, i.interceptedBefore + i.sentProperlyBefore)} in the 4 weeks before`;
    lines.push([`Requests sent properly: ${i.sentProperly}; caught in team channels: ${i.intercepted}${trend}.`]);
  }
  return { title: 'Intake', lines };
}

function review(d: DigestData): DigestSection | undefined {
  const r = d.review;
  if (!r) return undefined;
  if (r.cancelled) return { title: 'Sprint review', lines: [[`The Sprint ${r.sprintNumber} review is cancelled.`]] };
  const lines: DigestLine[] = [
    [`Sprint ${r.sprintNumber} review: `, { at: r.at, timeZone: r.timeZone }, '.'],
    [`${RSVP_WORDS.yes}: ${r.rsvps.yes} · ${RSVP_WORDS.maybe}: ${r.rsvps.maybe} · ${RSVP_WORDS.no}: ${r.rsvps.no} · no answer yet: ${r.silent} · ${plural(r.topics, 'agenda topic')}.`],
  ];
  if (r.disengaged.length > 0) lines.push([`Not engaged in the last 3 reviews: ${r.disengaged.join(', ')}.`]);
  return { title: 'Sprint review', lines };
}

function daily(d: DigestData): DigestSection | undefined {
  if (d.daily.length === 0) return undefined;
  return {
    title: 'Teams at the Daily Scrum',
    lines: d.daily.map((t) => [`${t.teamName} asked for you ${plural(t.asks.length, 'time')}: ${t.asks.slice(0, 3).join('; ')}${t.asks.length > 3 ? '; …' : ''}`]),
  };
}

/**
 * One suggestion, from the numbers only, the most pressing first; none when nothing stands out.
 */
export function suggestionFor(d: DigestData): string | undefined {
  const q = d.questions;
  const i = d.intake;
  if (q.overADay >= 3) return `${q.overADay} questions waited over a working day — consider a daily PO office hour.`;
  if (i.aging >= 3) return `${i.aging} requests have waited more than 3 working days for a decision — block half an hour for triage.`;
  if (i.intercepted > i.sentProperly && i.intercepted >= 3) return `Most requests (${i.intercepted} of ${i.intercepted + i.sentProperly}) went straight to the teams — remind stakeholders of /po request.`;
  if (d.review && d.review.disengaged.length >= 2) return `${d.review.disengaged.length} stakeholders skipped the last 3 reviews — invite them personally.`;
  const before = q.before.medianBusinessSec;
  const now = q.period.medianBusinessSec;
  if (before !== undefined && now !== undefined && q.period.responded >= 3 && now > before * 1.5) return 'Responses were slower than in the 4 weeks before — check whether questions are queuing somewhere.';
  return undefined;
}
