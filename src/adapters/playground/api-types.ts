/**
 * The playground's JSON API as the page sees it: what the server answers (playground-routes.ts) and
 * what the page reads (web/api.ts). Types only, so both the server and the browser bundle import it.
 */

export interface PersonView { id: string; handle: string; name: string; role: string; timeZone: string }
export interface ChannelView { id: string; name: string; kind: 'channel' | 'dm'; topic: string | null }
export interface JobRunView { job: string; slot: string; status: string }

/** GET /workspace?as= */
export interface WorkspaceView {
  product: string;
  /** The playground clock, which may run ahead of real time. */
  now: string;
  offsetMs: number;
  clockAdjustable: boolean;
  /** Why the clock follows real time, when it does. */
  clockNote: string | null;
  as: string;
  people: PersonView[];
  /** The channels, then the viewer's own DM with po-desk. */
  channels: ChannelView[];
  calendar: { title: string; items: { label: string; when: string }[] } | null;
  /** The latest run of each job, newest first. */
  jobRuns: JobRunView[];
  /** What each message's menu offers (Slack: the app's message shortcuts). */
  shortcuts: ShortcutView[];
}

export interface ShortcutView { callbackId: string; label: string }

export interface MessageView {
  id: string;
  threadId: string | null;
  /** null: po-desk itself. */
  author: { id: string; name: string } | null;
  /** Visible only to the viewer. */
  ephemeral: boolean;
  /** The command whose private reply this is. */
  command: string | null;
  at: string;
  edited: boolean;
  /** Rendered and escaped by the server: safe for innerHTML. */
  html: string;
}

/** GET /channels/:id/messages?as= */
export interface ChannelMessagesView {
  channel: ChannelView;
  messages: MessageView[];
}

export interface FormView { callbackId: string; title: string; submitLabel: string; metadata: string | null; html: string }

/** POST /say */
export type SayResult = { kind: 'posted'; messageId: string } | { kind: 'reply' } | { kind: 'form'; form: FormView };
/** POST /action */
export type ClickResult = { kind: 'reply' } | { kind: 'replace' } | { kind: 'form'; form: FormView };
/** POST /shortcut: the answer is a private reply in the channel. */
export type ShortcutResult = { kind: 'reply' };
/** POST /form */
export type SubmitResult = { kind: 'invalid'; errors: Record<string, string> } | { kind: 'done'; html: string };
