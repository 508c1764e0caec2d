import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { ajvWithFormats, dedupe, describeError, once } from './json-schema.js';

/**
 * Validation against the official Adaptive Card 1.5 JSON Schema (test/fixtures/adaptive-cards, see SOURCES.txt),
 * plus Teams' people picker (`choices.data`, defined as in the 1.6 schema).
 * `adaptiveCardErrors(card)` is [] for a valid card. The schema compiles once, on first use (~0.2 s); after
 * that a valid card costs one compiled validator call.
 */

const require = createRequire(import.meta.url);

const SCHEMA_FILE = new URL('../fixtures/adaptive-cards/adaptive-card.1.5.0.schema.json', import.meta.url);

interface Compiled {
  ajv: Ajv;
  id: string;
  validate: ValidateFunction;
  definitions: Set<string>;
}

/**
 * Teams' people picker (`choices.data` on Input.ChoiceSet), which Teams documents for cards from version 1.2
 * and the Adaptive Card schema only gained in 1.6: the 1.6 schema's own definitions, added to the 1.5 one.
 * Nothing else of 1.6 is allowed.
 */
const DATA_QUERY_1_6 = {
  type: 'object',
  additionalProperties: false,
  required: ['dataset'],
  properties: {
    type: { enum: ['Data.Query'] },
    dataset: { type: 'string' },
    count: { type: 'number' },
    skip: { type: 'number' },
  },
};

function withTeamsPeoplePicker(schema: { definitions: Record<string, unknown> }): void {
  const choiceSet = schema.definitions['Input.ChoiceSet'] as { properties: Record<string, unknown> };
  choiceSet.properties['choices.data'] = { $ref: '#/definitions/Data.Query' };
  schema.definitions['Data.Query'] = DATA_QUERY_1_6;
}

const compiled = once((): Compiled => {
  const { id, ...schema } = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { id: string; definitions: Record<string, unknown> };
  withTeamsPeoplePicker(schema);
  // strictTypes off: upstream puts `pattern` and `required` in anyOf branches without a `type` (valid
  // draft-06, only strict-mode noise). verbose: error explanations below need each error's parentSchema.
  // Formats: `uri` ($schema) and `uri-reference` (Action.OpenUrl url, image urls) are checked.
  const ajv = ajvWithFormats({ strictTypes: false, verbose: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  // Upstream annotates definitions with `version`, `features` and `example`; declare them as annotations
  // rather than switching strict mode off.
  ajv.addVocabulary(['version', 'features', 'example']);
  // Upstream names the schema with draft-04's `id`, which Ajv 8 no longer reads; the same URL as `$id`.
  const validate = ajv.compile({ $id: id, ...schema });
  return { ajv, id, validate, definitions: new Set(Object.keys(schema.definitions)) };
});

/** Why `card` is not a valid Adaptive Card 1.5, one line per problem (`/json/pointer: message`); [] when valid. */
export function adaptiveCardErrors(card: unknown): string[] {
  const c = compiled();
  if (c.validate(card)) return [];
  const explained = explain(c, card, '', 'AdaptiveCard');
  return explained.length > 0 ? explained : dedupe((c.validate.errors ?? []).map((e) => describeError(e)));
}

/**
 * The schema lists every element type as a branch of one `anyOf`, so Ajv reports each bad element once per
 * branch ("must have required property 'actions'" for a TextBlock…). To name the real problem, each typed
 * object is validated again against its own definition (`#/definitions/<type>`), recursively.
 */
function explain(c: Compiled, node: unknown, path: string, definition: string): string[] {
  const validate = c.ajv.getSchema(`${c.id}#/definitions/${definition}`);
  if (!validate) return [`${path || '/'}: no definition ${definition} in the schema`];
  if (validate(node)) return [];
  const out: string[] = [];
  const children = new Set<string>();
  const errors = validate.errors ?? [];
  for (const error of errors) {
    // "must be string" / "must match a schema in anyOf" where a deeper error says what is wrong: noise from
    // the other branches of an anyOf (a TextRun is a string or an object).
    if (isGeneric(error) && errors.some((e) => !isGeneric(e) && e.instancePath.startsWith(`${error.instancePath}/`))) continue;
    const segments = error.instancePath.split('/').slice(1);
    let child: string | undefined;
    for (let i = 1; i <= segments.length; i++) {
      const value = at(node, segments.slice(0, i));
      if (isTyped(value)) {
        child = `/${segments.slice(0, i).join('/')}`;
        break;
      }
    }
    if (child === undefined) out.push(describeError(error, path));
    else children.add(child);
  }
  for (const child of children) {
    const value = at(node, child.split('/').slice(1)) as { type: string };
    const childPath = `${path}${child}`;
    if (!c.definitions.has(value.type)) {
      out.push(`${childPath}: unknown type "${value.type}"`);
      continue;
    }
    const inner = explain(c, value, childPath, value.type);
    // Valid as itself, so it is in the wrong place (a TextBlock among actions…).
    out.push(...(inner.length > 0 ? inner : [`${childPath}: a ${value.type} is not allowed here`]));
  }
  return dedupe(out);
}

function isGeneric(error: ErrorObject): boolean {
  return error.keyword === 'anyOf' || error.keyword === 'type';
}

function at(value: unknown, segments: string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function isTyped(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
