import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeTaskId, wireNodeId } from '../../src/modules/workflows/graph.ts';
import { newId } from '../../src/shared/ids.ts';
import { storeKind } from '../helpers/db.ts';
import type { TestServer, client } from '../helpers/server.ts';
import { LATE, NEVER, WF, workflowWorld } from './queries-world.ts';

// The Workflow family's query endpoints (spec/workflow-api.md §9-13, §15, §16; docs/workflow-api.md
// "Query endpoints") over the rows the engine leaves (queries-world.ts).

describe(`workflow query endpoints (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let stranger: ReturnType<typeof client>;
  let templateId: number;
  let wf: string;
  let older: string;
  let taskId: string;
  let batchId: string;
  let rec1: string;
  let rec2: string;
  let payload: Record<string, unknown>;

  before(async () => {
    ({ server, api, stranger, templateId, wf, older, taskId, batchId, rec1, rec2, payload } =
      await workflowWorld());
  });
  after(() => server.close());

  it('§9 lists the app’s workflows newest first, in the app’s zone, with filters and paging', async () => {
    const r = await api.get(`${WF}/instances`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 200);
    assert.equal(r.json.message, 'Success');
    assert.equal(r.json.data.total, 2, 'the other app’s workflow is not listed');
    assert.deepEqual(r.json.data.list[0], {
      workflow_id: wf,
      workflow_name: 'collection_0110',
      workflow_template_id: templateId,
      workflow_template_name: 'collection_call_waba_api',
      status: 'Running',
      auto_finish: 2,
      end_time: '2026-01-11 09:00:00',
      created_at: '2026-01-10 09:00:00',
      record_count: 2,
      done_count: 1,
    });
    assert.equal(r.json.data.list[1].workflow_id, older);

    const page2 = await api.get(`${WF}/instances?page=2&page_size=1`);
    assert.deepEqual(
      page2.json.data.list.map((w: { workflow_id: string }) => w.workflow_id),
      [older],
    );
    assert.equal(page2.json.data.total, 2);
    const stopped = await api.get(`${WF}/instances?status=Stopped`);
    assert.deepEqual(
      stopped.json.data.list.map((w: { workflow_name: string }) => w.workflow_name),
      ['older'],
    );
    const window = await api.get(
      `${WF}/instances?start_time=${encodeURIComponent('2026-01-10 08:00:00')}&end_time=${encodeURIComponent('2026-01-10 10:00:00')}`,
    );
    assert.deepEqual(
      window.json.data.list.map((w: { workflow_id: string }) => w.workflow_id),
      [wf],
    );
    const byTemplate = await api.get(`${WF}/instances?workflow_template_id=${templateId + 1000}`);
    assert.equal(byTemplate.json.data.total, 0);

    const tooBig = await api.get(`${WF}/instances?page_size=101`);
    assert.equal(tooBig.status, 400);
    assert.match(tooBig.json.message, /page_size/);
    const badTime = await api.get(`${WF}/instances?start_time=yesterday`);
    assert.equal(badTime.status, 400);
    assert.match(badTime.json.message, /start_time/);
    const hugeTemplate = await api.get(`${WF}/instances?workflow_template_id=99999999999999999999`);
    assert.equal(hugeTemplate.status, 400);
    assert.match(hugeTemplate.json.message, /workflow_template_id/);
    const badStatus = await api.get(`${WF}/instances?status=Sleeping`);
    assert.equal(badStatus.status, 400);
    assert.match(badStatus.json.message, /status/);
  });

  it('§10 lists node tasks with the latest task and its status', async () => {
    const r = await api.get(`${WF}/nodetasks?workflow_id=${wf}`);
    assert.equal(r.status, 200, r.text);
    const byName = Object.fromEntries(
      r.json.data.map((n: { nodetask_name: string }) => [n.nodetask_name, n]),
    );
    assert.deepEqual(byName.Call1, {
      nodetask_id: nodeTaskId(wf, 'call1'),
      nodetask_name: 'Call1',
      node_type: 'call',
      task_id: taskId,
      task_status: 'Finished',
    });
    assert.deepEqual(byName.WABA1, {
      nodetask_id: nodeTaskId(wf, 'waba1'),
      nodetask_name: 'WABA1',
      node_type: 'waba',
      task_id: batchId,
      task_status: 'Running',
    });
    assert.deepEqual(byName.API1, {
      nodetask_id: nodeTaskId(wf, 'api1'),
      nodetask_name: 'API1',
      node_type: 'api',
    });
    assert.equal(r.json.data.length, 4);

    const theirs = await stranger.get(`${WF}/nodetasks?workflow_id=${wf}`);
    assert.equal(theirs.status, 404);
    assert.equal(theirs.json.message, 'Workflow not found');
    const missing = await api.get(`${WF}/nodetasks`);
    assert.equal(missing.status, 400);
    assert.match(missing.json.message, /workflow_id/);
  });

  it('§11 lists the call tasks with their counts', async () => {
    const r = await api.post(`${WF}/tasklist`, { workflow_id: wf, page: 1, page_size: 20 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.total, 1);
    const [task] = r.json.data.list;
    assert.deepEqual(
      { ...task, create_time: undefined },
      {
        task_id: taskId,
        task_name: 'wf_call1',
        nodetask_id: nodeTaskId(wf, 'call1'),
        nodetask_name: 'Call1',
        status: 'Finished',
        create_time: undefined,
        total_count: 2,
        called_count: 2,
      },
    );
    assert.match(task.create_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const otherNode = await api.post(`${WF}/tasklist`, {
      workflow_id: wf,
      nodetask_id: nodeTaskId(wf, 'waba1'),
    });
    assert.equal(otherNode.json.data.total, 0);
    const unknown = await api.post(`${WF}/tasklist`, { workflow_id: newId() });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.message, 'Workflow not found');
  });

  it('§12/§13 answers the legacy detail records with the workflow keys, filtered and paged', async () => {
    const r = await api.post(`${WF}/taskdetail`, { workflow_id: wf, task_id: taskId });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.total, 2);
    const legacy = await api.get(`/service/cloud/detail?task_id=${taskId}`);
    const unsigned = (x: { recording_url: string }) => ({
      ...x,
      recording_url: x.recording_url.split('?')[0],
    });
    const first = r.json.data.list[0];
    const { workflow_id, workflow_name, nodetask_id, nodetask_name, ...record } = first;
    assert.deepEqual(
      { workflow_id, workflow_name, nodetask_id, nodetask_name },
      {
        workflow_id: wf,
        workflow_name: 'collection_0110',
        nodetask_id: nodeTaskId(wf, 'call1'),
        nodetask_name: 'Call1',
      },
    );
    assert.deepEqual(unsigned(record), unsigned(legacy.json.data.list[0]), 'the legacy record');
    assert.equal(first.case_id, 'case-1');
    assert.equal(first.call_times, 2);
    assert.ok(Array.isArray(first.question_answer), 'the info-check answers have their place');
    assert.match(first.recording_url, /^http:\/\/127\.0\.0\.1:\d+\/recordings\//);

    const byCase = await api.post(`${WF}/taskdetail`, {
      workflow_id: wf,
      task_id: taskId,
      case_id: 'case-2',
    });
    assert.deepEqual(
      byCase.json.data.list.map((x: { callee_number: string }) => x.callee_number),
      [NEVER],
    );
    assert.equal(byCase.json.data.list[0].recording_url, '');
    const byCallee = await api.post(`${WF}/taskdetail`, {
      workflow_id: wf,
      task_id: taskId,
      callee: LATE,
    });
    assert.deepEqual(
      byCallee.json.data.list.map((x: { case_id: string }) => x.case_id),
      ['case-1'],
    );
    const page2 = await api.post(`${WF}/taskdetail`, {
      workflow_id: wf,
      task_id: taskId,
      page: 2,
      page_size: 1,
    });
    assert.deepEqual(
      page2.json.data.list.map((x: { case_id: string }) => x.case_id),
      ['case-2'],
    );
    assert.equal(page2.json.data.total, 2);

    const notOfThis = await api.post(`${WF}/taskdetail`, { workflow_id: older, task_id: taskId });
    assert.equal(notOfThis.status, 404);
    assert.equal(notOfThis.json.message, 'Task is not found');
    const theirs = await stranger.post(`${WF}/taskdetail`, { workflow_id: wf, task_id: taskId });
    assert.equal(theirs.status, 404);
    const noTask = await api.post(`${WF}/taskdetail`, { workflow_id: wf });
    assert.equal(noTask.status, 400);
    assert.match(noTask.json.message, /task_id/);
    const badCallee = await api.post(`${WF}/taskdetail`, {
      workflow_id: wf,
      task_id: taskId,
      callee: 'abc',
    });
    assert.equal(badCallee.status, 400);
    assert.match(badCallee.json.message, /callee/);
  });

  it('§15 finds the workflows of a case or number in a creation window', async () => {
    const window = { start_time: '2026-01-10 00:00:00', end_time: '2026-01-10 23:59:59' };
    const r = await api.post(`${WF}/detailinstances`, { callee: LATE, ...window });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data, [
      {
        workflow_id: wf,
        workflow_name: 'collection_0110',
        case_id: 'case-1',
        callee: LATE,
        wfdetail_uuid: rec1,
        created_at: '2026-01-10 09:00:00',
      },
    ]);
    const byCase = await api.post(`${WF}/detailinstances`, { case_id: 'case-2', ...window });
    assert.deepEqual(
      byCase.json.data.map((x: { wfdetail_uuid: string }) => x.wfdetail_uuid),
      [rec2],
    );
    const outside = await api.post(`${WF}/detailinstances`, {
      callee: LATE,
      start_time: '2026-01-11 00:00:00',
      end_time: '2026-01-12 00:00:00',
    });
    assert.deepEqual(outside.json.data, []);
    const theirs = await stranger.post(`${WF}/detailinstances`, { callee: LATE, ...window });
    assert.deepEqual(theirs.json.data, []);
    // As AIRudder clients send it too: form-encoded, keys in another case.
    const form = await api.post(
      `${WF}/detailinstances`,
      new URLSearchParams({
        Callee: LATE,
        Start_Time: window.start_time,
        END_TIME: window.end_time,
      }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    assert.equal(form.status, 200, form.text);
    assert.deepEqual(form.json.data, r.json.data);
    const neither = await api.post(`${WF}/detailinstances`, window);
    assert.equal(neither.status, 400);
    assert.match(neither.json.message, /case_id or callee/);
    const noEnd = await api.post(`${WF}/detailinstances`, {
      callee: LATE,
      start_time: window.start_time,
    });
    assert.equal(noEnd.status, 400);
    assert.match(noEnd.json.message, /end_time/);
  });

  it('§16 answers the stored push of the API node, by its wire node id', async () => {
    const nodeId = wireNodeId(templateId, 'api1');
    const r = await api.post(`${WF}/apinoticeinfo`, {
      workflow_id: wf,
      node_id: nodeId,
      callee: LATE,
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data, payload);
    const withCase = await api.post(`${WF}/apinoticeinfo`, {
      workflow_id: wf,
      node_id: nodeId,
      callee: LATE,
      case_id: 'case-1',
    });
    assert.deepEqual(withCase.json.data, payload);

    const notPassed = await api.post(`${WF}/apinoticeinfo`, {
      workflow_id: wf,
      node_id: nodeId,
      callee: NEVER,
    });
    assert.equal(notPassed.status, 404);
    assert.equal(notPassed.json.message, 'The record has not passed that node');
    const notApi = await api.post(`${WF}/apinoticeinfo`, {
      workflow_id: wf,
      node_id: wireNodeId(templateId, 'wait1'),
      callee: LATE,
    });
    assert.equal(notApi.status, 404);
    assert.match(notApi.json.message, /^The record has not passed that node: no API node /);
    const noRecord = await api.post(`${WF}/apinoticeinfo`, {
      workflow_id: wf,
      node_id: nodeId,
      callee: '+6281200000000',
    });
    assert.equal(noRecord.status, 404);
    assert.equal(noRecord.json.message, 'Workflow record not found');
    const theirs = await stranger.post(`${WF}/apinoticeinfo`, {
      workflow_id: wf,
      node_id: nodeId,
      callee: LATE,
    });
    assert.equal(theirs.json.message, 'Workflow not found');
    const noNode = await api.post(`${WF}/apinoticeinfo`, { workflow_id: wf, callee: LATE });
    assert.equal(noNode.status, 400);
    assert.match(noNode.json.message, /node_id/);
  });

  it('answers the same queries under the LeadsGeneration prefix', async () => {
    const r = await api.get(`/service/cloud/leadsgeneration/workflow/nodetasks?workflow_id=${wf}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.length, 4);
  });
});
