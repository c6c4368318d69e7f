import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs } from '../../src/shared/backoff.ts';

describe('backoffDelayMs', () => {
  const base = { baseMs: 100, maxMs: 5_000 };

  it('doubles from baseMs after each failure up to maxMs, without jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 50, 5_000].map((attempt) =>
      backoffDelayMs(attempt, { ...base, jitter: 'none' }),
    );
    assert.deepEqual(delays, [100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000, 5_000]);
  });

  it('draws a full-jitter delay between 0 and the capped delay', () => {
    assert.equal(backoffDelayMs(3, { ...base, random: () => 0 }), 0);
    assert.equal(backoffDelayMs(3, { ...base, random: () => 0.5 }), 200);
    assert.equal(backoffDelayMs(3, { ...base, random: () => 0.999_999 }), 400);
    assert.equal(backoffDelayMs(40, { ...base, random: () => 0.5 }), 2_500);
  });

  it('jitters by default, always within [0, cap]', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(4, base);
      assert.ok(Number.isInteger(d) && d >= 0 && d <= 800, String(d));
      seen.add(d);
    }
    assert.ok(seen.size > 1, 'the delays differ from one call to the next');
  });

  it('treats attempt 0 or less like the first failure', () => {
    assert.equal(backoffDelayMs(0, { ...base, jitter: 'none' }), 100);
    assert.equal(backoffDelayMs(-3, { ...base, jitter: 'none' }), 100);
  });
});
