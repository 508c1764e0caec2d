import type {
  AllMiddlewareArgs,
  AnyMiddlewareArgs,
  App,
  BlockAction,
  MessageShortcut,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';

type CommandListener = Middleware<SlackCommandMiddlewareArgs>;
/** Bolt gives a block_actions payload without a clicked element no `action`: the listener sees it too. */
type BlockActionsListener = Middleware<Omit<SlackActionMiddlewareArgs<BlockAction>, 'action'> & { action: SlackActionMiddlewareArgs<BlockAction>['action'] | undefined }>;
type ViewSubmissionsListener = Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>>;
type EventListener = Middleware<SlackEventMiddlewareArgs>;
type MessageShortcutListener = Middleware<SlackShortcutMiddlewareArgs<MessageShortcut>>;
type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

/**
 * Routes every request po-desk handles to its handler, through one Bolt global middleware: slash commands
 * by name, block actions, form submissions, Events API events by type, message shortcuts by callback id.
 *
 * Why not a Bolt listener per kind (`app.command`, `app.action`, …): Bolt runs every listener's middleware
 * chain for every request it receives, so each listener costs every `/po ask` on the ack path. With five
 * listeners and a global guard, Bolt's dispatch of a request took 41 µs (20 µs with `/po`'s listener alone;
 * 13 µs with this middleware: `npm run bench:dispatch`), and po-desk reached 0.77–0.80× bare Bolt's req/s
 * on the ack bench, 0.86–1.0× (median 0.91×) with this (docs/benchmarks.md, "After this run: one Bolt
 * middleware routes every request"). The kinds are told apart as Bolt's own listener middleware tells them
 * (`onlyCommands`, `matchConstraints({ type })`, `matchEventType`, …): by the argument Bolt sets for the
 * request's kind (`command`, `view`, `event`, `shortcut`) and the body's type.
 */
export class SlackRoutes {
  private readonly commands = new Map<string, CommandListener>();
  private blockActionsListener: BlockActionsListener | undefined;
  private viewSubmissionsListener: ViewSubmissionsListener | undefined;
  private readonly events = new Map<string, EventListener>();
  private readonly messageShortcuts = new Map<string, MessageShortcutListener>();
  private unknownShortcutListener: MessageShortcutListener | undefined;

  /** As `app.command(name, listener)`. */
  command(name: string, listener: CommandListener): void {
    addRoute(this.commands, name, listener, `the command ${name}`);
  }

  /** Every block_actions payload, whatever its action id, and one without a clicked element (`action` undefined). */
  blockActions(listener: BlockActionsListener): void {
    this.blockActionsListener = onlyRoute(this.blockActionsListener, listener, 'block actions');
  }

  /** Every view_submission payload, whatever its callback id. */
  viewSubmissions(listener: ViewSubmissionsListener): void {
    this.viewSubmissionsListener = onlyRoute(this.viewSubmissionsListener, listener, 'view submissions');
  }

  /** As `app.event(type, listener)`. */
  event<EventType extends string>(type: EventType, listener: Middleware<SlackEventMiddlewareArgs<EventType>>): void {
    addRoute(this.events, type, listener as unknown as EventListener, `the event ${type}`);
  }

  /** As `app.shortcut({ callback_id, type: 'message_action' }, listener)`. */
  messageShortcut(callbackId: string, listener: MessageShortcutListener): void {
    addRoute(this.messageShortcuts, callbackId, listener, `the shortcut ${callbackId}`);
  }

  /** A message shortcut whose callback id has no route (a manifest newer or older than this po-desk). */
  unknownMessageShortcut(listener: MessageShortcutListener): void {
    this.unknownShortcutListener = onlyRoute(this.unknownShortcutListener, listener, 'unknown shortcuts');
  }

  /**
   * Adds the one Bolt middleware, once every route is added. `beforeEvents` runs before an event's route
   * (and only for events that have one). A request without a route is left alone (Bolt's own handling of an
   * unacked request), as it was with a listener per kind: another command name, a global shortcut, an event
   * type po-desk does not handle.
   */
  register(app: App, beforeEvents: EventListener[] = []): void {
    app.use(async (args) => this.route(args, beforeEvents));
  }

  private async route(args: Args, beforeEvents: EventListener[]): Promise<void> {
    const type = (args.body as { type?: unknown }).type;
    if ('command' in args && args.command) {
      await this.commands.get(args.command.command)?.(args as SlackCommandMiddlewareArgs & AllMiddlewareArgs);
    } else if (type === 'block_actions') {
      await this.blockActionsListener?.(args as Parameters<BlockActionsListener>[0]);
    } else if ('view' in args && type === 'view_submission') {
      await this.viewSubmissionsListener?.(args as SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs);
    } else if ('event' in args && args.event) {
      const listener = this.events.get(args.event.type);
      if (listener) await chain([...beforeEvents, listener], args as SlackEventMiddlewareArgs & AllMiddlewareArgs);
    } else if ('shortcut' in args && args.shortcut && type === 'message_action') {
      const shortcutArgs = args as SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;
      await (this.messageShortcuts.get(shortcutArgs.shortcut.callback_id) ?? this.unknownShortcutListener)?.(shortcutArgs);
    }
  }
}

/** A second route for the same thing is a mistake in po-desk's wiring: refused at start. */
function addRoute<L>(routes: Map<string, L>, key: string, listener: L, what: string): void {
  routes.set(key, onlyRoute(routes.get(key), listener, what));
}

function onlyRoute<L>(existing: L | undefined, listener: L, what: string): L {
  if (existing) throw new Error(`slack routes: a listener for ${what} is already added`);
  return listener;
}

/** Runs the event's middleware one after another, each going on to the next by calling `next()`, as Bolt does. */
async function chain(middleware: EventListener[], args: SlackEventMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
  const at = async (i: number): Promise<void> => {
    await middleware[i]?.({ ...args, next: () => at(i + 1) });
  };
  await at(0);
}
