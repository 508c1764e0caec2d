import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.js';

describe('GroupCommit', () => {
  it('writes the first item at once, and what arrives meanwhile together in the next write', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const commit = new GroupCommit<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = commit.submit(1);
    const rest = [2, 3, 4].map((i) => commit.submit(i));
    expect(writes).toEqual([[1]]); // 2, 3 and 4 wait for the write in flight
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('fails only the items of a failed write; the next ones are written', async () => {
    let calls = 0;
    const written: number[] = [];
    const commit = new GroupCommit<number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
      written.push(...items);
    });
    const failed = commit.submit(1);
    const next = commit.submit(2);
    await expect(failed).rejects.toThrow('database down');
    await expect(next).resolves.toBeUndefined();
    expect(written).toEqual([2]);
  });

  it('splits a backlog into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const commit = new GroupCommit<number>(async (items) => {
      sizes.push(items.length);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }, 3);
    await Promise.all(Array.from({ length: 8 }, (_, i) => commit.submit(i)));
    expect(sizes).toEqual([1, 3, 3, 1]);
  });
});
