import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../src/shared/errors.ts';
import type { Db } from '../../src/store/db.ts';
import { TaskService } from '../../src/modules/tasks/tasks.service.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Creating a task twice must not queue a second call: by Idempotency-Key, or because the same
// case and number already wait in an active task of the app.

describe(`idempotent task creation (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  const LATER = { start_time: '2099-01-01 00:00:00', end_time: '2099-01-02 00:00:00' };

  let caller: { appId: number; timezone: string };

  before(async () => {
    server = await startTestServer();
    const app = await server.runtime.services.auth.createApp({ name: 'idem' });
    caller = { appId: app.app.id, timezone: app.app.timezone };
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
  });
  after(() => server.close());

  const count = async (sql: string, params: unknown[] = []) =>
    (await server.store.db.query<{ n: number }>(sql, params))[0]!.n;

  it('answers the first task for a repeated Idempotency-Key, even when both arrive at once', async () => {
    const body = {
      task_name: 'idem_1',
      robot_id: '4496',
      ...LATER,
      callees: [{ case_id: 'k1', callee_number: '+6281234567000' }],
    };
    const key = { 'idempotency-key': 'order-2024-03-11-001' };
    const [a, b] = await Promise.all([
      api.post('/service/cloud/task', body, key),
      api.post('/service/cloud/task', body, key),
    ]);
    assert.equal(a.status, 200, a.text);
    assert.equal(b.status, 200, b.text);
    assert.equal(a.json.data.task_id, b.json.data.task_id);
    const again = await api.post(
      '/service/cloud/task',
      { ...body, task_name: 'idem_other_name' },
      key,
    );
    assert.equal(again.json.data.task_id, a.json.data.task_id, 'the key decides, not the body');
    assert.equal(await count("SELECT count(*) AS n FROM tasks WHERE task_name LIKE 'idem_%'"), 1);
    assert.equal(await count("SELECT count(*) AS n FROM callees WHERE case_id = 'k1'"), 1);
  });

  it('does not queue a case and number already waiting in an active task', async () => {
    const first = await api.post('/service/cloud/task', {
      task_name: 'dup_a',
      robot_id: '4496',
      ...LATER,
      callees: [
        { case_id: 'd1', callee_number: '+6281234567100' },
        { case_id: 'd2', callee_number: '+6281234567200' },
      ],
    });
    assert.equal(first.json.data.skipped_duplicates, 0);
    const second = await api.post('/service/cloud/task', {
      task_name: 'dup_b',
      robot_id: '4496',
      ...LATER,
      callees: [
        { case_id: 'd1', callee_number: '+6281234567100' },
        { case_id: 'd3', callee_number: '+6281234567300' },
        { case_id: 'other-case', callee_number: '+6281234567200' },
      ],
    });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.json.data.skipped_duplicates, 1);
    const queued = await server.store.db.query<{ case_id: string }>(
      'SELECT case_id FROM callees WHERE task_id = $1 ORDER BY seq',
      [second.json.data.task_id],
    );
    assert.deepEqual(
      queued.map((c) => c.case_id),
      ['d3', 'other-case'],
    );
    const allDuplicates = await api.post('/service/cloud/task', {
      task_name: 'dup_c',
      robot_id: '4496',
      ...LATER,
      callees: [{ case_id: 'd1', callee_number: '+6281234567100' }],
    });
    assert.equal(allDuplicates.status, 400);
    assert.match(allDuplicates.json.message, /already queued in an active task/);
    assert.equal(await count("SELECT count(*) AS n FROM tasks WHERE task_name = 'dup_c'"), 0);
  });

  it('queues the number again once the earlier task has ended', async () => {
    const first = await api.post('/service/cloud/task', {
      task_name: 'again_1',
      robot_id: '4496',
      callees: [{ case_id: 'r1', callee_number: '+6281234567007' }],
    });
    const taskId = first.json.data.task_id;
    await waitFor('the first task to finish', async () =>
      (await count("SELECT count(*) AS n FROM tasks WHERE id = $1 AND status = 'Finished'", [
        taskId,
      ])) === 1
        ? true
        : undefined,
    );
    const second = await api.post('/service/cloud/task', {
      task_name: 'again_2',
      robot_id: '4496',
      ...LATER,
      callees: [{ case_id: 'r1', callee_number: '+6281234567007' }],
    });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.json.data.skipped_duplicates, 0);
  });

  it('reports a request with a key that fails as that error, and takes the key afresh next time', async () => {
    const key = { 'idempotency-key': 'fails-first' };
    const bad = await api.post(
      '/service/cloud/task',
      { task_name: 'idem_fail', robot_id: '4496', ...LATER, callees: [{ callee_number: 'abc' }] },
      key,
    );
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.json.message, /callee_number/);
    // Every number already queued: an error raised inside the write, reported as itself.
    await api.post('/service/cloud/task', {
      task_name: 'idem_holder',
      robot_id: '4496',
      ...LATER,
      callees: [{ case_id: 'h1', callee_number: '+6281234567400' }],
    });
    const queued = await api.post(
      '/service/cloud/task',
      {
        task_name: 'idem_fail',
        robot_id: '4496',
        ...LATER,
        callees: [{ case_id: 'h1', callee_number: '+6281234567400' }],
      },
      key,
    );
    assert.equal(queued.status, 400, queued.text);
    assert.match(queued.json.message, /already queued in an active task/);
    const good = await api.post(
      '/service/cloud/task',
      {
        task_name: 'idem_fail',
        robot_id: '4496',
        ...LATER,
        callees: [{ case_id: 'h2', callee_number: '+6281234567400' }],
      },
      key,
    );
    assert.equal(good.status, 200, good.text);
    assert.equal(
      await count('SELECT count(*) AS n FROM tasks WHERE idempotency_key = $1 AND id = $2', [
        'fails-first',
        good.json.data.task_id,
      ]),
      1,
    );
  });

  /** A store whose next transaction first lets a twin request with `key` commit its task. */
  function racedStore(key: string, then: 'fail' | 'continue'): Db {
    const db = server.store.db;
    const twin = new TaskService(db, server.config, server.runtime.services.clock, {
      linksFor: async () => new Map(),
      signedLinks: async () => new Map(),
    });
    const body = {
      task_name: `twin_${key}`,
      robot_id: '4496',
      ...LATER,
      callees: [{ case_id: key, callee_number: '+6281234567500' }],
    };
    return Object.assign(Object.create(db) as Db, {
      query: db.query.bind(db),
      async transaction<T>(fn: Parameters<Db['transaction']>[0]): Promise<T> {
        await twin.create(caller, body, key);
        if (then === 'fail') throw new AppError('bad_request', 'the store failed');
        return db.transaction(fn) as Promise<T>;
      },
    });
  }

  it('answers the winner of a key race only when the loser met the key or name, never on another error', async () => {
    const body = {
      task_name: 'twin_race',
      robot_id: '4496',
      ...LATER,
      callees: [{ case_id: 'race', callee_number: '+6281234567600' }],
    };
    const service = (db: Db) =>
      new TaskService(db, server.config, server.runtime.services.clock, {
        linksFor: async () => new Map(),
        signedLinks: async () => new Map(),
      });
    // The twin committed meanwhile and ours hit a real failure: the failure is the answer.
    await assert.rejects(
      service(racedStore('race-fails', 'fail')).create(caller, body, 'race-fails'),
      /the store failed/,
    );
    // The twin committed meanwhile and ours would duplicate it: the twin's task is the answer.
    const answer = await service(racedStore('race-wins', 'continue')).create(
      caller,
      { ...body, task_name: 'twin_race_2' },
      'race-wins',
    );
    const [winner] = await server.store.db.query<{ id: string }>(
      "SELECT id FROM tasks WHERE idempotency_key = 'race-wins'",
    );
    assert.equal(answer.task_id, winner!.id);
    assert.equal(await count("SELECT count(*) AS n FROM tasks WHERE task_name = 'twin_race_2'"), 0);
  });
});
