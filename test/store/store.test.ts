import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { waitFor } from '../helpers/server.ts';

describe(`store (${storeKind})`, () => {
  let store: TestStore;
  before(async () => {
    store = await openTestStore();
  });
  after(() => store.close());

  it('applies each migration once', async () => {
    const again = await migrate(store.db);
    assert.deepEqual(again, []);
    const rows = await store.db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows.map((r) => r.version),
      loadMigrations().map((m) => m.version),
    );
    assert.ok(rows.length >= 2);
  });

  it('returns int8 and count() as numbers on both drivers', async () => {
    const [row] = await store.db.query<{ n: unknown; big: unknown }>(
      'SELECT count(*) AS n, 9007199254740::int8 AS big FROM robots',
    );
    assert.equal(row?.n, 3);
    assert.equal(row?.big, 9007199254740);
  });

  it('rolls back a failed transaction without touching a concurrent autocommit write', async () => {
    await store.db.exec('CREATE TABLE t_conc (v int)');
    const failing = store.db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO t_conc VALUES (1)');
        await new Promise((r) => setTimeout(r, 30));
        throw new Error('boom');
      })
      .catch((e: Error) => e.message);
    const concurrent = store.db.query('INSERT INTO t_conc VALUES (2)');
    assert.equal(await failing, 'boom');
    await concurrent;
    const rows = await store.db.query<{ v: number }>('SELECT v FROM t_conc');
    assert.deepEqual(
      rows.map((r) => r.v),
      [2],
    );
  });

  it('delivers NOTIFY only when the transaction commits', async () => {
    const got: string[] = [];
    const stop = await store.db.listen('t_chan', (p) => got.push(p));
    await store.db
      .transaction(async (tx) => {
        await tx.query("SELECT pg_notify('t_chan', 'rolled-back')");
        throw new Error('no');
      })
      .catch(() => {});
    await store.db.transaction(async (tx) => {
      await tx.query("SELECT pg_notify('t_chan', 'committed')");
    });
    // Notifications arrive in commit order: had the rolled-back one been sent, it would be first.
    await waitFor('the committed NOTIFY', () => (got.length > 0 ? true : undefined));
    await stop();
    assert.deepEqual(got, ['committed']);
  });
});
