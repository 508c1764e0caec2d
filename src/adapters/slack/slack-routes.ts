import type { App, MessageShortcut, Middleware, SlackEventMiddlewareArgs, SlackShortcutMiddlewareArgs } from '@slack/bolt';

type EventListener = Middleware<SlackEventMiddlewareArgs>;
type MessageShortcutListener = Middleware<SlackShortcutMiddlewareArgs<MessageShortcut>>;

/**
 * Routes Events API events (by event type) and message shortcuts (by callback id) to the modules that
 * handle them, through one Bolt listener for each.
 *
 * Why not one Bolt listener per handler: Bolt runs every listener's middleware chain for every request it
 * receives, so each listener costs every `/po` command on the ack path. `npm run bench:dispatch` put Bolt's
 * dispatch of one request at 75–93 µs with a listener per handler (bare Bolt: 43–51 µs) and 55–62 µs with
 * this routing (docs/benchmarks.md, "After this run: the ack path again").
 */
export class SlackRoutes {
  private readonly events = new Map<string, EventListener>();
  private readonly messageShortcuts = new Map<string, MessageShortcutListener>();

  /** As `app.event(type, listener)`. */
  event<EventType extends string>(type: EventType, listener: Middleware<SlackEventMiddlewareArgs<EventType>>): void {
    if (this.events.has(type)) throw new Error(`slack routes: a listener for the event ${type} is already added`);
    this.events.set(type, listener as unknown as EventListener);
  }

  /** As `app.shortcut({ callback_id, type: 'message_action' }, listener)`. */
  messageShortcut(callbackId: string, listener: MessageShortcutListener): void {
    if (this.messageShortcuts.has(callbackId)) throw new Error(`slack routes: a listener for the shortcut ${callbackId} is already added`);
    this.messageShortcuts.set(callbackId, listener);
  }

  /**
   * Adds the Bolt listeners, once every route is added. `beforeEvents` runs before an event's route (and
   * only for events that have one). An event without a route matches no listener; a message shortcut
   * without one reaches the shortcuts' listener, which does nothing with it: neither is acked, as before.
   */
  register(app: App, beforeEvents: EventListener[] = []): void {
    if (this.events.size > 0) {
      const types = new RegExp(`^(?:${[...this.events.keys()].map(escapeRegExp).join('|')})$`);
      app.event(types, ...beforeEvents, async (args) => {
        await this.events.get(args.event.type)?.(args);
      });
    }
    if (this.messageShortcuts.size > 0) {
      app.shortcut<MessageShortcut>({ type: 'message_action' }, async (args) => {
        await this.messageShortcuts.get(args.shortcut.callback_id)?.(args);
      });
    }
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
