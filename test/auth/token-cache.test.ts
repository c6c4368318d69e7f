import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { TOKEN_CACHE_TTL_MS, TokenCache } from '../../src/modules/auth/token-cache.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { AppError } from '../../src/shared/errors.ts';
import type { Db } from '../../src/store/db.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';

// Token lookups are cached for a few seconds per process (src/modules/auth/token-cache.ts). The
// cache must never keep a token working after this process revoked it, after its expiry, or
// (for a change made by another process) after the cache's TTL. Both clocks are the test's own.

const HOUR = 3_600_000;

/** A store whose token lookups the test can hold, and count. */
function gatedDb(db: Db) {
  let gate: Promise<void> | undefined;
  let lookups = 0;
  const gated: Db = Object.create(db) as Db;
  gated.query = async (sql, params) => {
    if (sql.includes('FROM app_tokens t JOIN apps')) {
      lookups += 1;
      const rows = await db.query(sql, params);
      await gate;
      return rows as never;
    }
    return db.query(sql, params);
  };
  return {
    db: gated,
    lookups: () => lookups,
    hold() {
      let release = () => {};
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

async function rejectsWith(promise: Promise<unknown>, key: string) {
  await assert.rejects(promise, (error: unknown) => error instanceof AppError && error.key === key);
}

describe(`token cache (${storeKind})`, () => {
  let store: TestStore;
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store?.close();
  });

  function setup() {
    const business = new ManualClock(new Date('2030-01-01T00:00:00Z'));
    let cacheMs = 0;
    const gate = gatedDb(store.db);
    const auth = new AuthService(gate.db, loadConfig({}), business, {
      tokenCache: new TokenCache({ now: () => cacheMs }),
    });
    return { auth, business, gate, advanceCache: (ms: number) => (cacheMs += ms) };
  }

  it('answers repeated requests from the cache, and a revocation here stops the token at once', async () => {
    const { auth, gate } = setup();
    const app = await auth.createApp({ name: 'cache-revoke' });
    const token = await auth.issueToken(app.appKey, app.appSecret);
    assert.equal((await auth.authenticate(token)).appId, app.app.id);
    assert.equal((await auth.authenticate(token)).appId, app.app.id);
    assert.equal(gate.lookups(), 1, 'the second request is served from the cache');
    await auth.revokeAppTokens(app.app.id);
    await rejectsWith(auth.authenticate(token), 'invalid_token');
  });

  it('explicit invalidation drops the app’s cached tokens, and only that app’s', async () => {
    const { auth, gate } = setup();
    const a = await auth.createApp({ name: 'cache-a' });
    const b = await auth.createApp({ name: 'cache-b' });
    const ta = await auth.issueToken(a.appKey, a.appSecret);
    const tb = await auth.issueToken(b.appKey, b.appSecret);
    await auth.authenticate(ta);
    await auth.authenticate(tb);
    // Another process rotates a's secret: its tokens are gone from the store.
    await store.db.query('DELETE FROM app_tokens WHERE app_id = $1', [a.app.id]);
    auth.invalidateAppTokens(a.app.id);
    const before = gate.lookups();
    await rejectsWith(auth.authenticate(ta), 'invalid_token');
    assert.equal((await auth.authenticate(tb)).appId, b.app.id);
    assert.equal(gate.lookups(), before + 1, 'only a’s token is read again');
  });

  it('a token deleted by another process stops working once the cache TTL has passed', async () => {
    const { auth, advanceCache } = setup();
    const app = await auth.createApp({ name: 'cache-ttl' });
    const token = await auth.issueToken(app.appKey, app.appSecret);
    await auth.authenticate(token);
    await store.db.query('DELETE FROM app_tokens WHERE app_id = $1', [app.app.id]);
    advanceCache(TOKEN_CACHE_TTL_MS - 1);
    assert.equal((await auth.authenticate(token)).appId, app.app.id, 'still cached');
    advanceCache(1);
    await rejectsWith(auth.authenticate(token), 'invalid_token');
  });

  it('an expired token fails even while its lookup is cached', async () => {
    const { auth, business } = setup();
    const app = await auth.createApp({ name: 'cache-expiry' });
    const token = await auth.issueToken(app.appKey, app.appSecret);
    await auth.authenticate(token);
    business.advance(24 * HOUR);
    await rejectsWith(auth.authenticate(token), 'expired_token');
  });

  it('a renewal moves a cached token’s expiry on: the cache does not call it expired', async () => {
    const { auth, business } = setup();
    const app = await auth.createApp({ name: 'cache-renew' });
    const first = await auth.issueToken(app.appKey, app.appSecret);
    await auth.authenticate(first); // cached with the first expiry
    business.advance(23 * HOUR);
    await auth.issueToken(app.appKey, app.appSecret); // both now expire 24 h from here
    business.advance(2 * HOUR);
    assert.equal((await auth.authenticate(first)).appId, app.app.id);
  });

  it('a lookup that overlapped an invalidation is not cached', async () => {
    const { auth, gate } = setup();
    const app = await auth.createApp({ name: 'cache-race' });
    const token = await auth.issueToken(app.appKey, app.appSecret);
    const release = gate.hold();
    const reading = auth.authenticate(token); // reads the row, then waits at the gate
    await store.db.query('DELETE FROM app_tokens WHERE app_id = $1', [app.app.id]);
    auth.invalidateAppTokens(app.app.id);
    release();
    assert.equal((await reading).appId, app.app.id, 'the read began before the revocation');
    await rejectsWith(auth.authenticate(token), 'invalid_token');
  });
});
