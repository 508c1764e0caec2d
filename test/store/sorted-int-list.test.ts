import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSortedInts } from '../../src/store/sorted-int-list.js';

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

describe('parseSortedInts', () => {
  it('reads comma-separated integers, sorted ascending', () => {
    expect([...parseSortedInts('1200,60,300')]).toEqual([60, 300, 1200]);
    expect([...parseSortedInts('42')]).toEqual([42]);
    expect([...parseSortedInts('0,7,0,7')]).toEqual([0, 0, 7, 7]);
  });

  it('reads negative values and the ends of the 32-bit range', () => {
    expect([...parseSortedInts('-5,3,-10,-0')]).toEqual([-10, -5, 0, 3]);
    expect([...parseSortedInts('2147483647,-2147483648')]).toEqual([-2147483648, 2147483647]);
  });

  it('reads null and the empty string as no values', () => {
    expect(parseSortedInts(null)).toEqual(new Int32Array(0));
    expect(parseSortedInts('')).toEqual(new Int32Array(0));
  });

  it('reads back any list of 32-bit integers PostgreSQL’s string_agg writes', () => {
    fc.assert(
      fc.property(fc.array(int32, { minLength: 1, maxLength: 50 }), (values) => {
        expect([...parseSortedInts(values.join(','))]).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });

  it('refuses anything else rather than guess', () => {
    for (const text of ['1,,2', ',1', '1,', '1 ,2', ' 1', '-', '--1', '1-2', '1.5', 'abc', '2147483648', '-2147483649', '99999999999999999999']) {
      expect(() => parseSortedInts(text), text).toThrow();
    }
  });
});
