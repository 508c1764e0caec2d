/**
 * The `/po` command language, independent of the platform that carried it: adapters extract the
 * subcommand, the mentioned users (platform user ids) and the rest of the text.
 */
import { INTERCEPT_MODES, type InterceptMode } from './intake.js';

export type Command =
  | { name: 'help' }
  | { name: 'owner'; userId: string | undefined }
  | { name: 'team'; teamName: string | undefined }
  | { name: 'members'; op: 'list' }
  | { name: 'members'; op: 'add' | 'remove'; userIds: string[] }
  | { name: 'stakeholder'; op: 'list' }
  | { name: 'stakeholder'; op: 'add' | 'remove'; userIds: string[] }
  | { name: 'hours'; text: string | undefined }
  /** `/po hours edit`: the same as a form. */
  | { name: 'hours-form' }
  | { name: 'link'; op: 'invite-workspace' }
  | { name: 'link'; op: 'invite-person'; userId: string }
  | { name: 'link'; op: 'redeem'; code: string; userId: string | undefined }
  | { name: 'ask'; text: string }
  | { name: 'questions' }
  | { name: 'stats'; weeks: string | undefined }
  | { name: 'away'; until: string | undefined; note: string | undefined }
  | { name: 'back' }
  | { name: 'holiday'; op: 'list' }
  | { name: 'holiday'; op: 'add'; date: string; label: string | undefined }
  | { name: 'holiday'; op: 'remove'; date: string }
  | { name: 'target'; text: string | undefined }
  | { name: 'request'; title: string | undefined }
  | { name: 'queue' }
  | { name: 'intercept'; mode: InterceptMode | undefined }
  | { name: 'daily'; text: string | undefined }
  | { name: 'refine'; text: string | undefined }
  | { name: 'sprint' }
  | { name: 'review'; op: 'show' | 'move' | 'cancel' | 'note'; text: string }
  | { name: 'digest'; at: string | undefined }
  | { name: 'dashboard' };

export type Subcommand =
  | 'help' | 'ask' | 'request' | 'questions' | 'queue' | 'stats' | 'digest' | 'sprint'
  | 'owner' | 'team' | 'members' | 'stakeholder' | 'hours' | 'link' | 'away' | 'back' | 'target' | 'daily' | 'intercept' | 'holiday'
  | 'refine' | 'review' | 'dashboard';

export interface HelpEntry {
  sub: Subcommand;
  usage: string;
  example: string;
  summary: string;
  available: boolean;
}

/** Every subcommand of the runtime contract; `available` marks those this build implements. */
export const HELP: HelpEntry[] = [
  { sub: 'help', usage: 'help', example: '/po help', summary: 'Show this list.', available: true },
  { sub: 'owner', usage: 'owner [@user]', example: '/po owner @pat', summary: 'Show or hand over the Product Owner role (one per product).', available: true },
  { sub: 'team', usage: 'team <name>', example: '/po team Checkout', summary: "Make this channel one of the product's teams.", available: true },
  { sub: 'members', usage: 'members [add|remove @user…]', example: '/po members add @alice @bob', summary: "Show or change this team's roster.", available: true },
  { sub: 'stakeholder', usage: 'stakeholder add|remove|list [@user…]', example: '/po stakeholder add @sam', summary: "Manage the product's stakeholders.", available: true },
  { sub: 'hours', usage: 'hours [edit | HH:MM-HH:MM [days] [time zone]]', example: '/po hours 08:30-16:30 mon-fri Europe/Berlin', summary: 'Show or set your working hours (used for response times and reminders).', available: true },
  { sub: 'link', usage: 'link [@user | <code> [@user]]', example: '/po link', summary: 'Connect another workspace (e.g. Teams) to this product, or make two accounts of one person the same person.', available: true },
  { sub: 'ask', usage: 'ask <question>', example: '/po ask Should guests see prices?', summary: 'Ask the PO a question from your team channel (or @mention po-desk with a question ending in "?").', available: true },
  { sub: 'questions', usage: 'questions', example: '/po questions', summary: 'List open questions to the PO, oldest first.', available: true },
  { sub: 'stats', usage: 'stats [weeks]', example: '/po stats 8', summary: "Show the PO's response times (default: the last 4 weeks).", available: true },
  { sub: 'away', usage: 'away <last day away YYYY-MM-DD> [note]', example: '/po away 2026-12-04 Conference in Lisbon', summary: 'PO only: askers are told when you are back; the response clock pauses.', available: true },
  { sub: 'back', usage: 'back', example: '/po back', summary: 'PO only: end an absence early.', available: true },
  { sub: 'target', usage: 'target [hours]', example: '/po target 4', summary: "Show or set the PO's response target in working hours (default 4).", available: true },
  { sub: 'holiday', usage: 'holiday add|list|remove [YYYY-MM-DD] [name]', example: '/po holiday add 2026-12-25 Christmas', summary: "Days nobody works: response times and reminders skip them.", available: true },
  { sub: 'request', usage: 'request [title]', example: '/po request Export to CSV', summary: "Send a work request to the PO's intake queue (a form).", available: true },
  { sub: 'queue', usage: 'queue', example: '/po queue', summary: "The PO: requests waiting for a decision. Everyone else: your requests and where they stand.", available: true },
  { sub: 'intercept', usage: 'intercept [off|nudge|auto]', example: '/po intercept auto', summary: 'Show or choose how work requests from people outside the team are caught in this channel (default nudge).', available: true },
  { sub: 'daily', usage: 'daily [HH:MM [days] [time zone] [Nmin] | off]', example: '/po daily 09:30 mon-fri Europe/Berlin', summary: "Show or set this team's Daily Scrum: a reminder (10 min before) asks where the team needs the PO today.", available: true },
  { sub: 'refine', usage: 'refine [note | off]', example: '/po refine The refund rules need splitting before Thursday', summary: "PO only: tell this team in its Daily Scrum reminders where you need its help with refinement (5 working days).", available: true },
  { sub: 'sprint', usage: 'sprint', example: '/po sprint', summary: 'Set the sprint cadence (a form), or show the current sprint, the next review and its RSVPs.', available: true },
  { sub: 'review', usage: 'review [move YYYY-MM-DD HH:MM | cancel | note <text>]', example: '/po review move 2026-12-17 15:00', summary: 'The next sprint review: move or cancel it, or tell stakeholders what the teams plan to show (PO or admin).', available: true },
  { sub: 'digest', usage: 'digest [at <weekday> <HH:MM>]', example: '/po digest at mon 08:30', summary: "PO only: the week at a glance now, privately, or when it comes as a DM (default Monday 08:30).", available: true },
  { sub: 'dashboard', usage: 'dashboard', example: '/po dashboard', summary: "Your desk: the PO's open questions, requests to decide, this week and the next review; anyone else's own questions and requests (Slack: the app's Home tab).", available: true },
];

/** Subcommands whose arguments are free text a person wrote (a question, an away note): mentions stay as names. */
export const takesFreeText = (sub: string) => ['ask', 'away', 'request', 'refine', 'review'].includes(sub);

export function helpFor(sub: string): HelpEntry | undefined {
  return HELP.find((h) => h.sub === sub);
}

export type ParseResult =
  | { ok: true; command: Command }
  | { ok: false; problem: string; help: HelpEntry | undefined };

export interface CommandInput {
  sub: string;
  /** Text after the subcommand with mentions removed. */
  rest: string;
  /** Mentioned platform user ids, in order, without duplicates. */
  userIds: string[];
  /** The arguments as a person reads them (mentions kept as @name), for free text such as a question. */
  text?: string;
}

export function parseCommand({ sub, rest, userIds, text }: CommandInput): ParseResult {
  const fail = (problem: string, s = sub): ParseResult => ({ ok: false, problem, help: helpFor(s) });
  const words = rest.split(/\s+/).filter(Boolean);
  switch (sub) {
    case '':
    case 'help':
      return { ok: true, command: { name: 'help' } };
    case 'owner':
      if (userIds.length > 1) return fail('a product has exactly one Product Owner: mention one person');
      if (userIds.length === 0 && words.length > 0) return fail(`mention the new PO with @, e.g. @pat (got "${rest}")`);
      return { ok: true, command: { name: 'owner', userId: userIds[0] } };
    case 'team': {
      const teamName = rest.trim();
      return { ok: true, command: { name: 'team', teamName: teamName === '' ? undefined : teamName } };
    }
    case 'members':
    case 'stakeholder': {
      const op = words[0]?.toLowerCase();
      if (op === undefined || op === 'list') return { ok: true, command: { name: sub, op: 'list' } };
      if (op !== 'add' && op !== 'remove') return fail(`"${words[0]}" is not something ${sub} can do: use add, remove or list`);
      if (userIds.length === 0) return fail(`mention at least one person to ${op}, e.g. @alice`);
      return { ok: true, command: { name: sub, op, userIds } };
    }
    case 'hours':
      if (rest.trim().toLowerCase() === 'edit') return { ok: true, command: { name: 'hours-form' } };
      return { ok: true, command: { name: 'hours', text: rest.trim() === '' ? undefined : rest.trim() } };
    case 'link': {
      if (words.length === 0) {
        if (userIds.length > 1) return fail('mention one person whose accounts you want to link');
        return { ok: true, command: userIds[0] ? { name: 'link', op: 'invite-person', userId: userIds[0] } : { name: 'link', op: 'invite-workspace' } };
      }
      const code = normaliseLinkCode(words.join(''));
      if (!code) return fail(`"${rest}" is not a link code: codes look like PO-ABCD-EFGH`);
      if (userIds.length > 1) return fail('mention one account to link');
      return { ok: true, command: { name: 'link', op: 'redeem', code, userId: userIds[0] } };
    }
    case 'ask':
      return { ok: true, command: { name: 'ask', text: text ?? rest } };
    case 'questions':
      return { ok: true, command: { name: 'questions' } };
    case 'stats':
      if (words.length > 1) return fail('give the number of weeks, e.g. `/po stats 8`');
      return { ok: true, command: { name: 'stats', weeks: words[0] } };
    case 'away': {
      const [until, ...note] = (text ?? rest).trim().split(/\s+/);
      return { ok: true, command: { name: 'away', until: until || undefined, note: note.join(' ') || undefined } };
    }
    case 'back':
      return { ok: true, command: { name: 'back' } };
    case 'target':
      return { ok: true, command: { name: 'target', text: rest.trim() || undefined } };
    case 'holiday': {
      const op = words[0]?.toLowerCase();
      if (op === undefined || op === 'list') return { ok: true, command: { name: 'holiday', op: 'list' } };
      if (op !== 'add' && op !== 'remove') return fail(`"${words[0]}" is not something holiday can do: use add, remove or list`);
      const date = words[1];
      if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return fail(`give the date as YYYY-MM-DD, e.g. \`/po holiday ${op} 2026-12-25\``);
      if (op === 'remove') return { ok: true, command: { name: 'holiday', op, date } };
      return { ok: true, command: { name: 'holiday', op, date, label: words.slice(2).join(' ') || undefined } };
    }
    case 'request': {
      const title = (text ?? rest).trim();
      return { ok: true, command: { name: 'request', title: title === '' ? undefined : title } };
    }
    case 'queue':
      return { ok: true, command: { name: 'queue' } };
    case 'intercept': {
      const word = words[0]?.toLowerCase();
      if (word === undefined) return { ok: true, command: { name: 'intercept', mode: undefined } };
      if (words.length > 1 || !(INTERCEPT_MODES as string[]).includes(word)) return fail(`"${rest.trim()}" is not a mode: use off, nudge or auto`);
      return { ok: true, command: { name: 'intercept', mode: word as InterceptMode } };
    }
    case 'daily':
      return { ok: true, command: { name: 'daily', text: rest.trim() || undefined } };
    case 'refine':
      return { ok: true, command: { name: 'refine', text: (text ?? rest).trim() || undefined } };
    case 'sprint':
      return { ok: true, command: { name: 'sprint' } };
    case 'digest': {
      const [first, ...more] = words;
      if (first === undefined) return { ok: true, command: { name: 'digest', at: undefined } };
      if (first.toLowerCase() !== 'at') return fail('use `/po digest` for the digest now, or `/po digest at mon 08:30` to schedule it');
      return { ok: true, command: { name: 'digest', at: more.join(' ') } };
    }
    case 'dashboard':
      return { ok: true, command: { name: 'dashboard' } };
    case 'review': {
      const { sub: op, args } = splitCommand(text ?? rest);
      if (op === '') return { ok: true, command: { name: 'review', op: 'show', text: '' } };
      if (op !== 'move' && op !== 'cancel' && op !== 'note') return fail(`"${op}" is not something review can do: use move, cancel or note`);
      return { ok: true, command: { name: 'review', op, text: args } };
    }
    default: {
      const known = helpFor(sub);
      if (known) return fail(`\`/po ${sub}\` is not available in this version of po-desk yet`, sub);
      return { ok: false, problem: `there is no \`/po ${sub}\` command`, help: undefined };
    }
  }
}

/** Splits command text (after the platform stripped its own syntax) into the subcommand and its arguments. */
export interface CommandWords {
  /** The first word, lowercased; '' for empty text. */
  sub: string;
  /** Everything after the first word, trimmed (inner whitespace kept). */
  args: string;
}

export function splitCommand(text: string): CommandWords {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  if (!match) return { sub: '', args: '' };
  const [, sub = '', args = ''] = match;
  return { sub: sub.toLowerCase(), args: args.trim() };
}

/** Link codes: "PO-" and eight letters or digits without look-alikes (0/O, 1/I/L). */
export const LINK_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** The canonical spelling of a typed code ("po-abcd efgh", "POABCDEFGH" → "PO-ABCD-EFGH"), or undefined. */
export function normaliseLinkCode(text: string): string | undefined {
  const m = /^PO-?([A-Z0-9]{4})-?([A-Z0-9]{4})$/.exec(text.trim().toUpperCase());
  if (!m) return undefined;
  const body = `${m[1]}${m[2]}`;
  return [...body].every((c) => LINK_CODE_ALPHABET.includes(c)) ? `PO-${m[1]}-${m[2]}` : undefined;
}
