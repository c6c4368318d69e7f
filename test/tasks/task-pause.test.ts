import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Pause and resume through POST /service/cloud/operation (issue 9): a paused task claims no
// call, comes back on resume, and still ends at its end_time.

/** `YYYY-MM-DD HH:MM:SS+00:00`, `ms` from now (whole seconds, rounded up). */
const inUtc = (ms: number) => {
  const at = new Date(Math.ceil((Date.now() + ms) / 1000) * 1000);
  return { at, text: `${at.toISOString().slice(0, 19).replace('T', ' ')}+00:00` };
};

describe(`pausing and resuming a task (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let api: ReturnType<typeof client>;

  before(async () => {
    server = await startTestServer();
    receiver = await startReceiver();
    const app = await server.runtime.services.auth.createApp({
      name: 'pause',
      webhookUrl: receiver.url,
    });
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  const createTask = async (
    name: string,
    numbers: string[],
    times: Record<string, string> = {},
  ) => {
    const r = await api.post('/service/cloud/task', {
      task_name: name,
      robot_id: '4496',
      ...times,
      callees: numbers.map((callee_number) => ({ callee_number })),
    });
    assert.equal(r.status, 200, r.text);
    return r.json.data.task_id as string;
  };
  const operate = (task_id: string, operation: string) =>
    api.post('/service/cloud/operation', { task_id, operation });
  const taskWebhook = (taskId: string) =>
    waitFor(`the task webhook of ${taskId}`, () =>
      receiver.requests
        .map((r) => JSON.parse(r.body))
        .find(
          (e) => e.task_id === taskId && e.task_name !== undefined && e.called_count !== undefined,
        ),
    );
  const statusOf = async (taskId: string) =>
    (await api.get(`/service/cloud/detail?task_id=${taskId}`)).json.data.task_status;
  const dialled = (numbers: string[]) =>
    server.carrier.ledger.filter((e) => numbers.includes(e.to)).length;

  it('dials nothing of a paused task while a later task runs, and finishes it once resumed', async () => {
    // Busy numbers (last digit 6): each attempt ends at once.
    const paused = ['+6281311110006', '+6281311110016', '+6281311110026'];
    const start = inUtc(1_500);
    const pausedId = await createTask('to_pause', paused, { start_time: start.text });
    const r = await operate(pausedId, 'Pause');
    assert.equal(r.status, 200, r.text);
    assert.equal(await statusOf(pausedId), 'Paused');
    const listed = await api.get('/service/cloud/list?status=Paused');
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      listed.json.data.list.map((t: { task_id: string; status: string }) => [t.task_id, t.status]),
      [[pausedId, 'Paused']],
    );

    // Once the paused task is due, a task created after it runs to its end: the dialer takes the
    // oldest due task first, so the paused one would have been dialled by then.
    await waitFor('the paused task to be due', () => Date.now() > start.at.getTime() + 100);
    const later = ['+6281322220006', '+6281322220016'];
    const laterId = await createTask('runs_meanwhile', later);
    assert.equal((await taskWebhook(laterId)).status, 'Finished');
    assert.equal(dialled(later), 2);
    assert.equal(dialled(paused), 0);
    assert.equal(await statusOf(pausedId), 'Paused');

    const resumed = await operate(pausedId, 'resume');
    assert.equal(resumed.status, 200, resumed.text);
    const event = await taskWebhook(pausedId);
    assert.equal(event.status, 'Finished');
    assert.equal(dialled(paused), 3);
  });

  it('ends a paused task at its end_time: its waiting numbers expire', async () => {
    const numbers = ['+6281333330006', '+6281333330016'];
    const end = inUtc(2_500);
    const taskId = await createTask('paused_until_end', numbers, {
      start_time: inUtc(1_000).text,
      end_time: end.text,
    });
    assert.equal((await operate(taskId, 'pause')).status, 200);
    const event = await taskWebhook(taskId);
    assert.equal(event.status, 'Finished');
    assert.equal(event.called_count, 0);
    assert.equal(dialled(numbers), 0);
    const callees = await server.store.db.query<{ status: string }>(
      'SELECT status FROM callees WHERE task_id = $1',
      [taskId],
    );
    assert.deepEqual(
      callees.map((c) => c.status),
      ['expired', 'expired'],
    );
  });

  it('answers clear errors for operations that do not apply', async () => {
    const later = { start_time: '2099-01-01 00:00:00', end_time: '2099-01-02 00:00:00' };
    const taskId = await createTask('errors', ['+6281344440006'], later);

    const unknown = await operate(taskId, 'archive');
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.message, /operation must be one of stop, pause, resume/);

    const notPaused = await operate(taskId, 'resume');
    assert.equal(notPaused.status, 409);
    assert.match(notPaused.json.message, /the task is Waiting, not Paused/);
    assert.equal((await operate(taskId, 'pause')).status, 200);
    const twice = await operate(taskId, 'pause');
    assert.equal(twice.status, 409);
    assert.match(twice.json.message, /already paused/);

    // A paused task can be stopped; a final one is neither paused nor resumed.
    assert.equal((await operate(taskId, 'stop')).status, 200);
    assert.equal(await statusOf(taskId), 'Stopped');
    for (const operation of ['pause', 'resume']) {
      const r = await operate(taskId, operation);
      assert.equal(r.status, 409);
      assert.match(r.json.message, /Task has finished/);
    }

    const strategy = await api.post('/v1/strategies', { name: 'one', rounds: [{}] });
    const plan = await api.post('/service/cloud/plan', {
      plan_name: 'paused_plan',
      strategy_id: strategy.json.data.strategy_id,
      robot_id: '4496',
      ...later,
      callees: [{ callee_number: '+6281355550006' }],
    });
    assert.equal(plan.status, 200, plan.text);
    const rounds = await api.get(`/service/cloud/plan/rounds?plan_id=${plan.json.data.plan_id}`);
    const roundTask = rounds.json.data.list[0].task_id as string;
    const onRound = await operate(roundTask, 'pause');
    assert.equal(onRound.status, 409);
    assert.match(onRound.json.message, /round 1 of plan .*stop the plan/);
    assert.equal(await statusOf(roundTask), 'Waiting');
  });
});
