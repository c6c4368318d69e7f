import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowGraph } from '../../src/modules/workflows/graph.ts';
import { ScaledClock } from '../../src/shared/clock.ts';
import { v1Client, type V1 } from '../agents/harness.ts';
import { PDS, pdsToken } from '../pds/api/pds-client.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// The workflow `pds` node (docs/workflows.md, "pds"): records go through the predictive dialer,
// whose agents take the calls the opening robot confirmed, and move on by their call's end; a
// node naming a group the app does not have dials no one and says why.

const SCALE = 100;
const START = new Date('2026-12-07T09:00:00Z');
const TALKS = ['+6281234560010', '+6281234560020', '+6281234560030'];
const BUSY = '+6281234560046';

describe(`workflow pds node (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let api: V1;
  let cloud: ReturnType<typeof client>;
  let appId: number;
  let pds: ReturnType<typeof client>;

  before(async () => {
    server = await startTestServer({
      clock: new ScaledClock(START, SCALE),
      worker: true,
      config: { timeScale: SCALE, pollIntervalMs: 20 },
    });
    receiver = await startReceiver();
    const { services } = server.runtime;
    const app = await services.auth.createApp({ name: 'wf-pds', timezone: 'UTC' });
    appId = app.app.id;
    await services.agents.createSimulatedGroup(appId, { name: 'Collections', agents: 2 });
    const token = await tokenFor(server.url, app.appKey, app.appSecret);
    api = v1Client(server.url, token);
    cloud = client(server.url, token);
    pds = client(server.url, await pdsToken(server.url, app.appKey, app.appSecret));
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  /** Imports the graph through the API and starts an instance of it for `callees`. */
  async function runWorkflow(graph: WorkflowGraph, callees: string[]): Promise<string> {
    const imported = await api.post('/v1/workflow-templates', graph);
    assert.equal(imported.status, 200, imported.text);
    const created = await cloud.post('/service/cloud/workflow/createinstance', {
      workflow_template_id: imported.json.data.workflow_template_id,
      name: `${graph.name}_1`,
      auto_finish: 1,
      end_time: '2099-01-01 00:00:00',
      details: callees.map((callee, i) => ({
        callee,
        case_id: `case-${i}`,
        callee_name: `Person ${i}`,
      })),
    });
    assert.equal(created.json.message, 'Success', created.text);
    const workflowId: string = created.json.data.workflow_id;
    await waitFor(
      'the workflow to finish',
      async () => {
        const [w] = await server.store.db.query<{ status: string }>(
          'SELECT status FROM workflows WHERE id = $1',
          [workflowId],
        );
        return w?.status === 'Finished' ? true : undefined;
      },
      120_000,
    );
    return workflowId;
  }

  const graphOf = (name: string, group: string): WorkflowGraph => ({
    name,
    nodes: [
      { id: 'start', type: 'start', next: 'agents' },
      {
        id: 'agents',
        type: 'pds',
        name: 'Agents',
        group_name: group,
        dialing_mode: 'progressive',
        acw_time: 5,
        next: 'reached',
      },
      {
        id: 'reached',
        type: 'branch',
        rules: [{ when: [{ field: 'call.connected', op: 'eq', value: true }], next: 'done' }],
        default: 'push',
      },
      { id: 'push', type: 'api', url: `${receiver.url}/not-reached`, next: 'done' },
      { id: 'done', type: 'end' },
    ],
  });

  it('calls the records through the predictive dialer and its agents, then moves them on', async () => {
    const workflowId = await runWorkflow(graphOf('pds_reminder', 'Collections'), [...TALKS, BUSY]);
    const [task] = await server.store.db.query<{ id: string; kind: string; pds: any }>( // eslint-disable-line @typescript-eslint/no-explicit-any -- the stored jsonb
      'SELECT id, kind, pds FROM tasks WHERE workflow_id = $1',
      [workflowId],
    );
    assert.equal(task!.kind, 'pds');
    assert.equal(task!.pds.groupName, 'Collections');
    assert.equal(task!.pds.dialingMode, 'progressive');
    assert.equal(task!.pds.acwSeconds, 5);
    const calls = await server.store.db.query<{ callee_number: string; pds: any }>( // eslint-disable-line @typescript-eslint/no-explicit-any -- the stored jsonb
      'SELECT callee_number, pds FROM calls WHERE task_id = $1',
      [task!.id],
    );
    const byNumber = new Map(calls.map((c) => [c.callee_number, c.pds]));
    for (const phone of TALKS) {
      assert.match(
        byNumber.get(phone)?.agentName,
        /^Collections-sim-00[12]$/,
        `${phone} talked to an agent`,
      );
      assert.equal(byNumber.get(phone)?.hangupReason, 12);
    }
    assert.equal(byNumber.get(BUSY)?.hangupReason, 3);

    const paths = await server.store.db.query<{ callee: string; path: string }>(
      `SELECT r.callee, string_agg(s.node, '>' ORDER BY s.step) AS path
       FROM workflow_records r JOIN workflow_steps s ON s.record_id = r.id
       WHERE r.workflow_id = $1 GROUP BY r.callee`,
      [workflowId],
    );
    assert.deepEqual(Object.fromEntries(paths.map((p) => [p.callee, p.path])), {
      ...Object.fromEntries(TALKS.map((t) => [t, 'start>agents>reached>done'])),
      [BUSY]: 'start>agents>reached>push>done',
    });
    // The task is the workflow's: the PDS task APIs refuse to operate it (10704).
    const [named] = await server.store.db.query<{ task_name: string }>(
      'SELECT task_name FROM tasks WHERE id = $1',
      [task!.id],
    );
    const copy = await pds.post(`${PDS}/copytask`, {
      fromTask: named!.task_name,
      taskName: 'copy_of_node_task',
    });
    assert.equal(copy.json.code, 10704, copy.text);
  });

  it('dials no one at a node whose group does not exist, and says why', async () => {
    const workflowId = await runWorkflow(graphOf('pds_nobody', 'NoSuchGroup'), [TALKS[0]!]);
    const [record] = await server.store.db.query<{ facts: any }>( // eslint-disable-line @typescript-eslint/no-explicit-any -- the stored jsonb
      'SELECT facts FROM workflow_records WHERE workflow_id = $1',
      [workflowId],
    );
    assert.equal(record!.facts.call.end_reason, 'not_dialled');
    assert.match(record!.facts.call.error, /NoSuchGroup/);
    const tasks = await server.store.db.query('SELECT id FROM tasks WHERE workflow_id = $1', [
      workflowId,
    ]);
    assert.equal(tasks.length, 0, 'no task made, nothing half-written');
    const push = await waitFor('the not-reached push', () =>
      receiver.requests
        .map((r) => JSON.parse(r.body))
        .find((b) => b.workflow_id === workflowId && b.node_id),
    );
    assert.equal(push.node_name, 'push');
    assert.equal(push.call.call_id, '', 'no call was made');
  });
});
