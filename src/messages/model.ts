/**
 * The platform-neutral message model. Use cases build these; the renderers in
 * src/messages/render-*.ts turn them into Slack Block Kit, Teams Adaptive Cards or
 * playground HTML. Text written by people always travels as a `text` span, never as
 * pre-formatted markup, so every renderer can escape it. Messages are stored as JSON
 * (the outbox, the playground), so a model value must survive a JSON round trip.
 */

export type TextStyle = 'bold' | 'italic' | 'code';

export type Span =
  | { type: 'text'; text: string; style?: TextStyle }
  /** A person, rendered as a real mention on the platform the message goes to. */
  | { type: 'user'; userId: string; name?: string }
  | { type: 'channel'; channelId: string; name?: string }
  | { type: 'link'; url: string; label: string }
  /**
   * A link to another message po-desk sent (by its outbox messageKey). The dispatcher turns it into a
   * `link` to the platform's message once that message is out; renderers show the label if it never is.
   */
  | { type: 'messageLink'; messageKey: string; label: string }
  | {
      type: 'date';
      /** A Date, or its ISO string once the message has been stored (JSON has no dates). */
      at: Date | string;
      timeZone?: string;
    };

export type Rich = Span[];

export interface Confirm {
  title: string;
  text: string;
  confirmLabel: string;
  denyLabel: string;
}

export interface Button {
  actionId: string;
  label: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: Confirm;
  /** Clicking opens a form (Slack: a modal; Teams: a dialog fetched with task/fetch). */
  opensForm?: boolean;
}

export type Block =
  | { type: 'header'; text: string }
  | { type: 'section'; text: Rich }
  | { type: 'fields'; fields: { label: string; value: Rich }[] }
  | { type: 'context'; text: Rich }
  | { type: 'divider' }
  | { type: 'actions'; buttons: Button[] }
  | { type: 'list'; items: Rich[] };

export interface Message {
  blocks: Block[];
}

export interface Option {
  value: string;
  label: string;
}

interface InputBase {
  id: string;
  label: string;
  required?: boolean;
  hint?: string;
}

export type Input =
  | (InputBase & { type: 'text'; multiline?: boolean; maxLength?: number; initial?: string; placeholder?: string })
  | (InputBase & { type: 'select'; options: Option[]; initial?: string })
  | (InputBase & { type: 'date'; initial?: string })
  | (InputBase & { type: 'time'; initial?: string })
  | (InputBase & { type: 'user'; initial?: string });

export interface Form {
  callbackId: string;
  title: string;
  submitLabel: string;
  /** Opaque state carried through the form round trip (e.g. an entity id). */
  metadata?: string;
  /** A command that does what the form does, offered when a platform cannot open the form. */
  typedAlternative?: string;
  inputs: Input[];
}

/** Values read back from a submitted form: input id → value (null when left empty). */
export type FormValues = Record<string, string | null>;
