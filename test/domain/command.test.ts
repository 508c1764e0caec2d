import { describe, expect, it } from 'vitest';

import { HELP, helpFor, LINK_CODE_ALPHABET, normaliseLinkCode, parseCommand, splitCommand, type CommandInput, type ParseResult } from '../../src/domain/command.js';

const CONTRACT = [
  'help', 'ask', 'request', 'questions', 'queue', 'stats', 'digest', 'sprint',
  'owner', 'team', 'members', 'stakeholder', 'hours', 'link', 'away', 'daily', 'intercept', 'holiday',
] as const;

const parseText = (sub: string, rest: string, text: string | undefined): ParseResult => parseCommand({ sub, rest, userIds: [], text });

/** What this build implements, in the order /po help lists it. */
const AVAILABLE = ['help', 'owner', 'team', 'members', 'stakeholder', 'hours', 'link', 'ask', 'questions', 'stats', 'away', 'back', 'target', 'holiday', 'request', 'queue', 'intercept', 'daily', 'refine', 'sprint', 'review', 'digest', 'dashboard'];

const parse = (sub: string, rest = '', userIds: string[] = []): ParseResult => parseCommand({ sub, rest, userIds } satisfies CommandInput);

function problemOf(result: ParseResult): { problem: string; helpSub: string | undefined } {
  if (result.ok) throw new Error(`expected a problem, got ${JSON.stringify(result.command)}`);
  return { problem: result.problem, helpSub: result.help?.sub };
}

describe('parseCommand: help', () => {
  it('treats an empty subcommand and "help" as help, ignoring the rest', () => {
    expect(parse('')).toEqual({ ok: true, command: { name: 'help' } });
    expect(parse('help')).toEqual({ ok: true, command: { name: 'help' } });
    expect(parse('help', 'owner please', ['U1'])).toEqual({ ok: true, command: { name: 'help' } });
  });
});

describe('parseCommand: owner', () => {
  it('shows the PO without a mention', () => {
    expect(parse('owner')).toEqual({ ok: true, command: { name: 'owner', userId: undefined } });
    expect(parse('owner', '   ')).toEqual({ ok: true, command: { name: 'owner', userId: undefined } });
  });

  it('hands over to the one mentioned person, ignoring words around the mention', () => {
    expect(parse('owner', '', ['U1'])).toEqual({ ok: true, command: { name: 'owner', userId: 'U1' } });
    expect(parse('owner', 'is now', ['U1'])).toEqual({ ok: true, command: { name: 'owner', userId: 'U1' } });
  });

  it('refuses more than one mention', () => {
    expect(problemOf(parse('owner', '', ['U1', 'U2']))).toEqual({
      problem: 'a product has exactly one Product Owner: mention one person',
      helpSub: 'owner',
    });
  });

  it('refuses a plain name instead of a mention, quoting it', () => {
    expect(problemOf(parse('owner', 'pat'))).toEqual({ problem: 'mention the new PO with @, e.g. @pat (got "pat")', helpSub: 'owner' });
  });
});

describe('parseCommand: team', () => {
  it('takes the trimmed rest as the team name, keeping inner spaces', () => {
    expect(parse('team', '  Checkout  Europe ')).toEqual({ ok: true, command: { name: 'team', teamName: 'Checkout  Europe' } });
  });

  it('has no name when nothing follows', () => {
    expect(parse('team')).toEqual({ ok: true, command: { name: 'team', teamName: undefined } });
    expect(parse('team', ' \t ')).toEqual({ ok: true, command: { name: 'team', teamName: undefined } });
  });
});

describe.each(['members', 'stakeholder'] as const)('parseCommand: %s', (sub) => {
  it('lists without an operation or with "list"', () => {
    expect(parse(sub)).toEqual({ ok: true, command: { name: sub, op: 'list' } });
    expect(parse(sub, 'list')).toEqual({ ok: true, command: { name: sub, op: 'list' } });
    expect(parse(sub, 'LIST')).toEqual({ ok: true, command: { name: sub, op: 'list' } });
  });

  it('adds and removes the mentioned people, in any letter case', () => {
    expect(parse(sub, 'add', ['U1', 'U2'])).toEqual({ ok: true, command: { name: sub, op: 'add', userIds: ['U1', 'U2'] } });
    expect(parse(sub, 'Remove', ['U3'])).toEqual({ ok: true, command: { name: sub, op: 'remove', userIds: ['U3'] } });
  });

  it('refuses add or remove without a mention', () => {
    expect(problemOf(parse(sub, 'add'))).toEqual({ problem: 'mention at least one person to add, e.g. @alice', helpSub: sub });
    expect(problemOf(parse(sub, 'remove'))).toEqual({ problem: 'mention at least one person to remove, e.g. @alice', helpSub: sub });
  });

  it('refuses an unknown operation, quoting it as typed', () => {
    expect(problemOf(parse(sub, 'Kick', ['U1']))).toEqual({
      problem: `"Kick" is not something ${sub} can do: use add, remove or list`,
      helpSub: sub,
    });
  });
});

describe('parseCommand: hours', () => {
  it('passes the trimmed text on, or nothing to show the current hours', () => {
    expect(parse('hours', ' 09:00-17:00 mon-fri ')).toEqual({ ok: true, command: { name: 'hours', text: '09:00-17:00 mon-fri' } });
    expect(parse('hours', '  ')).toEqual({ ok: true, command: { name: 'hours', text: undefined } });
  });

  it.each(['edit', 'EDIT', 'Edit', '  edit  '])('opens the form for %j', (rest) => {
    expect(parse('hours', rest)).toEqual({ ok: true, command: { name: 'hours-form' } });
  });

  it('takes "edit" only on its own, not as part of hours', () => {
    expect(parse('hours', 'edit 09:00-17:00')).toEqual({ ok: true, command: { name: 'hours', text: 'edit 09:00-17:00' } });
  });
});

describe('parseCommand: link', () => {
  it('invites another workspace without arguments', () => {
    expect(parse('link')).toEqual({ ok: true, command: { name: 'link', op: 'invite-workspace' } });
    expect(parse('link', '  ')).toEqual({ ok: true, command: { name: 'link', op: 'invite-workspace' } });
  });

  it('invites the accounts of the one mentioned person', () => {
    expect(parse('link', '', ['U1'])).toEqual({ ok: true, command: { name: 'link', op: 'invite-person', userId: 'U1' } });
  });

  it('refuses two mentions without a code', () => {
    const { problem, helpSub } = problemOf(parse('link', '', ['U1', 'U2']));
    expect(problem).toMatch(/mention one person/);
    expect(helpSub).toBe('link');
  });

  it.each(['po-abcd-efgh', 'POABCDEFGH', 'PO-ABCD EFGH', ' PO-ABCD-EFGH ', 'PO ABCD EFGH', 'poabcd-efgh'])('redeems %j as the canonical PO-ABCD-EFGH', (typed) => {
    expect(parse('link', typed)).toEqual({ ok: true, command: { name: 'link', op: 'redeem', code: 'PO-ABCD-EFGH', userId: undefined } });
  });

  it('redeems a code for the mentioned account', () => {
    expect(parse('link', 'po-abcd-efgh', ['U2'])).toEqual({ ok: true, command: { name: 'link', op: 'redeem', code: 'PO-ABCD-EFGH', userId: 'U2' } });
  });

  it('refuses a code with two mentions', () => {
    expect(problemOf(parse('link', 'PO-ABCD-EFGH', ['U1', 'U2']))).toEqual({ problem: 'mention one account to link', helpSub: 'link' });
  });

  it.each(['PO-ABC0-EFGH', 'hello', 'PO-ABCD-EFG', 'PO-ABCD-EFGHJ', 'XX-ABCD-EFGH', 'PO-ABCD-EFGH-JKMN'])('refuses %j, showing what a code looks like', (typed) => {
    const { problem, helpSub } = problemOf(parse('link', typed, ['U1']));
    expect(problem).toContain(typed);
    expect(problem).toContain('PO-ABCD-EFGH');
    expect(helpSub).toBe('link');
  });
});

describe('normaliseLinkCode', () => {
  it('uppercases, trims and puts the dashes in', () => {
    expect(normaliseLinkCode('po-abcd-efgh')).toBe('PO-ABCD-EFGH');
    expect(normaliseLinkCode('POABCDEFGH')).toBe('PO-ABCD-EFGH');
    expect(normaliseLinkCode('PO-ABCDEFGH')).toBe('PO-ABCD-EFGH');
    expect(normaliseLinkCode('POABCD-EFGH')).toBe('PO-ABCD-EFGH');
    expect(normaliseLinkCode('  Po-2345-6789\n')).toBe('PO-2345-6789');
  });

  it.each(['O', 'I', 'L', '0', '1'])('refuses the look-alike %s anywhere in the code', (c) => {
    expect(normaliseLinkCode(`PO-${c}BCD-EFGH`)).toBeUndefined();
    expect(normaliseLinkCode(`PO-ABCD-EFG${c}`)).toBeUndefined();
    expect(normaliseLinkCode(`PO-ABCD-EFG${c.toLowerCase()}`)).toBeUndefined();
  });

  it('refuses other shapes', () => {
    for (const text of ['', 'PO-', 'ABCD-EFGH', 'PO-ABC-EFGH', 'PO-ABCD-EFGHJ', 'PO--ABCD-EFGH', 'PO-ABCD--EFGH', 'PO-AB_D-EFGH', 'PO-ABCD EFGH', 'XPO-ABCD-EFGH']) {
      expect({ text, code: normaliseLinkCode(text) }).toEqual({ text, code: undefined });
    }
  });

  it('accepts every letter of the alphabet, which has no look-alikes', () => {
    expect(LINK_CODE_ALPHABET).toBe('ABCDEFGHJKMNPQRSTUVWXYZ23456789');
    expect(LINK_CODE_ALPHABET).not.toMatch(/[OIL01]/);
    expect(new Set(LINK_CODE_ALPHABET).size).toBe(LINK_CODE_ALPHABET.length);
    for (const c of LINK_CODE_ALPHABET) expect(normaliseLinkCode(`po-${c}${c}${c}${c}-${c}${c}${c}${c}`.toLowerCase())).toBe(`PO-${c}${c}${c}${c}-${c}${c}${c}${c}`);
  });
});

describe('parseCommand: unavailable and unknown subcommands', () => {
  const unavailable = HELP.filter((h) => !h.available).map((h) => h.sub);

  it('has contract subcommands that this build does not implement yet', () => {
    expect(unavailable).toEqual([]);
  });

  it.each(unavailable)('says /po %s is known but not available yet, with its help', (sub) => {
    expect(problemOf(parse(sub, 'anything', ['U1']))).toEqual({
      problem: `\`/po ${sub}\` is not available in this version of po-desk yet`,
      helpSub: sub,
    });
  });

  it('says an unknown subcommand does not exist, without help', () => {
    expect(parse('frobnicate', 'x')).toEqual({ ok: false, problem: 'there is no `/po frobnicate` command', help: undefined });
  });

  it('does not mistake a prefix or a plural for a known subcommand', () => {
    expect(parse('own')).toMatchObject({ ok: false, help: undefined });
    expect(parse('teams')).toMatchObject({ ok: false, help: undefined });
  });
});

describe('HELP', () => {
  it.each(CONTRACT)('has an entry for /po %s', (sub) => {
    const entry = helpFor(sub);
    expect(entry).toBeDefined();
    expect(entry!.usage.startsWith(sub)).toBe(true);
    expect(entry!.example.startsWith(`/po ${sub}`)).toBe(true);
    expect(entry!.summary.length).toBeGreaterThan(0);
  });

  it('has one entry per subcommand', () => {
    const subs = HELP.map((h) => h.sub);
    expect(new Set(subs).size).toBe(subs.length);
  });

  it('marks as available exactly the subcommands parseCommand implements', () => {
    for (const entry of HELP) {
      const result = parse(entry.sub);
      const notAvailable = !result.ok && result.problem.includes('is not available');
      expect({ sub: entry.sub, available: !notAvailable }).toEqual({ sub: entry.sub, available: entry.available });
    }
  });

  it('implements exactly the basics of this build, listed in the order people need them', () => {
    expect(HELP.filter((h) => h.available).map((h) => h.sub)).toEqual(AVAILABLE);
    expect(HELP.slice(0, AVAILABLE.length).map((h) => h.sub)).toEqual(AVAILABLE); // available entries come first
  });

  it('has no entry for unknown subcommands', () => {
    expect(helpFor('frobnicate')).toBeUndefined();
    expect(helpFor('')).toBeUndefined();
  });
});

describe('splitCommand', () => {
  it('lowercases the subcommand and trims the arguments', () => {
    expect(splitCommand('ASK <@U1> what is the goal?')).toEqual({ sub: 'ask', args: '<@U1> what is the goal?' });
  });

  it('handles leading, trailing and repeated whitespace of any kind', () => {
    expect(splitCommand('  \t Status \n\n  sprint   42 \t\n')).toEqual({ sub: 'status', args: 'sprint   42' });
  });

  it('keeps newlines inside the arguments', () => {
    expect(splitCommand('note first line\nsecond line')).toEqual({ sub: 'note', args: 'first line\nsecond line' });
  });

  it('returns an empty subcommand for empty or blank text', () => {
    expect(splitCommand('')).toEqual({ sub: '', args: '' });
    expect(splitCommand(' \t\n ')).toEqual({ sub: '', args: '' });
  });

  it('returns empty args for a lone word', () => {
    expect(splitCommand('help')).toEqual({ sub: 'help', args: '' });
    expect(splitCommand('\nHELP\n')).toEqual({ sub: 'help', args: '' });
  });

  it('treats a non-breaking space as whitespace', () => {
    expect(splitCommand('ask\u00a0now')).toEqual({ sub: 'ask', args: 'now' });
  });
});

describe('parseCommand: questions to the PO', () => {
  it('asks with the readable text when the surface gives it, else the rest', () => {
    expect(parseText('ask', 'Can  help?', 'Can @Bob help?')).toEqual({ ok: true, command: { name: 'ask', text: 'Can @Bob help?' } });
    expect(parseText('ask', 'Should guests see prices?', undefined)).toEqual({ ok: true, command: { name: 'ask', text: 'Should guests see prices?' } });
  });

  it('leaves an empty question to the use case, which explains the problem', () => {
    expect(parseText('ask', '', '')).toEqual({ ok: true, command: { name: 'ask', text: '' } });
  });

  it('reads /po stats with an optional number of weeks, refusing more words', () => {
    expect(parse('stats')).toEqual({ ok: true, command: { name: 'stats', weeks: undefined } });
    expect(parse('stats', '8')).toEqual({ ok: true, command: { name: 'stats', weeks: '8' } });
    expect(problemOf(parse('stats', '8 weeks')).problem).toContain('number of weeks');
  });

  it('reads /po away as the last day and an optional note keeping its words', () => {
    expect(parseText('away', '2026-12-04 Conference in Lisbon', '2026-12-04 Conference  in Lisbon')).toEqual({
      ok: true,
      command: { name: 'away', until: '2026-12-04', note: 'Conference in Lisbon' },
    });
    expect(parse('away')).toEqual({ ok: true, command: { name: 'away', until: undefined, note: undefined } });
  });

  it('reads /po holiday add, remove and list, refusing a date in another format', () => {
    expect(parse('holiday')).toEqual({ ok: true, command: { name: 'holiday', op: 'list' } });
    expect(parse('holiday', 'add 2026-12-25 Christmas Day')).toEqual({ ok: true, command: { name: 'holiday', op: 'add', date: '2026-12-25', label: 'Christmas Day' } });
    expect(parse('holiday', 'remove 2026-12-25')).toEqual({ ok: true, command: { name: 'holiday', op: 'remove', date: '2026-12-25' } });
    expect(problemOf(parse('holiday', 'add 25.12.2026')).problem).toContain('YYYY-MM-DD');
    expect(problemOf(parse('holiday', 'delete 2026-12-25')).problem).toContain('"delete"');
  });

  it('reads /po back and /po target', () => {
    expect(parse('back')).toEqual({ ok: true, command: { name: 'back' } });
    expect(parse('target', ' 4 ')).toEqual({ ok: true, command: { name: 'target', text: '4' } });
    expect(parse('target')).toEqual({ ok: true, command: { name: 'target', text: undefined } });
  });
});
