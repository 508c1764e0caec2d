import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * What the JSON Schema validators of the test support (activity-schema.ts, adaptive-card-schema.ts)
 * share: an Ajv that checks formats, one line per error, and compiling a schema once, on first use.
 */

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module namespace.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** An Ajv that reports every error and checks `format` (date-time, uri, uri-reference…). */
export function ajvWithFormats(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, ...options });
  addFormats(ajv);
  return ajv;
}

/** `make()` runs on the first call only; later calls return its result (schemas compile in ~0.2 s). */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** One error as `/json/pointer: message`, the pointer prefixed by `base` (where the validated value sits). */
export function describeError(error: ErrorObject, base = ''): string {
  const params = error.params as { additionalProperty?: string; allowedValues?: unknown[] };
  const detail =
    params.additionalProperty !== undefined
      ? ` "${params.additionalProperty}"`
      : params.allowedValues !== undefined
        ? ` (${params.allowedValues.join(', ')})`
        : '';
  return `${base}${error.instancePath || (base ? '' : '/')}: ${error.message ?? error.keyword}${detail}`;
}

/** Each line once, in order. */
export function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
