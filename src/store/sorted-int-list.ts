/**
 * The text PostgreSQL's string_agg makes of integers ("1200,60,300"), read back. `/po stats` receives
 * each team-week's response times this way: through Prisma's raw queries, bytea and int[] arrived slower.
 */

const COMMA = 44;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

/**
 * "1200,60,300" as a sorted Int32Array; null or "" (string_agg of no values) is none. One pass over the
 * character codes: 200,000 values in ~4 ms, against ~19 ms with split and Number.
 */
export function parseSortedInts(text: string | null): Int32Array {
  if (text === null || text === '') return new Int32Array(0);
  let count = 1;
  for (let i = text.indexOf(','); i !== -1; i = text.indexOf(',', i + 1)) count++;
  const out = new Int32Array(count);
  let n = 0;
  let value = 0;
  let digits = 0;
  let sign = 1;
  // The end of the text ends the last value as a comma would.
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : COMMA;
    if (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      digits++;
    } else if (c === MINUS && digits === 0 && sign === 1) {
      sign = -1;
    } else if (c === COMMA && digits > 0) {
      const v = sign * value;
      if ((v | 0) !== v) throw new Error(`not a 32-bit integer: ${v}`);
      out[n++] = v;
      value = 0;
      digits = 0;
      sign = 1;
    } else {
      throw new Error(`not a list of integers: ${JSON.stringify(text.slice(0, 40))}`);
    }
  }
  return out.sort();
}
