import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withSavepoint } from '../../src/store/db.ts';
import { txMemo } from '../../src/store/tx-memo.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';

// A read remembered for one transaction (report settings, a window just renewed): read once per
// transaction, never across transactions or on the Db itself, and forgotten when a savepoint it
// was read under rolls back.

describe(`transaction memo (${storeKind})`, () => {
  let store: TestStore;
  before(async () => {
    store = await openTestStore({ migrated: false });
  });
  after(() => store.close());

  it('reads once per transaction, afresh in the next one and on the Db', async () => {
    const memo = txMemo<string, number>();
    let loads = 0;
    const load = async () => ++loads;
    await store.db.transaction(async (tx) => {
      assert.equal(await memo.get(tx, 'k', load), 1);
      assert.equal(await memo.get(tx, 'k', load), 1);
      memo.set(tx, 'k', 42);
      assert.equal(await memo.get(tx, 'k', load), 42);
    });
    await store.db.transaction(async (tx) => assert.equal(await memo.get(tx, 'k', load), 2));
    assert.equal(await memo.get(store.db, 'k', load), 3);
    assert.equal(await memo.get(store.db, 'k', load), 4);
  });

  it('forgets what was read under a savepoint that rolled back', async () => {
    const memo = txMemo<string, number>();
    let loads = 0;
    const load = async () => ++loads;
    await store.db.transaction(async (tx) => {
      await assert.rejects(
        withSavepoint(tx, async () => {
          assert.equal(await memo.get(tx, 'k', load), 1);
          await tx.query('SELECT 1 / 0');
        }),
      );
      // The transaction goes on after the savepoint, and reads again.
      assert.equal(await memo.get(tx, 'k', load), 2);
      const [row] = await tx.query<{ one: number }>('SELECT 1 AS one');
      assert.equal(row?.one, 1);
    });
  });

  it('nests savepoints: an inner one rolled back leaves the outer one whole', async () => {
    await store.db.exec('CREATE TEMP TABLE IF NOT EXISTS nested (n int)');
    await store.db.query('DELETE FROM nested');
    await store.db.transaction(async (tx) => {
      await assert.rejects(
        withSavepoint(tx, async () => {
          await tx.query('INSERT INTO nested VALUES (1)');
          await assert.rejects(
            withSavepoint(tx, async () => {
              await tx.query('INSERT INTO nested VALUES (2)');
              throw new Error('inner');
            }),
          );
          await tx.query('INSERT INTO nested VALUES (3)');
          throw new Error('outer');
        }),
      );
      await tx.query('INSERT INTO nested VALUES (4)');
    });
    const rows = await store.db.query<{ n: number }>('SELECT n FROM nested ORDER BY n');
    // The outer rollback undid 1 and 3 as well: it found its own savepoint, not the inner one.
    assert.deepEqual(
      rows.map((r) => r.n),
      [4],
    );
  });
});
