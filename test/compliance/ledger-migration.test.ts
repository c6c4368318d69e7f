import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';

// Migration 0018: the contact ledger starts with every real attempt already made, so caps keep
// counting the calls of before the upgrade.

describe(`contact ledger backfill, migration 0018 (${storeKind})`, () => {
  let store: TestStore;
  before(async () => {
    store = await openTestStore({ migrated: false });
  });
  after(() => store.close());

  it('copies the calls that reached the carrier, an interrupted one as void', async () => {
    const all = loadMigrations();
    await migrate(
      store.db,
      all.filter((m) => m.version < 18),
    );
    const [app] = await store.db.query<{ id: number }>(
      `INSERT INTO apps (name, app_key, secret_hash, webhook_secret) VALUES ('old', 'old', 'x', 'x')
       RETURNING id`,
    );
    await store.db.query(
      `INSERT INTO tasks (id, app_id, task_name, robot_id, start_time, end_time, caller_number, total_count)
       VALUES ('t1', $1, 't1', 4496, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '+6221000000', 3)`,
      [app!.id],
    );
    const outcomes = ['answered', 'interrupted', 'not_dialled'];
    for (const [i, outcome] of outcomes.entries()) {
      const [callee] = await store.db.query<{ id: number }>(
        `INSERT INTO callees (task_id, app_id, seq, case_id, callee_number, data, status, attempts, next_attempt_at)
         VALUES ('t1', $1, $2, 'case-9', $3, '{}', 'done', 1, now()) RETURNING id`,
        [app!.id, i + 1, `+628120000010${i}`],
      );
      await store.db.query(
        `INSERT INTO calls (id, app_id, task_id, callee_id, attempt, state, outcome, robot_id,
           callee_number, caller_number, started_at, case_id)
         VALUES ($1, $2, 't1', $3, 1, 'final', $4, 4496, $5, '+6221000000', '2024-06-10T01:00:00Z', 'case-9')`,
        [`call-${i}`, app!.id, callee!.id, outcome, `+628120000010${i}`],
      );
    }
    assert.ok((await migrate(store.db, all)).includes(18));
    const rows = await store.db.query(
      `SELECT channel, number, case_id, task_id, attempted_at, source_kind, source_id, decision,
         reason, void_reason
       FROM contact_attempts ORDER BY source_id`,
    );
    const base = {
      channel: 'voice',
      case_id: 'case-9',
      task_id: 't1',
      attempted_at: new Date('2024-06-10T01:00:00Z'),
      source_kind: 'call',
      decision: 'allowed',
      reason: null,
    };
    assert.deepEqual(rows, [
      { ...base, number: '+6281200000100', source_id: 'call-0', void_reason: null },
      { ...base, number: '+6281200000101', source_id: 'call-1', void_reason: 'interrupted' },
    ]);
  });
});
