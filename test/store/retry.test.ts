import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTransient, withRetry } from '../../src/store/retry.ts';

const transient = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('withRetry', () => {
  it('runs again after transient failures and returns the first success', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 4) throw transient();
        return 'done';
      },
      10,
      1,
    );
    assert.equal(result, 'done');
    assert.equal(calls, 4);
  });

  it('passes any other error through at once', async () => {
    let calls = 0;
    const bug = new TypeError('not a database problem');
    await assert.rejects(
      withRetry(
        async () => {
          calls += 1;
          throw bug;
        },
        10,
        1,
      ),
      (error) => error === bug,
    );
    assert.equal(calls, 1);
  });

  it('gives up after its number of tries with the last error', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        () => {
          calls += 1;
          // Thrown, not returned: a synchronous throw is retried like a rejection.
          throw Object.assign(transient(), { message: `try ${calls}` });
        },
        3,
        1,
      ),
      /try 3/,
    );
    assert.equal(calls, 3);
  });

  it('knows the transient errors', () => {
    assert.equal(isTransient(transient()), true);
    assert.equal(isTransient(Object.assign(new Error('x'), { code: '08006' })), true);
    assert.equal(isTransient(Object.assign(new Error('x'), { code: 'ECONNRESET' })), true);
    assert.equal(isTransient(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isTransient(Object.assign(new Error('x'), { code: '23505' })), false);
    assert.equal(isTransient(new Error('syntax error')), false);
  });
});
