/** What changed in the playground, for the pages listening on /playground/api/events. */
export type PlaygroundEvent =
  /** A message in the channel was added or changed; `visibleTo` is set when only that person can see it. */
  | { type: 'change'; channelId: string; visibleTo: string | null }
  | { type: 'clock'; now: string }
  | { type: 'reset' };

/**
 * In-process fan-out of playground changes to the open pages. The playground is served by one
 * process (its clock and pages live there); pages that miss an event catch up on their next fetch.
 */
export class LiveFeed {
  private readonly listeners = new Set<(event: PlaygroundEvent) => void>();

  publish(event: PlaygroundEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: PlaygroundEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
