import type { HelpEntry } from '../domain/command.js';
import type { PersonRef } from '../domain/product.js';
import { code, context, message, rich, section, user } from '../messages/build.js';
import type { Message, Span } from '../messages/model.js';

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
    section('Sorry, ', problem, '.'),
    help ? { type: 'section', text: rich('Usage: ', ...helpLine(help)) } : section('Try ', code('/po help'), ' for the list of commands.'),
  );
}

export function refusalMessage(what: string, whoMay: string, why?: string): Message {
  return message(
    section(`Only ${whoMay} can ${what}.`),
    ...(why ? [context(why)] : []),
  );
}

export const ONE_PO =
  'A product has exactly one Product Owner — no co-owners, no committee. Handing over replaces the current PO.';

