import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedBatcher } from '../../src/shared/keyed-batcher.ts';

describe('keyed batcher', () => {
  it('runs one batch per key at a time, with everything added meanwhile in the next', async () => {
    const batches: Array<{ key: string; items: number[] }> = [];
    const running = new Set<string>();
    let overlap = false;
    let started: () => void = () => {};
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const batcher = new KeyedBatcher<number>(async (key, items) => {
      if (running.has(key)) overlap = true;
      running.add(key);
      started();
      batches.push({ key, items });
      await new Promise((r) => setTimeout(r, 5));
      running.delete(key);
    });
    const first = [1, 2, 3].map((n) => batcher.add('a', n));
    await firstStarted;
    const later = [4, 5].map((n) => batcher.add('a', n));
    const other = batcher.add('b', 9);
    await Promise.all([...first, ...later, other]);
    assert.equal(overlap, false, 'never two batches of one key at once');
    assert.deepEqual(
      batches.filter((b) => b.key === 'a').map((b) => b.items),
      [
        [1, 2, 3],
        [4, 5],
      ],
    );
    assert.deepEqual(
      batches.filter((b) => b.key === 'b').map((b) => b.items),
      [[9]],
    );
  });

  it("rejects the items of a failed batch, and goes on with the key's next one", async () => {
    let calls = 0;
    const batcher = new KeyedBatcher<number>(async (_key, items) => {
      calls += 1;
      if (items.includes(13)) throw new Error('unlucky');
    });
    const bad = batcher.add('k', 13);
    const alsoBad = batcher.add('k', 1);
    await assert.rejects(bad, /unlucky/);
    await assert.rejects(alsoBad, /unlucky/);
    await batcher.add('k', 2);
    assert.equal(calls, 2);
  });

  it('splits a long queue into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const batcher = new KeyedBatcher<number>(
      async (_key, items) => {
        sizes.push(items.length);
      },
      { maxBatch: 4 },
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.add('k', i)));
    assert.deepEqual(sizes, [4, 4, 2]);
  });
});
