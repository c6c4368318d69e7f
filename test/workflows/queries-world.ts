import assert from 'node:assert/strict';
import { newId } from '../../src/shared/ids.ts';
import { client, startTestServer, tokenFor, waitFor } from '../helpers/server.ts';
import {
  insertNodeTask,
  insertRecord,
  insertRun,
  insertStep,
  insertTemplate,
  insertWabaBatch,
  insertWorkflow,
} from './queries-seed.ts';

// One workflow as its engine leaves it, for the query tests: a real call task dialled to the
// end on the simulator and adopted by the workflow's call node, a WABA batch of two messages,
// two records and their steps (the first passed the API node), an older stopped workflow, and
// another app with a workflow of its own.

export const WF = '/service/cloud/workflow';
// Persona 0 with 9 second-to-last: answers from the second dial on (two attempts, the second
// recorded); persona 5: never answers (two unanswered attempts).
export const LATE = '+6281234567090';
export const NEVER = '+6281234567005';

export type World = Awaited<ReturnType<typeof workflowWorld>>;

export async function workflowWorld() {
  const m1 = newId();
  const m2 = newId();
  const payload = {
    workflow_id: '',
    node_name: 'API1',
    type: 'call',
    callee: { case_id: 'case-1' },
  };
  const server = await startTestServer();
  const { auth } = server.runtime.services;
  const app = await auth.createApp({ name: 'wfq', timezone: 'Asia/Jakarta' });
  const other = await auth.createApp({ name: 'other' });
  const api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
  const stranger = client(server.url, await tokenFor(server.url, other.appKey, other.appSecret));
  const db = server.store.db;

  // A real task, dialled to the end on the simulator, then adopted as the call node's task.
  const created = await api.post('/service/cloud/task', {
    task_name: 'wf_call1',
    robot_id: '4496',
    redial_times: 1,
    callees: [
      { callee_number: LATE, case_id: 'case-1', name: 'Budi' },
      { callee_number: NEVER, case_id: 'case-2', name: 'Sari' },
    ],
  });
  assert.equal(created.status, 200, created.text);
  const taskId: string = created.json.data.task_id;
  await waitFor('the task to finish', async () => {
    const r = await api.get(`/service/cloud/detail?task_id=${taskId}`);
    return r.json.data.task_status === 'Finished' || undefined;
  });

  const appId = app.app.id;
  const templateId = await insertTemplate(db, appId);
  const older = await insertWorkflow(db, appId, templateId, {
    name: 'older',
    status: 'Stopped',
    createdAt: '2026-01-09T02:00:00Z',
  });
  const wf = await insertWorkflow(db, appId, templateId, {
    name: 'collection_0110',
    createdAt: '2026-01-10T02:00:00Z',
    records: 2,
    done: 1,
  });
  payload.workflow_id = wf;
  await db.query('UPDATE tasks SET workflow_id = $1 WHERE id = $2', [wf, taskId]);
  const { batchId } = await insertWabaBatch(
    db,
    appId,
    [
      { id: m1, userId: LATE.slice(1), status: 'read', sentAt: '2026-01-10T03:20:00Z' },
      { id: m2, userId: NEVER.slice(1), status: 'queued', sentAt: null },
    ],
    '2026-01-10T03:00:00Z',
  );
  const rec1 = await insertRecord(db, appId, wf, {
    seq: 1,
    caseId: 'case-1',
    callee: LATE,
    createdAt: '2026-01-10T02:00:00Z',
    facts: { chatbot: { call_id: 'session-1', waba_task_id: batchId, template_msg_id: m1 } },
  });
  const rec2 = await insertRecord(db, appId, wf, {
    seq: 2,
    caseId: 'case-2',
    callee: NEVER,
    createdAt: '2026-01-10T02:00:00Z',
  });
  for (const [node, name] of [
    ['call1', 'Call1'],
    ['waba1', 'WABA1'],
    ['api1', 'API1'],
    ['wait1', 'wait1'],
  ] as const) {
    await insertNodeTask(db, wf, node, name, '2026-01-10T02:00:00Z');
  }
  await insertRun(db, wf, 'call1', taskId, 'call', '2026-01-10T02:00:01Z');
  await insertRun(db, wf, 'waba1', batchId, 'waba', '2026-01-10T03:00:00Z');
  const at = '2026-01-10T02:00:00Z';
  await insertStep(db, wf, rec1, {
    step: 1,
    node: 'call1',
    taskId,
    output: { task_id: taskId },
    at,
  });
  await insertStep(db, wf, rec2, {
    step: 1,
    node: 'call1',
    taskId,
    output: { task_id: taskId },
    at,
  });
  await insertStep(db, wf, rec1, {
    step: 2,
    node: 'waba1',
    taskId: batchId,
    output: { waba_task_id: batchId, msg_id: m1 },
    at,
  });
  await insertStep(db, wf, rec2, {
    step: 2,
    node: 'waba1',
    taskId: batchId,
    output: { waba_task_id: batchId, msg_id: m2 },
    at,
  });
  await insertStep(db, wf, rec1, { step: 3, node: 'api1', output: { payload }, at });
  await insertStep(db, wf, rec1, { step: 4, node: 'wait1', output: null, at });

  // The other app's workflow: never seen by the first.
  const theirs = await insertTemplate(db, other.app.id, 'theirs');
  await insertWorkflow(db, other.app.id, theirs, {
    name: 'theirs',
    createdAt: '2026-01-11T00:00:00Z',
  });
  return {
    server,
    api,
    stranger,
    appId,
    templateId,
    wf,
    older,
    taskId,
    batchId,
    rec1,
    rec2,
    m1,
    m2,
    payload,
  };
}
