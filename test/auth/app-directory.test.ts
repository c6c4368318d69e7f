import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  appSettings,
  appSettingsMany,
  appZone,
  lockAppSettings,
  updateAppSettings,
} from '../../src/modules/auth/app-directory.ts';
import { updateSettings } from '../../src/modules/auth/apps.repository.ts';
import { insertApp } from '../../src/modules/auth/auth.repository.ts';
import { newWebhookSecret } from '../../src/modules/auth/secrets.ts';
import { newId } from '../../src/shared/ids.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';

// The app directory is how every module but auth reads and writes an app's settings
// (docs/modules.md): these pin what it answers and that a patch changes only what it names.

describe(`app directory (${storeKind})`, () => {
  let store: TestStore;

  before(async () => {
    store = await openTestStore();
  });
  after(() => store.close());

  const newApp = (timezone = 'Asia/Jakarta') =>
    insertApp(store.db, {
      name: `dir-${newId().slice(0, 8)}`,
      app_key: newId(),
      secret_hash: 'unused',
      webhook_url: 'https://crm.example/hook',
      webhook_secret: newWebhookSecret(),
      timezone,
      is_demo: false,
    });

  it('answers the settings as a domain value, and undefined for no such app', async () => {
    const row = await newApp();
    const app = await appSettings(store.db, row.id);
    assert.deepEqual(app, {
      id: row.id,
      timezone: 'Asia/Jakarta',
      maxConcurrency: null,
      webhookUrl: 'https://crm.example/hook',
      webhookSecret: row.webhook_secret,
      callingWindows: null,
      contactCaps: null,
      autoDncOnOptout: true,
      encryption: null,
    });
    assert.equal(await appSettings(store.db, row.id + 1_000_000), undefined);
    assert.equal(await appZone(store.db, row.id), 'Asia/Jakarta');
    assert.equal(await appZone(store.db, row.id + 1_000_000), 'UTC', 'a gone app still has a zone');
  });

  it('changes only the settings a patch names; null clears one', async () => {
    const row = await newApp();
    const windows = [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }];
    const set = await updateAppSettings(store.db, row.id, {
      callingWindows: windows,
      contactCaps: { per_day: 2 },
      autoDncOnOptout: false,
    });
    assert.deepEqual(set?.callingWindows, windows);
    assert.deepEqual(set?.contactCaps, { per_day: 2 });
    assert.equal(set?.autoDncOnOptout, false);
    assert.equal(set?.webhookUrl, 'https://crm.example/hook', 'not named: unchanged');

    const cleared = await updateAppSettings(store.db, row.id, {
      webhookUrl: null,
      callingWindows: null,
    });
    assert.equal(cleared?.webhookUrl, null);
    assert.equal(cleared?.callingWindows, null);
    assert.deepEqual(cleared?.contactCaps, { per_day: 2 }, 'not named: unchanged');
    assert.equal(
      await updateAppSettings(store.db, row.id + 1_000_000, { timezone: 'UTC' }),
      undefined,
    );
  });

  it('ignores keys that are not settings (no column name comes from input)', async () => {
    const row = await newApp();
    const stored = async () =>
      (
        await store.db.query<{ secret_hash: string; app_key: string; timezone: string }>(
          'SELECT secret_hash, app_key, timezone FROM apps WHERE id = $1',
          [row.id],
        )
      )[0];
    const patch = { secret_hash: 'stolen', app_key: 'x', timezone: 'Europe/Paris' };
    await updateAppSettings(store.db, row.id, patch as never);
    assert.deepEqual(await stored(), {
      secret_hash: 'unused',
      app_key: row.app_key,
      timezone: 'Europe/Paris',
    });
    // The repository's own allow-list, for a caller that passes a row-shaped patch.
    await updateSettings(store.db, row.id, { secret_hash: 'stolen', timezone: 'UTC' } as never);
    assert.deepEqual(await stored(), {
      secret_hash: 'unused',
      app_key: row.app_key,
      timezone: 'UTC',
    });
  });

  it('reads several apps in one call, and the settings under the row lock in a transaction', async () => {
    const a = await newApp('Asia/Jakarta');
    const b = await newApp('Europe/Paris');
    const many = await appSettingsMany(store.db, [a.id, b.id, a.id, b.id + 1_000_000]);
    assert.deepEqual([...many.keys()].sort(), [a.id, b.id].sort());
    assert.equal(many.get(b.id)?.timezone, 'Europe/Paris');
    assert.equal((await appSettingsMany(store.db, [])).size, 0);

    const locked = await store.db.transaction((tx) => lockAppSettings(tx, a.id));
    assert.equal(locked?.id, a.id);
    assert.equal(locked?.timezone, 'Asia/Jakarta');
  });
});
