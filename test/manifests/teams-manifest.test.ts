import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';

import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { drawTeamsIcons, type Icon } from '../../scripts/make-teams-icons.js';
import { MANIFEST_DIR, PackageError, packageTeamsApp, PLACEHOLDER_APP_ID, validateTeamsManifest } from '../../scripts/package-teams.js';
import { ASK_PO_COMMAND, SEND_TO_INTAKE_COMMAND } from '../../src/adapters/teams/teams-turn.js';
import { showHelp } from '../../src/app/show-help.js';
import { HELP, parseCommand } from '../../src/domain/command.js';
import { renderTeamsCard } from '../../src/messages/render-teams.js';
import { cardText } from '../support/fake-bot-connector.js';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const SCOPES = ['team', 'personal', 'groupChat'] as const;
type Scope = (typeof SCOPES)[number];
/** What this build implements, in HELP's order: help first, then the order a product is set up in. */
const AVAILABLE = HELP.filter((entry) => entry.available).map((entry) => entry.sub);
/** The schema's limit on a command list (checked below: the validator enforces it). */
const MAX_COMMANDS = 10;

/**
 * A scope's command list is a menu, not the manual: it holds at most 10 commands, fewer than po-desk has.
 * So each list is every available subcommand, in HELP order, except the ones left out here, each for a
 * reason. `help` (`/po help`) lists them all, in every scope.
 */
const PO_SETTINGS = "the PO's own settings: they are in the list of the PO's 1:1 chat with po-desk";
/** Each list holds at most 10 commands (the schema's limit): every command works typed, listed or not. */
const IN_YOUR_CHAT = 'a setting for the 1:1 chat with po-desk, where it is listed; typed, it works here too';
const IN_A_TEAM = "the list keeps a team conversation's ten most used; typed, it works here too";
const MOST_USED_HERE = "the list keeps the 1:1 chat's ten most used; typed, it works";
const IN_A_CHANNEL = 'acts on a team channel, where it is listed; typed here, it says so';

const LEFT_OUT: Record<Scope, Record<string, string>> = {
  team: {
    stakeholder: IN_A_TEAM, questions: IN_A_TEAM,
    hours: IN_YOUR_CHAT, link: IN_YOUR_CHAT, stats: IN_YOUR_CHAT, away: PO_SETTINGS, back: PO_SETTINGS, target: PO_SETTINGS, holiday: PO_SETTINGS, sprint: IN_YOUR_CHAT, review: IN_YOUR_CHAT,
    digest: IN_YOUR_CHAT, dashboard: IN_YOUR_CHAT,
  },
  groupChat: {
    team: IN_A_CHANNEL, members: IN_A_CHANNEL, intercept: IN_A_CHANNEL, refine: IN_A_CHANNEL,
    hours: IN_YOUR_CHAT, link: IN_YOUR_CHAT, stats: IN_YOUR_CHAT, away: PO_SETTINGS, back: PO_SETTINGS, sprint: IN_YOUR_CHAT, review: IN_YOUR_CHAT,
    digest: IN_YOUR_CHAT, dashboard: IN_YOUR_CHAT,
  },
  personal: {
    owner: 'names a person: handing over happens in a team channel, where po-desk can find them; typed, it shows who the PO is',
    team: IN_A_CHANNEL, members: IN_A_CHANNEL, stakeholder: IN_A_CHANNEL, ask: IN_A_CHANNEL, intercept: IN_A_CHANNEL, daily: IN_A_CHANNEL, refine: IN_A_CHANNEL,
    questions: MOST_USED_HERE, request: MOST_USED_HERE, queue: MOST_USED_HERE, target: MOST_USED_HERE, holiday: MOST_USED_HERE,
  },
};

interface Manifest {
  id: string;
  icons: { color: string; outline: string };
  bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[] }[];
  composeExtensions?: { botId: string; composeExtensionType?: string; commands: { id: string; type?: string; title: string; context?: string[]; fetchTask?: boolean; parameters?: unknown[] }[] }[];
  webApplicationInfo?: { id: string; resource?: string };
  authorization?: { permissions?: { resourceSpecific?: { name: string; type: string }[] } };
}

/** Whether po-desk answers `sub` with "not available in this version yet". */
function parseUnavailable(sub: string): boolean {
  const result = parseCommand({ sub, rest: '', userIds: [] });
  return !result.ok && result.problem.includes('is not available');
}

async function readManifest(dir = MANIFEST_DIR): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

interface Png extends Icon {
  colourType: number;
}

/** Decodes the PNGs make-teams-icons writes: 8-bit, not interlaced, any of the five scanline filters. */
function decodePng(bytes: Uint8Array): Png {
  const data = Buffer.from(bytes);
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let at = 8; at < data.length; ) {
    const length = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    expect(data.readUInt32BE(at + 8 + length), `CRC of ${type}`).toBe(crc32(data.subarray(at + 4, at + 8 + length)));
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') idat.push(body);
    at += 12 + length;
  }
  if (!header) throw new Error('no IHDR chunk');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [bitDepth, colourType, , , interlace] = header.subarray(8);
  expect({ bitDepth, interlace }).toEqual({ bitDepth: 8, interlace: 0 });
  const channels = colourType === 6 ? 4 : colourType === 2 ? 3 : NaN;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((stride + 1) * height);

  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const upLeft = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = left + up - upLeft;
      const paeth = [left, up, upLeft].sort((a, b) => Math.abs(p - a) - Math.abs(p - b))[0]!;
      const predictor = [0, left, up, (left + up) >> 1, paeth][filter!];
      if (predictor === undefined) throw new Error(`row ${y}: unknown filter type ${filter}`);
      pixels[y * stride + x] = (raw[y * (stride + 1) + 1 + x]! + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set(pixels.subarray(i * channels, i * channels + 3), i * 4);
    rgba[i * 4 + 3] = channels === 4 ? pixels[i * channels + 3]! : 255;
  }
  return { width, height, colourType: colourType!, rgba };
}

describe('Teams app manifest', () => {
  let manifest: Manifest;

  beforeAll(async () => {
    manifest = await readManifest();
  });

  it('is valid against the Teams manifest schema 1.17', async () => {
    expect(await validateTeamsManifest(manifest)).toEqual([]);
  });

  it('uses a validator that enforces the schema (e.g. at most 10 commands per list)', async () => {
    const tooMany = structuredClone(manifest);
    const commands = tooMany.bots[0]!.commandLists[0]!.commands;
    while (commands.length < 11) commands.push({ title: `extra${commands.length}`, description: 'One command too many' });

    expect(await validateTeamsManifest(tooMany)).toEqual(['/bots/0/commandLists/0/commands: must NOT have more than 10 items']);
    expect(await validateTeamsManifest({ ...manifest, id: 'not-a-guid' })).toEqual(['/id: must match pattern "^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$"']);
  });

  it('offers the bot in teams, personal chats and group chats, with a command list for each scope', () => {
    const [bot] = manifest.bots;

    expect(bot!.scopes).toEqual(SCOPES);
    expect(bot!.commandLists.flatMap((list) => list.scopes).sort()).toEqual([...SCOPES].sort());
    for (const list of bot!.commandLists) {
      expect(list.commands.length, `commands for ${list.scopes.join(', ')}`).toBeLessThanOrEqual(MAX_COMMANDS);
      expect(list.commands[0]?.title).toBe('help');
    }
  });

  it('lists only subcommands that work in this build, never one that answers "not available"', () => {
    const available = new Set<string>(AVAILABLE);
    const titles = manifest.bots[0]!.commandLists.flatMap((list) => list.commands.map((command) => command.title));

    expect(titles.filter((title) => !available.has(title))).toEqual([]);
    for (const title of titles) expect(parseUnavailable(title), title).toBe(false);
  });

  it('lists, for each scope, every available subcommand in HELP order but those left out for a stated reason', () => {
    const listFor = (scope: Scope) => manifest.bots[0]!.commandLists.find((list) => list.scopes.includes(scope))!.commands.map((command) => command.title);

    for (const scope of SCOPES) {
      const leftOut = Object.keys(LEFT_OUT[scope]);
      expect(leftOut.filter((sub) => !AVAILABLE.includes(sub as never)), `stale reasons for ${scope}`).toEqual([]);
      expect(listFor(scope), scope).toEqual(AVAILABLE.filter((sub) => !leftOut.includes(sub)));
    }
  });

  it('leaves no available subcommand out of every list, and none out of help, which lists them all', () => {
    const listed = new Set(manifest.bots[0]!.commandLists.flatMap((list) => list.commands.map((command) => command.title)));
    const help = cardText(renderTeamsCard(showHelp())).split('\n');

    expect(AVAILABLE.filter((sub) => !listed.has(sub))).toEqual([]);
    for (const entry of HELP.filter((h) => h.available)) expect(help.some((line) => line.startsWith(`• /po ${entry.usage} — `)), entry.sub).toBe(true);
  });

  it('describes each command with an example of its arguments where it takes any', () => {
    for (const list of manifest.bots[0]!.commandLists) {
      for (const { title, description } of list.commands) {
        const usage = HELP.find((entry) => entry.sub === title)!.usage;
        if (usage !== title) expect(description, `${title} in ${list.scopes.join(', ')}`).toMatch(new RegExp(`: ${title}( |$)`));
      }
    }
  });

  it('offers "Ask the PO" and "Send to PO intake" as message actions the bot handles at once (no dialog, no parameters)', () => {
    expect(manifest.composeExtensions).toEqual([
      {
        botId: manifest.bots[0]!.botId,
        composeExtensionType: 'botBased',
        commands: [
          {
            id: ASK_PO_COMMAND,
            type: 'action',
            title: 'Ask the PO',
            description: expect.stringMatching(/question/) as unknown,
            context: ['message'],
            // Teams submits a message action with fetchTask false and no parameters straight away (composeExtension/submitAction).
            fetchTask: false,
          },
          {
            id: SEND_TO_INTAKE_COMMAND,
            type: 'action',
            title: 'Send to PO intake',
            description: expect.stringMatching(/intake/) as unknown,
            context: ['message'],
            fetchTask: false,
          },
        ],
      },
    ]);
  });

  it('asks, by resource-specific consent, for the channel messages that do not mention po-desk (answers typed in a question thread)', () => {
    expect(manifest.authorization?.permissions?.resourceSpecific).toEqual([{ name: 'ChannelMessage.Read.Group', type: 'Application' }]);
    // RSC names the app's Azure AD app (for a bot, its app id); Teams wants a `resource`, any string.
    expect(manifest.webApplicationInfo).toEqual({ id: manifest.id, resource: expect.any(String) as unknown });
  });

  it('keeps the all-zero placeholder as app id and bot id (npm run package:teams fills in the real one)', () => {
    expect(manifest.id).toBe('00000000-0000-0000-0000-000000000000');
    expect(manifest.bots[0]!.botId).toBe(manifest.id);
  });
});

describe('Teams app icons', () => {
  let color: Png;
  let outline: Png;

  beforeAll(async () => {
    color = decodePng(await readFile(path.join(MANIFEST_DIR, 'color.png')));
    outline = decodePng(await readFile(path.join(MANIFEST_DIR, 'outline.png')));
  });

  it('has a 192×192 colour icon', () => {
    expect({ width: color.width, height: color.height }).toEqual({ width: 192, height: 192 });
  });

  it('has a 32×32 outline icon with an alpha channel, only white and transparent pixels', () => {
    expect({ width: outline.width, height: outline.height, colourType: outline.colourType }).toEqual({ width: 32, height: 32, colourType: 6 });
    const kinds = new Set<string>();
    for (let i = 0; i < outline.rgba.length; i += 4) {
      const [r, g, b, a] = outline.rgba.subarray(i, i + 4);
      kinds.add(a === 0 ? 'transparent' : r === 255 && g === 255 && b === 255 && a === 255 ? 'white' : `rgba(${r}, ${g}, ${b}, ${a})`);
    }

    expect([...kinds].sort()).toEqual(['transparent', 'white']);
  });

  it('are what scripts/make-teams-icons.ts draws (rerun it after changing the glyph)', () => {
    const drawn = drawTeamsIcons();

    expect(Buffer.from(color.rgba).equals(Buffer.from(drawn.color.rgba))).toBe(true);
    expect(Buffer.from(outline.rgba).equals(Buffer.from(drawn.outline.rgba))).toBe(true);
  });
});

describe('packageTeamsApp', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'po-desk-teams-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a zip with the app id in the manifest and the icons at the root', async () => {
    const outFile = path.join(dir, 'out/po-desk-teams.zip');

    await packageTeamsApp({ appId: APP_ID, outFile });

    const entries = unzipSync(await readFile(outFile));
    expect(Object.keys(entries).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packaged = JSON.parse(Buffer.from(entries['manifest.json']!).toString('utf8')) as Manifest;
    // The committed manifest, with the app id where the placeholder was: the app and the bot.
    const committed = await readManifest();
    expect(JSON.stringify(committed).split(PLACEHOLDER_APP_ID)).toHaveLength(5); // id, bots[0].botId, composeExtensions[0].botId, webApplicationInfo.id
    const expected = {
      ...committed,
      id: APP_ID,
      bots: committed.bots.map((bot) => ({ ...bot, botId: APP_ID })),
      composeExtensions: committed.composeExtensions!.map((extension) => ({ ...extension, botId: APP_ID })),
      webApplicationInfo: { ...committed.webApplicationInfo!, id: APP_ID },
    };
    expect(JSON.stringify(packaged)).not.toContain(PLACEHOLDER_APP_ID);
    expect(packaged).toEqual(expected);
    expect(Buffer.from(entries['color.png']!).equals(await readFile(path.join(MANIFEST_DIR, 'color.png')))).toBe(true);
    expect(Buffer.from(entries['outline.png']!).equals(await readFile(path.join(MANIFEST_DIR, 'outline.png')))).toBe(true);
  });

  it.each([
    ['not a GUID', 'po-desk-bot', /^MICROSOFT_APP_ID: expected a GUID/],
    ['missing', undefined, /^MICROSOFT_APP_ID: required/],
    ['blank', '  ', /^MICROSOFT_APP_ID: required/],
    ['the placeholder', '00000000-0000-0000-0000-000000000000', /^MICROSOFT_APP_ID: the all-zero GUID/],
  ])('refuses an app id that is %s, naming MICROSOFT_APP_ID', async (_case, appId, message) => {
    const outFile = path.join(dir, 'refused.zip');

    const failure = packageTeamsApp({ appId, outFile });

    await expect(failure).rejects.toThrow(PackageError);
    await expect(failure).rejects.toThrow(message);
    await expect(readFile(outFile)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a manifest that does not match the schema, listing the problems', async () => {
    const manifestDir = path.join(dir, 'broken');
    await cp(MANIFEST_DIR, manifestDir, { recursive: true });
    const broken = { ...(await readManifest()), accentColor: 'blue' };
    await writeFile(path.join(manifestDir, 'manifest.json'), JSON.stringify(broken));

    const outFile = path.join(dir, 'broken.zip');

    await expect(packageTeamsApp({ appId: APP_ID, outFile, manifestDir })).rejects.toThrow(
      'manifest.json does not match the Teams manifest schema 1.17:\n  /accentColor: must match pattern "^#[0-9a-fA-F]{6}$"',
    );
    await expect(readFile(outFile)).rejects.toThrow(/ENOENT/); // a refused package writes no zip
  });
});
