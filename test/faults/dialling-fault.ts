// One fault during dialling, as the crash and shutdown tests run it: a task of many numbers, a
// signal to the server at a random point, a restart on the same store, then the checks of
// outcomes.ts once the task has finished and every event has been delivered.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { startReceiver } from '../helpers/receiver.ts';
import { waitFor } from '../helpers/server.ts';
import { checkNothingLostOrRepeated, numbersFor } from './outcomes.ts';
import { serverProcess } from './server-process.ts';

export async function dialThroughFault(
  t: TestContext,
  options: { name: string; callees: number; signal: 'SIGKILL' | 'SIGTERM' },
) {
  const receiver = await startReceiver();
  const server = await serverProcess(options.name, {
    // Calls last a few hundred milliseconds: many are up when the signal comes.
    TILLER_TIME_SCALE: '200',
    TILLER_APP_CONCURRENCY: '2000',
    TILLER_TASK_CONCURRENCY: '2000',
    TILLER_SHUTDOWN_GRACE_MS: '10000',
  });
  try {
    const app = server.createApp(receiver.url);
    await server.start();
    const api = await app.connect();
    const created = await api.post('/service/cloud/task', {
      task_name: options.name,
      robot_id: '4496',
      redial_times: 1,
      callees: numbersFor(options.callees).map((callee_number) => ({ callee_number })),
    });
    assert.equal(created.status, 200, created.text);
    const taskId: string = created.json.data.task_id;
    const task = async () => (await api.get('/service/cloud/list?page_size=1')).json.data.list[0];

    const at = Math.floor(options.callees * (0.1 + Math.random() * 0.5));
    t.diagnostic(`${options.signal} once ${at} numbers have been dialled`);
    await waitFor(
      'dialling to reach the fault',
      async () => ((await task()).called_count >= at ? true : undefined),
      120_000,
    );
    const code = await server.stop(options.signal);
    // Killed: no exit code. Asked to stop: a clean exit once calls in progress have ended.
    assert.equal(code, options.signal === 'SIGKILL' ? null : 0);
    t.diagnostic(`stopped with ${server.ledger().length} dials in the carrier's ledger`);

    await server.start();
    await waitFor(
      'the task to finish and every event to be delivered',
      async () => {
        if ((await task()).status !== 'Finished') return undefined;
        const pending = await api.get('/v1/webhooks/events?status=pending&page_size=1');
        return pending.json.data.total === 0 ? true : undefined;
      },
      180_000,
    );
    assert.equal(await server.stop('SIGTERM'), 0, 'a clean stop');
    const store = await server.openStore();
    try {
      return await checkNothingLostOrRepeated({
        store,
        taskId,
        ledger: server.ledger(),
        receiver,
        t,
      });
    } finally {
      await store.close();
    }
  } finally {
    await server.cleanup();
    await receiver.close();
  }
}
