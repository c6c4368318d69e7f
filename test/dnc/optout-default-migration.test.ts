import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';

// Migration 0014: verbal opt-outs are listed by default, for apps made before it as well (their
// robots promised "we will not call you again" under the old default).

describe(`verbal opt-out default, migration 0014 (${storeKind})`, () => {
  let store: TestStore;
  before(async () => {
    store = await openTestStore({ migrated: false });
  });
  after(() => store.close());

  it('switches existing apps on and makes on the default for new ones', async () => {
    const all = loadMigrations();
    await migrate(
      store.db,
      all.filter((m) => m.version < 14),
    );
    // Raw SQL with the first migration's columns: the repository may name later ones.
    const createApp = async (key: string) =>
      (
        await store.db.query<{ id: number }>(
          `INSERT INTO apps (name, app_key, secret_hash, webhook_secret) VALUES ($1, $1, 'x', 'x')
           RETURNING id`,
          [key],
        )
      )[0]!;
    const old = await createApp('before-0014');
    const setting = async (id: number) =>
      (
        await store.db.query<{ auto_dnc_on_optout: boolean }>(
          'SELECT auto_dnc_on_optout FROM apps WHERE id = $1',
          [id],
        )
      )[0]!.auto_dnc_on_optout;
    assert.equal(await setting(old.id), false, 'off before 0014');
    assert.ok((await migrate(store.db, all)).includes(14));
    assert.equal(await setting(old.id), true, 'the existing app is switched on');
    assert.equal(await setting((await createApp('after-0014')).id), true, 'a new app is on');
  });
});
