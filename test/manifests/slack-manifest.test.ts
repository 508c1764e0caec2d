import { ASK_SHORTCUT } from '../../src/adapters/slack/ask-shortcut.js';
import { INTAKE_SHORTCUT } from '../../src/adapters/slack/intake-triggers.js';
import { readFileSync } from 'node:fs';

import type { ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ajvWithFormats } from '../support/json-schema.js';

const MANIFEST_URL = new URL('../../manifests/slack/manifest.yaml', import.meta.url);
const SCHEMA_DIR = new URL('../fixtures/slack-manifest-schema/', import.meta.url);
/** manifest.schema.json $refs the versioned schemas by these URLs; the local copies are registered under them. */
const UPSTREAM_SCHEMAS = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/';

const EVENTS_PATH = '/slack/events';
const BOT_SCOPES = ['commands', 'chat:write', 'im:write', 'users:read', 'channels:read', 'groups:read', 'app_mentions:read', 'channels:history', 'groups:history', 'im:history', 'reactions:read'];


interface Manifest {
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
    slash_commands: { command: string; url: string }[];
    shortcuts: { name: string; type: string; callback_id: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, SCHEMA_DIR), 'utf8'));
}

function buildValidator(): ValidateFunction {
  // strictTypes off: upstream's top-level schema uses `properties`/`required` without `type: "object"`, which is
  // valid draft-07 and only makes strict mode log noise. Strict schema checking stays on.
  const ajv = ajvWithFormats({ strictTypes: false });
  // Upstream annotates a few definitions with `_note` (a comment) and spells one pattern
  // (display_information.background_color) with the non-standard keyword `regex`. Declare the first as an
  // annotation and enforce the second as the pattern it is meant to be, rather than switching strict mode off.
  ajv.addKeyword('_note');
  ajv.addKeyword({
    keyword: 'regex',
    type: 'string',
    schemaType: 'string',
    validate: (pattern: string, data: string) => new RegExp(pattern).test(data),
  });
  for (const version of ['1.0.0', '2.0.0']) {
    ajv.addSchema(readJson(`schemas_manifest.schema.${version}.json`) as object, `${UPSTREAM_SCHEMAS}manifest.schema.${version}.json`);
  }
  return ajv.compile(readJson('manifest.schema.json') as object);
}

/** Every string in the manifest that looks like a URL, with its path. */
function urlsIn(value: unknown, path = ''): { path: string; url: string }[] {
  if (typeof value === 'string') return /^https?:\/\//.test(value) ? [{ path, url: value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => urlsIn(item, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => urlsIn(item, path === '' ? key : `${path}.${key}`));
  }
  return [];
}

describe('Slack app manifest', () => {
  let validate: ValidateFunction;
  let manifest: Manifest;

  beforeAll(() => {
    validate = buildValidator();
    manifest = parse(readFileSync(MANIFEST_URL, 'utf8')) as Manifest;
  });

  it('is valid against the official manifest schema', () => {
    const valid = validate(manifest);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('uses a validator that accepts the upstream valid example and rejects the upstream invalid one', () => {
    expect(validate(readJson('tests_manifests_v1_manifest.valid.json'))).toBe(true);

    expect(validate(readJson('tests_manifests_v1_manifest.invalid.json'))).toBe(false);
    expect(validate.errors).toContainEqual(
      expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'bad_param' } }),
    );
  });

  it('rejects a background colour that is not a hex colour', () => {
    const broken = structuredClone(manifest) as Manifest & { display_information: { background_color: string } };
    broken.display_information.background_color = 'navy';

    expect(validate(broken)).toBe(false);
  });

  it('declares the /po slash command', () => {
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual(['/po']);
  });

  it(`points every URL at ${EVENTS_PATH}`, () => {
    const urls = urlsIn(manifest);

    expect(urls.map(({ path }) => path).sort()).toEqual(
      ['features.slash_commands[0].url', 'settings.event_subscriptions.request_url', 'settings.interactivity.request_url'].sort(),
    );
    for (const { path, url } of urls) expect(new URL(url).pathname, path).toBe(EVENTS_PATH);
  });

  it('enables interactivity on the same endpoint, for buttons and modals', () => {
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: manifest.settings.event_subscriptions.request_url });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('shows the Messages tab, where po-desk’s DMs arrive and /po can be typed, and the Home tab with the dashboard', () => {
    expect(manifest.features.app_home).toEqual({ home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false });
  });

  it('would reject a misspelt App Home or interactivity setting (the schema really checks these parts)', () => {
    const appHome = structuredClone(manifest) as Manifest & { features: { app_home: Record<string, unknown> } };
    appHome.features.app_home.messages_tab_readonly = true;
    const interactivity = structuredClone(manifest) as unknown as { settings: { interactivity: Record<string, unknown> } };
    delete interactivity.settings.interactivity.is_enabled;
    interactivity.settings.interactivity.enabled = true;

    expect(validate(appHome)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ params: { additionalProperty: 'messages_tab_readonly' } }));
    expect(validate(interactivity)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ params: { missingProperty: 'is_enabled' } }));
  });

  it('offers the "Ask the PO" and "Send to PO intake" message shortcuts with the callback ids the Slack adapter listens for', () => {
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ name: 'Ask the PO', type: 'message', callback_id: ASK_SHORTCUT }),
      expect.objectContaining({ name: 'Send to PO intake', type: 'message', callback_id: INTAKE_SHORTCUT }),
    ]);
  });

  it('asks for exactly the bot scopes po-desk uses and subscribes to mentions and channel messages', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect(manifest.oauth_config.scopes.bot).toHaveLength(BOT_SCOPES.length);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_mention', 'message.channels', 'message.groups', 'reaction_added', 'app_home_opened']);
  });
});
