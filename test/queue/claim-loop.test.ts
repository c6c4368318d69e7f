import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClaimLoop } from '../../src/queue/claim-loop.ts';

describe('claim loop', () => {
  it('lets the wake-ups of items that finish close together share one claim', async () => {
    const backlog = Array.from({ length: 60 }, (_, i) => i);
    const done: number[] = [];
    let claims = 0;
    let finishAll: () => void = () => {};
    const allDone = new Promise<void>((resolve) => (finishAll = resolve));
    const loop = new ClaimLoop<number>({
      name: 'test',
      capacity: 10,
      pollMs: 1_000,
      coalesceMs: 30,
      claim: async (limit) => {
        claims += 1;
        return backlog.splice(0, limit);
      },
      // Each item takes a few event-loop turns: one wake-up per finished item.
      handle: async (item) => {
        for (let k = 0; k <= item % 5; k++) await new Promise((r) => setImmediate(r));
        done.push(item);
        if (done.length === 60) finishAll();
      },
      onError: (error) => assert.fail(String(error)),
    });
    loop.start();
    await allDone;
    await loop.stop(1_000);
    assert.equal(new Set(done).size, 60);
    // Without coalescing, each of the 50 items after the first batch would cost a claim.
    assert.ok(claims <= 20, `${claims} claims for 60 items`);
  });
});
