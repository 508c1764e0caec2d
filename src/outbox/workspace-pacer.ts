/**
 * Paces a workspace's sends at the rate its platform allows, once two rate-limit pauses have shown it.
 *
 * A platform's limit is a token bucket we cannot see: a 429 says it is empty, and `Retry-After` (whole
 * seconds) says when to try again. Honouring only that, a long fan-out goes in cycles (a burst, a 429, a
 * pause) and its last messages wait out one more pause of up to a second that a sender knowing the bucket
 * would not. But the deliveries between two pauses show the rate: the bucket was empty when each pause
 * began, so what got through in between is what it refilled. From then on this pacer mirrors that bucket
 * (the rate, and a burst of one pause's refill) and holds each send until the mirror has a token, so the
 * fan-out runs at the platform's rate without 429s and without the last pause.
 *
 * What it learns from, and what not:
 * - Only a cycle in which sending was held up by the platform or by the pacer itself, so the count is
 *   the platform's rate and not how little there was to send.
 * - Not from a 429 for a conversation that had a message less than `Retry-After` before: that may be the
 *   conversation's own limit (Slack's 1 per second per channel), not the workspace's.
 * - It forgets a workspace nothing was sent to for FORGET_MS: limits change, and the next burst relearns.
 *
 * Times are the clock's milliseconds; nothing here waits or does I/O.
 */

/** A pace nothing was sent with for this long is forgotten. */
export const FORGET_MS = 10 * 60_000;
/** The pace is this share of the rate seen: a little room for requests that arrive bunched. */
const MARGIN = 0.99;

/** The time from one pause's start to the next, and what was delivered in it. */
interface Cycle {
  /** When the request refused first left: the platform's bucket was empty by the time it arrived. */
  emptyAt: number;
  /** When the pause began (that 429's answer) and ended. */
  since: number;
  until: number;
  /** The first send after the pause. */
  resumedAt?: number;
  /** Deliveries sent after the pause (and before the request that began the next one), whenever answered. */
  delivered: number;
  /** Whether the pacer made a send of this cycle wait. */
  heldBack: boolean;
  /** Deliveries sent before the pause but answered after it began: they took tokens refilled since. */
  late: number;
}

/** The mirror of the platform's bucket. */
interface Pace {
  perMs: number;
  burst: number;
  tokens: number;
  at: number;
  usedAt: number;
}

interface Workspace {
  /** The cycle now running, and the one before it (its last answers may still be coming in). */
  current?: Cycle;
  previous?: Cycle;
  pace?: Pace;
  /** When each conversation last had a message delivered (recent ones only). */
  lastDelivered: Map<string, number>;
}

export class WorkspacePacer {
  private readonly workspaces = new Map<string, Workspace>();

  /**
   * How long a send to `key` at `now` must wait for its turn. When that is at most `withinMs`, the turn
   * is taken (send after waiting it); otherwise nothing is taken, and the caller tries again after the wait.
   */
  take(key: string, now: number, withinMs: number): number {
    const ws = this.workspaces.get(key);
    if (!ws) return 0;
    const cycle = ws.current;
    const resuming = cycle !== undefined && cycle.resumedAt === undefined && now >= cycle.until;
    // The first send after a pause: the previous cycle's sends have long been answered, so learn from it.
    if (resuming && ws.previous) {
      this.learn(ws, ws.previous, cycle, now);
      ws.previous = undefined;
    }
    const pace = ws.pace;
    let wait = 0;
    if (pace && now - pace.usedAt > FORGET_MS) {
      this.workspaces.delete(key);
      return 0;
    }
    if (pace) {
      pace.tokens = Math.min(pace.burst, pace.tokens + (now - pace.at) * pace.perMs);
      pace.at = now;
      wait = pace.tokens >= 1 ? 0 : (1 - pace.tokens) / pace.perMs;
      if (wait > withinMs) return wait;
      pace.tokens -= 1;
      pace.usedAt = now;
      if (wait > 0 && cycle) cycle.heldBack = true;
    }
    if (resuming) cycle.resumedAt = now + wait;
    return wait;
  }

  /** A send to conversation `lane` of `key` that left at `sentAt` was delivered, answered at `answeredAt`. */
  delivered(key: string, lane: string, sentAt: number, answeredAt: number): void {
    const ws = this.workspaces.get(key) ?? this.track(key);
    const current = ws.current;
    if (current && sentAt < current.emptyAt && answeredAt > current.since) {
      // Sent before the refused request, answered after it: it got through on a token refilled since.
      current.late += 1;
      if (ws.pace) ws.pace.tokens -= 1;
    } else {
      // The previous cycle ended when the request that began the current one left.
      if (ws.previous && current && sentAt >= ws.previous.until && sentAt <= current.emptyAt) ws.previous.delivered += 1;
      else if (current && sentAt >= current.until) current.delivered += 1;
    }
    ws.lastDelivered.set(lane, sentAt);
    if (ws.lastDelivered.size > 10_000) {
      for (const [l, at] of ws.lastDelivered) if (at < sentAt - 60_000) ws.lastDelivered.delete(l);
    }
  }

  /**
   * `key` is paused from `since` (the answer to a send to `lane` that left at `sentAt`, a 429) until
   * `until`: a new pause, not a 429 for a request that was on its way when the last one began.
   */
  paused(key: string, lane: string, sentAt: number, since: number, until: number): void {
    const ws = this.workspaces.get(key) ?? this.track(key);
    if ((ws.lastDelivered.get(lane) ?? -Infinity) > since - (until - since)) {
      // Perhaps the conversation's own limit: this cycle says nothing of the workspace's rate.
      ws.current = undefined;
      ws.previous = undefined;
      return;
    }
    ws.previous = ws.current;
    ws.current = { emptyAt: sentAt, since, until, delivered: 0, heldBack: false, late: 0 };
    // The platform's bucket is empty now: so is its mirror.
    if (ws.pace) {
      ws.pace.tokens = 0;
      ws.pace.at = since;
    }
  }

  /** The learned pace of `key`, in messages per second (for tests and logs). */
  perSecond(key: string): number | undefined {
    const pace = this.workspaces.get(key)?.pace;
    return pace ? pace.perMs * 1000 : undefined;
  }

  private track(key: string): Workspace {
    const ws: Workspace = { lastDelivered: new Map() };
    this.workspaces.set(key, ws);
    return ws;
  }

  /**
   * `done` ran from one refusal to the next: the platform's bucket was empty at both, so what was
   * delivered in between is what it refilled, less what it could not hold. It can hold a pause's worth
   * (a burst smaller than that would make every pause cost as much, paced or not): full `Retry-After`
   * after the first refusal, it refilled nothing until the first send after the pause. So the rate is
   * the deliveries over one pause plus the time from that send to the next refusal. If the platform holds
   * more, this is a little too fast, and its next 429 (a pause that loses nothing then) corrects it.
   */
  private learn(ws: Workspace, done: Cycle, next: Cycle, now: number): void {
    if (done.resumedAt === undefined || done.delivered < 2) return;
    const retryAfter = done.until - done.since;
    // Held up, not merely idle: the limit came again within one pause of resuming, or the pacer was the brake.
    if (!done.heldBack && next.emptyAt - done.resumedAt >= retryAfter) return;
    const span = Math.min(next.emptyAt - done.emptyAt, retryAfter + next.emptyAt - done.resumedAt);
    if (span <= 0) return;
    const perMs = (done.delivered / span) * MARGIN;
    const burst = Math.max(1, perMs * (next.until - next.since));
    ws.pace = { perMs, burst, tokens: Math.min(burst, (now - next.since) * perMs) - next.late, at: now, usedAt: now };
  }
}
