import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowGraph } from '../../src/modules/workflows/graph.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// A small workflow through the real server: call everyone; who was not reached gets an API push;
// everyone ends. Asserts each record's path and the pushes.

const ANSWERS = '+6281234567000';
const NO_ANSWER = '+6281234567005';
const BUSY = '+6281234567006';

describe(`workflow engine (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let token: string;
  let workflowId: string;

  before(async () => {
    server = await startTestServer();
    receiver = await startReceiver();
    const app = await server.runtime.services.auth.createApp({
      name: 'wf',
      webhookUrl: receiver.url,
    });
    token = await tokenFor(server.url, app.appKey, app.appSecret);
    const graph: WorkflowGraph = {
      name: 'smoke',
      nodes: [
        { id: 'start', type: 'start', next: 'call1' },
        { id: 'call1', type: 'call', name: 'Call1', robot_id: '4496', next: 'reached' },
        {
          id: 'reached',
          type: 'branch',
          rules: [{ when: [{ field: 'call.connected', op: 'eq', value: false }], next: 'api1' }],
          default: 'end',
        },
        { id: 'api1', type: 'api', name: 'API2', url: `${receiver.url}/push`, next: 'end' },
        { id: 'end', type: 'end' },
      ],
    };
    const [row] = await server.store.db.query<{ id: number }>(
      `INSERT INTO workflow_templates (app_id, name, version, graph, created_at)
       VALUES ($1, 'smoke', 1, $2, now()) RETURNING id`,
      [app.app.id, graph],
    );
    const created = await client(server.url, token).post('/service/cloud/workflow/createinstance', {
      workflow_template_id: Number(row!.id),
      name: 'smoke_1',
      auto_finish: 1,
      end_time: '2099-01-01 00:00:00',
      details: [ANSWERS, NO_ANSWER, BUSY].map((callee, i) => ({
        callee,
        case_id: `case-${i}`,
        callee_name: `Person ${i}`,
        custom_attribute: { n: String(i) },
      })),
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.message, 'Success');
    workflowId = created.json.data.workflow_id;
    await waitFor('the workflow to finish', async () => {
      const [w] = await server.store.db.query<{ status: string }>(
        `SELECT status FROM workflows WHERE id = $1`,
        [workflowId],
      );
      return w?.status === 'Finished' ? true : undefined;
    });
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('walks each record through the nodes its outcome picks', async () => {
    const steps = await server.store.db.query<{ callee: string; path: string }>(
      `SELECT r.callee, string_agg(s.node, '>' ORDER BY s.step) AS path
       FROM workflow_records r JOIN workflow_steps s ON s.record_id = r.id
       WHERE r.workflow_id = $1 GROUP BY r.callee ORDER BY r.callee`,
      [workflowId],
    );
    assert.deepEqual(Object.fromEntries(steps.map((s) => [s.callee, s.path])), {
      [ANSWERS]: 'start>call1>reached>end',
      [NO_ANSWER]: 'start>call1>reached>api1>end',
      [BUSY]: 'start>call1>reached>api1>end',
    });
  });

  it('pushes the records that were not reached to the API node, with their call', async () => {
    const pushes = await waitFor('two pushes', () => {
      const p = receiver.requests.map((r) => JSON.parse(r.body)).filter((b) => b.node_id);
      return p.length >= 2 ? p : undefined;
    });
    assert.deepEqual(pushes.map((p) => p.callee.callee_number).sort(), [NO_ANSWER, BUSY].sort());
    for (const push of pushes) {
      assert.equal(push.workflow_id, workflowId);
      assert.equal(push.node_name, 'API2');
      assert.equal(push.type, 'call');
      assert.match(push.call.call_id, /^[0-9a-f]{32}$/);
      assert.equal(push.call.callee_number, push.callee.callee_number);
    }
  });
});
