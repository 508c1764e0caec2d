import { UserError } from '../user-error.js';
import type { HelpEntry } from '../domain/command.js';
import type { PersonRef } from '../domain/product.js';
import { actions, code, context, message, rich, section, user } from '../messages/build.js';
import type { Block, Form, Message, Span } from '../messages/model.js';

export const mention = (p: PersonRef): Span => user(p.platformUserId, p.displayName);

/** "@a, @b and @c" as spans. */
export function mentionList(people: PersonRef[]): Span[] {
  const out: Span[] = [];
  people.forEach((p, i) => {
    if (i > 0) out.push({ type: 'text', text: i === people.length - 1 ? ' and ' : ', ' });
    out.push(mention(p));
  });
  return out;
}

export function helpLine(h: HelpEntry): Span[] {
  return rich(code(`/po ${h.usage}`), ` — ${h.summary} e.g. `, code(h.example));
}

export function problemMessage(problem: string, help: HelpEntry | undefined): Message {
  return message(
    section('Sorry, ', ...withCode(problem), '.'),
    help ? { type: 'section', text: rich('Usage: ', ...helpLine(help)) } : section('Try ', code('/po help'), ' for the list of commands.'),
  );
}

export function refusalMessage(what: string, whoMay: string, why?: string): Message {
  return message(
    section(`Only ${whoMay} can ${what}.`),
    ...(why ? [context(why)] : []),
  );
}

/** The answer to a command that needs a product, in a workspace that has none yet. */
export const NOT_SET_UP = message(section('po-desk is not set up in this workspace yet: start with ', code('/po owner @someone'), '.'));

export const ONE_PO =
  'A product has exactly one Product Owner — no co-owners, no committee. Handing over replaces the current PO.';


/** An Undo button for a change that is easy to make by mistake; the value says what to put back. */
export const undoButton = (actionId: string, value: string): Block => actions({ actionId, label: 'Undo', value });

/** A form that could not be shown: nothing was changed, and the command that does the same, when there is one. */
export function formNotShown(form: Form, reason: string): Message {
  const typed = form.typedAlternative;
  return message(
    section(`Sorry, I could not open the “${form.title}” form: ${reason}. Nothing was changed.`),
    typed ? section('You can type it instead, with your own values: ', code(typed)) : section('Please try again in a moment.'),
  );
}

const APOLOGY = 'Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.';

/** What a person is told when their command, click or form failed: their mistake, or a short apology (logged). */
export function errorText(error: unknown, log: { error(details: object, text: string): void }): string {
  if (error instanceof UserError) return error.message;
  log.error({ err: error }, 'request failed');
  return APOLOGY;
}

/** The one error boundary of a command or a click, as a reply. */
export function replyForError(error: unknown, log: { error(details: object, text: string): void }): Message {
  return message(section(...withCode(errorText(error, log))));
}

/**
 * Our one-line texts write commands in backticks ("run `/po team <name>`"). As code spans they look
 * like code on every platform, instead of showing the backticks where Markdown is not read (Teams cards).
 */
export function withCode(text: string): Span[] {
  return text.split(/`([^`]+)`/).flatMap((part, i): Span[] => (part === '' ? [] : [i % 2 === 1 ? code(part) : { type: 'text', text: part }]));
}
