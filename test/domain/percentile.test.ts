import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileCont } from '../../src/domain/percentile.js';

/** percentile_cont as PostgreSQL computes it (orderedsetaggs.c): sort everything, then interpolate. */
function naive(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const first = Math.floor(rank);
  const second = Math.ceil(rank);
  const low = sorted[first]!;
  return second > first ? low + (sorted[second]! - low) * (rank - first) : low;
}

const sortedArray = (values: number[]) => Int32Array.from(values).sort();

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
/** Few distinct values, so most are ties. */
const tied = fc.integer({ min: -3, max: 3 });
const seconds = fc.integer({ min: 0, max: 200_000 });
const arrays = fc.array(fc.array(fc.oneof(int32, tied, seconds), { maxLength: 40 }), { maxLength: 8 });
const fraction = fc.oneof(fc.constantFrom(0, 0.1, 0.5, 0.9, 0.99, 1), fc.double({ min: 0, max: 1, noNaN: true }));

describe('percentileCont', () => {
  it('is the percentile of all the arrays’ values together, bit for bit as sorting them all gives it', () => {
    fc.assert(
      fc.property(arrays, fraction, (parts, p) => {
        expect(percentileCont(parts.map(sortedArray), p)).toBe(naive(parts.flat(), p));
      }),
      { numRuns: 2000 },
    );
  });

  it('is undefined without values, empty arrays or not', () => {
    expect(percentileCont([], 0.5)).toBeUndefined();
    expect(percentileCont([new Int32Array(0), new Int32Array(0)], 0.9)).toBeUndefined();
  });

  it('is the value itself for a single value', () => {
    expect(percentileCont([new Int32Array(0), Int32Array.of(42)], 0.5)).toBe(42);
    expect(percentileCont([Int32Array.of(42)], 0.9)).toBe(42);
    expect(percentileCont([Int32Array.of(-7)], 0)).toBe(-7);
  });

  it('interpolates between the two values around the rank, across arrays', () => {
    // 60, 300, 600, 1200, 14400, 18000: the median is halfway between 600 and 1200; the 90th
    // percentile at rank 4.5, halfway between 14400 and 18000.
    const parts = [Int32Array.of(300, 14_400), Int32Array.of(60, 1200), Int32Array.of(600, 18_000)];
    expect(percentileCont(parts, 0.5)).toBe(900);
    expect(percentileCont(parts, 0.9)).toBe(16_200);
    expect(percentileCont(parts, 0)).toBe(60);
    expect(percentileCont(parts, 1)).toBe(18_000);
  });

  it('handles negative values and ties', () => {
    expect(percentileCont([Int32Array.of(-10, -5), Int32Array.of(-5, 3)], 0.5)).toBe(-5);
    expect(percentileCont([Int32Array.of(-10, -5), Int32Array.of(3)], 0.25)).toBe(-7.5);
    // Ties spanning the rank and the next: 1, 2, 2, 2, 9.
    expect(percentileCont([Int32Array.of(2, 2), Int32Array.of(1, 2, 9)], 0.6)).toBe(2);
    expect(percentileCont([Int32Array.of(2, 2), Int32Array.of(1, 2, 9)], 0.9)).toBe(2 + 7 * (0.9 * 4 - 3));
  });

  it('handles the ends of the 32-bit range', () => {
    const parts = [Int32Array.of(-(2 ** 31)), Int32Array.of(2 ** 31 - 1)];
    expect(percentileCont(parts, 0.5)).toBe(-0.5);
    expect(percentileCont(parts, 0)).toBe(-(2 ** 31));
    expect(percentileCont(parts, 1)).toBe(2 ** 31 - 1);
  });
});
