import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Cancelling numbers and racing creates: the events a customer gets stay complete and in order.

describe(`cancelling numbers (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;

  before(async () => {
    // Calls take about 3 s here, so a test can act while one is in progress.
    server = await startTestServer({ config: { timeScale: 10 } });
    const app = await server.runtime.services.auth.createApp({ name: 'cancel' });
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
  });
  after(() => server.close());

  const outbox = async (taskId: string) =>
    server.store.db.query<{ type: string; payload: Record<string, any> }>( // eslint-disable-line @typescript-eslint/no-explicit-any
      `SELECT type, payload FROM webhook_events
       WHERE subject_id = $1 OR payload->'call'->>'task_id' = $1 ORDER BY created_at, type`,
      [taskId],
    );
  const status = async (taskId: string) =>
    (
      await server.store.db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [
        taskId,
      ])
    )[0]!.status;

  it('reports a number cancelled while it waits for a redial, then finishes the task', async () => {
    const created = await api.post('/service/cloud/task', {
      task_name: 'cancel_waiting',
      robot_id: '4496',
      redial_times: 2,
      redial_interval: 60,
      callees: [{ case_id: 'a', callee_number: '+6281234567895' }],
    });
    const taskId = created.json.data.task_id;
    await waitFor('the first attempt to end', async () => {
      const [row] = await server.store.db.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM callees WHERE task_id = $1',
        [taskId],
      );
      return row?.status === 'pending' && row.attempts === 1 ? true : undefined;
    });
    const cancelled = await api.post('/service/cloud/cancelphonecall', {
      task_id: taskId,
      case_id: 'a',
    });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.data.cancelled, 1);
    const events = await outbox(taskId);
    assert.deepEqual(
      events.map((e) => e.type),
      ['call', 'task'],
    );
    assert.equal(events[0]!.payload.call.call_times, 1);
    // Reported by its last real attempt, with why its dialling ended.
    assert.equal(events[0]!.payload.call.end_reason, 'cancelled');
    assert.notEqual(events[0]!.payload.call.ring_type, 'not_dialled');
    assert.equal(events[1]!.payload.status, 'Finished');
    const again = await api.post('/service/cloud/cancelphonecall', {
      task_id: taskId,
      case_id: 'a',
    });
    assert.equal(again.status, 409, 'a finished task cannot be changed');
  });

  it('keeps the task open until a cancelled call in progress ends, so its webhook comes first', async () => {
    const created = await api.post('/service/cloud/task', {
      task_name: 'cancel_live',
      robot_id: '4496',
      callees: [{ case_id: 'b', callee_number: '+6281234567800' }],
    });
    const taskId = created.json.data.task_id;
    await waitFor('the call to be up', async () => {
      const rows = await server.store.db.query(
        "SELECT 1 FROM calls WHERE task_id = $1 AND state = 'dialing'",
        [taskId],
      );
      return rows.length ? true : undefined;
    });
    const cancelled = await api.post('/service/cloud/cancelphonecall', {
      task_id: taskId,
      callee_number: '+6281234567800',
    });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(await status(taskId), 'Running', 'the call is still up');
    await waitFor('the task to finish', async () =>
      (await status(taskId)) === 'Finished' ? true : undefined,
    );
    const events = await outbox(taskId);
    assert.deepEqual(
      events.map((e) => e.type),
      ['call', 'task'],
    );
    assert.equal(events[0]!.payload.call.end_reason, 'cancelled');
    assert.equal(events[1]!.payload.called_count, 1);
    assert.equal(events[1]!.payload.connected_count, 1);
  });

  it('lets exactly one of two simultaneous creates with the same name through', async () => {
    const body = {
      task_name: 'twins',
      robot_id: '4496',
      start_time: '2099-01-01 00:00:00',
      callees: [{ callee_number: '+6281234567890' }],
    };
    const results = await Promise.all([
      api.post('/service/cloud/task', body),
      api.post('/service/cloud/task', body),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
    const loser = results.find((r) => r.status === 400)!;
    assert.match(loser.json.message, /Task Name is duplicated/);
    const [count] = await server.store.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM tasks WHERE task_name = 'twins'",
    );
    assert.equal(count!.n, 1);
  });
});
