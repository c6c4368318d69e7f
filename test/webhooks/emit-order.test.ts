import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { emitPlanEvent } from '../../src/modules/plans/plan-events.ts';
import type { PlanRow } from '../../src/modules/plans/plans.repository.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// The emit sites give each event its ordering group and barrier (docs/webhooks.md, "Order of
// delivery"): a task's call events and its task event share the task's group, the task event last
// and a barrier; a plan's event is a barrier in the plan's group.

interface OutboxRow {
  type: string;
  ordering_group: string | null;
  barrier: boolean;
  seq: string;
}

describe(`webhook ordering at the emit sites (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let appId: number;

  before(async () => {
    server = await startTestServer();
    const { app, appKey, appSecret } = await server.runtime.services.auth.createApp({
      name: 'order',
    });
    appId = app.id;
    api = client(server.url, await tokenFor(server.url, appKey, appSecret));
  });
  after(() => server.close());

  it("puts a task's call events and then its task event, a barrier, in the task's group", async () => {
    const created = await api.post('/service/cloud/task', {
      task_name: 'ordered',
      robot_id: '4496',
      callees: [
        { case_id: 'a', callee_number: '+6281234567801' },
        { case_id: 'b', callee_number: '+6281234567802' },
      ],
    });
    assert.equal(created.status, 200, created.text);
    const taskId: string = created.json.data.task_id;
    const rows = await waitFor('the task event', async () => {
      const events = await server.store.db.query<OutboxRow>(
        `SELECT type, ordering_group, barrier, seq FROM webhook_events
         WHERE subject_id = $1 OR payload->'call'->>'task_id' = $1 ORDER BY seq`,
        [taskId],
      );
      return events.some((e) => e.type === 'task') ? events : undefined;
    });
    assert.deepEqual(
      rows.map((r) => [r.type, r.ordering_group, r.barrier]),
      [
        ['call', taskId, false],
        ['call', taskId, false],
        ['task', taskId, true],
      ],
    );
  });

  it("makes the plan event a barrier in the plan's group", async () => {
    const plan = {
      id: 'plan-order-1',
      app_id: appId,
      plan_name: 'p',
      strategy_id: 1,
      rounds: [],
      status: 'Finished',
      start_time: new Date(),
      end_time: new Date(),
      finished_at: new Date(),
    } as unknown as PlanRow;
    await server.store.db.transaction((tx) => emitPlanEvent(tx, plan, [], 'UTC', new Date()));
    const [row] = await server.store.db.query<OutboxRow>(
      `SELECT type, ordering_group, barrier, seq FROM webhook_events WHERE subject_id = $1`,
      [plan.id],
    );
    assert.deepEqual([row?.type, row?.ordering_group, row?.barrier], ['plan', plan.id, true]);
  });
});
