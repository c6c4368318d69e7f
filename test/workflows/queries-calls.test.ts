import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeTaskId } from '../../src/modules/workflows/graph.ts';
import { newId } from '../../src/shared/ids.ts';
import { seedCall, seedTask } from '../compliance/seed.ts';
import { storeKind } from '../helpers/db.ts';
import type { TestServer, client } from '../helpers/server.ts';
import { LATE, NEVER, WF, workflowWorld } from './queries-world.ts';

// The Workflow family's per-number call, recording and WABA queries (spec/workflow-api.md
// §14a-e; docs/workflow-api.md "Query endpoints") over the rows the engine leaves (queries-world.ts).

describe(`workflow call and WABA queries (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let stranger: ReturnType<typeof client>;
  let appId: number;
  let wf: string;
  let taskId: string;
  let batchId: string;
  let rec1: string;
  let rec2: string;
  let m1: string;
  let m2: string;

  before(async () => {
    ({ server, api, stranger, appId, wf, taskId, batchId, rec1, rec2, m1, m2 } =
      await workflowWorld());
  });
  after(() => server.close());

  it('§14a/§14b/§14c answer calls by number, case and call id, with recording links', async () => {
    const byWorkflow = await api.get(
      `${WF}/case?workflow_id=${wf}&callee=${encodeURIComponent(LATE)}`,
    );
    assert.equal(byWorkflow.status, 200, byWorkflow.text);
    assert.equal(byWorkflow.json.data.length, 2, 'both attempts to the number');
    const [firstTry, secondTry] = byWorkflow.json.data;
    assert.equal(firstTry.recording_url, '', 'the unanswered attempt has no recording');
    assert.match(secondTry.recording_url, /\/recordings\//);
    assert.equal(secondTry.call_times, 2);
    assert.equal(secondTry.redial_call[0].call_id, firstTry.call_id);
    assert.equal(secondTry.nodetask_name, 'Call1');
    assert.equal(secondTry.case_id, 'case-1');

    const byTask = await api.get(`${WF}/case?task_id=${taskId}&case_id=case-2`);
    assert.deepEqual(
      byTask.json.data.map((c: { callee_number: string }) => c.callee_number),
      [NEVER, NEVER],
    );
    const nothing = await api.get(`${WF}/case?workflow_id=${wf}&case_id=case-9`);
    assert.deepEqual(nothing.json.data, []);
    const noKey = await api.get(`${WF}/case?workflow_id=${wf}`);
    assert.equal(noKey.status, 400);
    assert.match(noKey.json.message, /callee or case_id/);
    const noScope = await api.get(`${WF}/case?case_id=case-1`);
    assert.equal(noScope.status, 400);
    assert.match(noScope.json.message, /task_id or workflow_id/);

    const one = await api.get(`${WF}/call?call_id=${secondTry.call_id}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json.data.workflow_id, wf);
    assert.equal(one.json.data.call_id, secondTry.call_id);
    assert.equal(one.json.data.recording_url.split('?')[0], secondTry.recording_url.split('?')[0]);
    const missing = await api.get(`${WF}/call`);
    assert.equal(missing.status, 400);
    assert.match(missing.json.message, /call_id/);
    const unknown = await api.get(`${WF}/call?call_id=${newId()}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.message, 'Call is not found');
    const theirs = await stranger.get(`${WF}/call?call_id=${secondTry.call_id}`);
    assert.equal(theirs.status, 404);
    // A call of an ordinary task (no workflow parent) is not a workflow's call.
    const ordinary = await seedTask(server.store.db, appId);
    const ordinaryCall = await seedCall(server.store.db, appId, ordinary, {
      number: LATE,
      caseId: 'case-1',
      startedAt: '2026-01-10T02:00:00Z',
    });
    const notWorkflow = await api.get(`${WF}/call?call_id=${ordinaryCall}`);
    assert.equal(notWorkflow.status, 404);
    assert.equal(notWorkflow.json.message, 'Call is not found');
    const stillTwo = await api.get(
      `${WF}/case?workflow_id=${wf}&callee=${encodeURIComponent(LATE)}`,
    );
    assert.equal(stillTwo.json.data.length, 2, "the ordinary task's call is not the workflow's");

    const recordings = await api.get(`${WF}/recordings?workflow_id=${wf}&case_id=case-1`);
    assert.equal(recordings.status, 200, recordings.text);
    assert.equal(recordings.json.data.length, 1, 'only the recorded attempt');
    assert.deepEqual(Object.keys(recordings.json.data[0]).sort(), [
      'call_end_time',
      'call_id',
      'call_start_time',
      'nodetask_id',
      'nodetask_name',
      'recording_url',
      'task_id',
    ]);
    assert.equal(recordings.json.data[0].call_id, secondTry.call_id);
    const none = await api.get(
      `${WF}/recordings?workflow_id=${wf}&callee=${encodeURIComponent(NEVER)}`,
    );
    assert.deepEqual(none.json.data, []);
    const strangers = await stranger.get(`${WF}/recordings?workflow_id=${wf}&case_id=case-1`);
    assert.equal(strangers.status, 404);
    assert.equal(strangers.json.message, 'Workflow not found');
  });

  it('§14d/§14e list WABA tasks and their messages with the records they went to', async () => {
    const tasks = await api.get(`${WF}/wabatasks?workflow_id=${wf}`);
    assert.equal(tasks.status, 200, tasks.text);
    assert.deepEqual(tasks.json.data, {
      total: 1,
      list: [
        {
          waba_task_id: batchId,
          nodetask_id: nodeTaskId(wf, 'waba1'),
          nodetask_name: 'WABA1',
          waba_template_id: tasks.json.data.list[0].waba_template_id,
          waba_template_name: 'send_card_0331',
          channel_id: 'wa-main',
          status: 'Running',
          create_time: '2026-01-10 10:00:00',
          total_count: 2,
        },
      ],
    });
    const detail = await api.get(`${WF}/wabataskdetail?waba_task_id=${batchId}`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.json.data.total, 2);
    assert.deepEqual(detail.json.data.list[0], {
      msg_id: m1,
      callee: LATE,
      case_id: 'case-1',
      wfdetail_uuid: rec1,
      status: 'read',
      send_time: '2026-01-10 10:20:00',
      waba_template_name: 'send_card_0331',
      waba_template_id: tasks.json.data.list[0].waba_template_id,
      channel_id: 'wa-main',
      call_id: 'session-1',
    });
    assert.deepEqual(
      { ...detail.json.data.list[1], waba_template_id: 0 },
      {
        ...detail.json.data.list[0],
        msg_id: m2,
        callee: NEVER,
        case_id: 'case-2',
        wfdetail_uuid: rec2,
        status: '',
        send_time: '',
        call_id: '',
        waba_template_id: 0,
      },
    );
    const byCase = await api.get(`${WF}/wabataskdetail?waba_task_id=${batchId}&case_id=case-2`);
    assert.deepEqual(
      byCase.json.data.list.map((m: { msg_id: string }) => m.msg_id),
      [m2],
    );
    const byCallee = await api.get(
      `${WF}/wabataskdetail?waba_task_id=${batchId}&callee=${encodeURIComponent(LATE)}`,
    );
    assert.deepEqual(
      byCallee.json.data.list.map((m: { msg_id: string }) => m.msg_id),
      [m1],
    );
    const paged = await api.get(`${WF}/wabataskdetail?waba_task_id=${batchId}&page=2&page_size=1`);
    assert.deepEqual(
      paged.json.data.list.map((m: { msg_id: string }) => m.msg_id),
      [m2],
    );

    const theirs = await stranger.get(`${WF}/wabataskdetail?waba_task_id=${batchId}`);
    assert.equal(theirs.status, 404);
    assert.equal(theirs.json.message, 'Task is not found');
    const callTask = await api.get(`${WF}/wabataskdetail?waba_task_id=${taskId}`);
    assert.equal(callTask.status, 404, 'a call task is not a WABA task');
  });
});
