import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowGraph } from '../../src/modules/workflows/graph.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// The query endpoints over what the real engine wrote (not seeded rows): a workflow created
// through createinstance, run to its end on the simulator, then read back the way an
// integrator would.

const ANSWERS = '+6281234567000';
const NO_ANSWER = '+6281234567005';
const WF = '/service/cloud/workflow';

describe(`workflow queries over the engine's rows (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let api: ReturnType<typeof client>;
  let workflowId: string;

  before(async () => {
    server = await startTestServer();
    receiver = await startReceiver();
    const app = await server.runtime.services.auth.createApp({
      name: 'wfq-engine',
      webhookUrl: receiver.url,
    });
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    const graph: WorkflowGraph = {
      name: 'queries',
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
       VALUES ($1, 'queries', 1, $2, now()) RETURNING id`,
      [app.app.id, graph],
    );
    const created = await api.post(`${WF}/createinstance`, {
      workflow_template_id: Number(row!.id),
      name: 'queries_1',
      auto_finish: 1,
      end_time: '2099-01-01 00:00:00',
      details: [ANSWERS, NO_ANSWER].map((callee, i) => ({ callee, case_id: `case-${i}` })),
    });
    assert.equal(created.status, 200, created.text);
    workflowId = created.json.data.workflow_id;
    await waitFor('the workflow to finish', async () => {
      const r = await api.get(`${WF}/instances`);
      return r.json.data.list[0]?.status === 'Finished' ? true : undefined;
    });
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('lists the finished workflow, its node tasks, its call task and its numbers', async () => {
    const list = await api.get(`${WF}/instances`);
    assert.equal(list.json.data.list[0].workflow_id, workflowId);
    assert.equal(list.json.data.list[0].record_count, 2);
    assert.equal(list.json.data.list[0].done_count, 2);

    const nodes = await api.get(`${WF}/nodetasks?workflow_id=${workflowId}`);
    const call = nodes.json.data.find((n: { node_type: string }) => n.node_type === 'call');
    assert.equal(call.nodetask_name, 'Call1');
    assert.equal(call.task_status, 'Finished');
    const apiNode = nodes.json.data.find((n: { node_type: string }) => n.node_type === 'api');
    assert.equal(apiNode.nodetask_name, 'API2');
    assert.equal(apiNode.task_id, undefined, 'an API node runs no task');

    const tasks = await api.post(`${WF}/tasklist`, { workflow_id: workflowId });
    assert.equal(tasks.json.data.total, 1);
    assert.equal(tasks.json.data.list[0].task_id, call.task_id);
    assert.equal(tasks.json.data.list[0].total_count, 2);

    const detail = await api.post(`${WF}/taskdetail`, {
      workflow_id: workflowId,
      task_id: call.task_id,
    });
    assert.equal(detail.status, 200, detail.text);
    assert.deepEqual(detail.json.data.list.map((r: { case_id: string }) => r.case_id).sort(), [
      'case-0',
      'case-1',
    ]);
    for (const record of detail.json.data.list) {
      assert.equal(record.workflow_name, 'queries_1');
      assert.equal(record.nodetask_id, call.nodetask_id);
    }

    const found = await api.post(`${WF}/detailinstances`, {
      case_id: 'case-1',
      start_time: '2000-01-01 00:00:00',
      end_time: '2099-01-01 00:00:00',
    });
    assert.deepEqual(
      found.json.data.map((r: { workflow_id: string; callee: string }) => [
        r.workflow_id,
        r.callee,
      ]),
      [[workflowId, NO_ANSWER]],
    );
    const calls = await api.get(`${WF}/case?workflow_id=${workflowId}&case_id=case-0`);
    assert.equal(calls.json.data.length, 1);
    assert.equal(calls.json.data[0].callee_number, ANSWERS);
    assert.match(
      calls.json.data[0].recording_url,
      /\/recordings\//,
      'the answered call is recorded',
    );
  });

  it('answers the API node’s push as it was pushed, by the node_id the push carried', async () => {
    const push = await waitFor('the push', () => {
      const p = receiver.requests.map((r) => JSON.parse(r.body)).find((b) => b.node_id);
      return p;
    });
    const r = await api.post(`${WF}/apinoticeinfo`, {
      workflow_id: workflowId,
      node_id: push.node_id,
      callee: NO_ANSWER,
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data, push);
    const answered = await api.post(`${WF}/apinoticeinfo`, {
      workflow_id: workflowId,
      node_id: push.node_id,
      callee: ANSWERS,
    });
    assert.equal(answered.status, 404, 'the reached number took the other branch');
    assert.equal(answered.json.message, 'The record has not passed that node');
  });
});
