/**
 * Exact percentiles of whole numbers held in several sorted arrays, as PostgreSQL's percentile_cont
 * gives them, without concatenating the arrays: `/po stats` merges per-team, per-week cells four ways.
 */

/**
 * PostgreSQL's percentile_cont(p) of all the arrays' values taken together (each array sorted
 * ascending), bit for bit: the same rank, the same interpolation. Undefined when there are no values.
 */
export function percentileCont(sorted: readonly Int32Array[], p: number): number | undefined {
  const n = sorted.reduce((sum, a) => sum + a.length, 0);
  if (n === 0) return undefined;
  const rank = p * (n - 1);
  const first = Math.floor(rank);
  const low = kth(sorted, first);
  if (rank === first) return low;
  // The next value in order is `low` again while more than first + 1 values are at most `low`.
  const high = countAtMost(sorted, low) > first + 1 ? low : smallestAbove(sorted, low);
  return low + (high - low) * (rank - first);
}

/** The k-th smallest value (from 0): a binary search on the values, counting those at most the middle. */
function kth(sorted: readonly Int32Array[], k: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of sorted) {
    if (a.length === 0) continue;
    lo = Math.min(lo, a[0]!);
    hi = Math.max(hi, a[a.length - 1]!);
  }
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (countAtMost(sorted, mid) > k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function countAtMost(sorted: readonly Int32Array[], value: number): number {
  let count = 0;
  for (const a of sorted) count += upperBound(a, value);
  return count;
}

function smallestAbove(sorted: readonly Int32Array[], value: number): number {
  let min = Infinity;
  for (const a of sorted) {
    const i = upperBound(a, value);
    if (i < a.length) min = Math.min(min, a[i]!);
  }
  return min;
}

/** How many of the sorted array's values are at most `value`. */
function upperBound(a: Int32Array, value: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
