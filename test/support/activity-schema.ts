import { readFileSync } from 'node:fs';

import type { ValidateFunction } from 'ajv';
import { ajvWithFormats, dedupe, describeError, once } from './json-schema.js';

/**
 * Validation against the official Bot Framework Activity JSON Schema (test/fixtures/botframework, see
 * SOURCES.txt). `activityErrors(activity)` is [] for a valid activity. The schema compiles once, on first use.
 *
 * The upstream schema is stricter than real Teams traffic in two documented places (ChannelAccount.name,
 * Attachment.content); `relax` loosens exactly those, and nothing else.
 */

const SCHEMA_FILE = new URL('../fixtures/botframework/botframework.schema.json', import.meta.url);
/** Upstream gives the schema no id; this one only names it inside Ajv. */
const SCHEMA_ID = 'https://po-desk.test/botframework.schema.json';

interface JsonSchema {
  title?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  [keyword: string]: unknown;
}

const validator = once((): ValidateFunction => {
  const schema = relax(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JsonSchema);
  // Full strict mode: this schema compiles cleanly under it. Formats: `date-time` (timestamp,
  // localTimestamp, expiration) is checked.
  const ajv = ajvWithFormats();
  ajv.addSchema({ ...schema, $id: SCHEMA_ID });
  const pointer = activityPointer(schema);
  const found = ajv.getSchema(`${SCHEMA_ID}${pointer}`);
  if (!found) throw new Error(`activity-schema: ${pointer} did not compile`);
  return found;
});

/** Where the Activity is: the root itself, or a definition titled/named Activity. */
function activityPointer(schema: JsonSchema): string {
  if (schema.title === 'Activity' || (schema.properties?.type && schema.properties.conversation)) return '#';
  const name = Object.entries(schema.definitions ?? {}).find(([key, d]) => key === 'Activity' || d.title === 'Activity')?.[0];
  if (name === undefined) throw new Error('activity-schema: no Activity definition in the schema');
  return `#/definitions/${name}`;
}

/**
 * The two places where the official schema is stricter than what Teams really sends and accepts. Each
 * relaxation checks that upstream still says what it is relaxing, so a changed schema fails loudly instead
 * of being loosened somewhere else.
 */
function relax(schema: JsonSchema): JsonSchema {
  const definitions = schema.definitions ?? {};
  // Upstream: ChannelAccount `required: ["id", "name"]`. Teams omits `name` on real accounts (e.g. membersAdded
  // entries carry only id and aadObjectId). Only `id` stays required.
  const account = definitions.ChannelAccount;
  if (!account?.required?.includes('name') || !account.required.includes('id')) {
    throw new Error('activity-schema: upstream ChannelAccount no longer requires id and name; revisit this relaxation');
  }
  account.required = account.required.filter((key) => key !== 'name');
  // Upstream: Attachment.content `type: "object"`. Teams sends string content (text/html attachments on
  // inbound messages), so content may be any JSON value.
  const content = definitions.Attachment?.properties?.content;
  if (content?.type !== 'object') {
    throw new Error('activity-schema: upstream Attachment.content is no longer type object; revisit this relaxation');
  }
  delete content.type;
  return schema;
}

/** Why `activity` is not a valid Bot Framework Activity, one line per problem (`/json/pointer: message`); [] when valid. */
export function activityErrors(activity: unknown): string[] {
  const validate = validator();
  if (validate(activity)) return [];
  return dedupe((validate.errors ?? []).map((error) => describeError(error)));
}
