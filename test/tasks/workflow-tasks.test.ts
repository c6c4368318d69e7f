import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { domainEvents, type DomainEvent } from '../../src/queue/domain-events.ts';
import { newId } from '../../src/shared/ids.ts';
import {
  CALL_FINAL,
  TASK_FINISHED,
  type CallFinal,
  type TaskFinished,
} from '../../src/modules/tasks/task-events.ts';
import { taskOfApp } from '../../src/modules/tasks/task-access.ts';
import { createTaskInTx } from '../../src/modules/tasks/tasks.service.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Tasks made by a workflow's call node (tasks.workflow_id): created beside the app's own tasks
// without their name and duplicate-number rules, published with a workflow parent, left out of
// the ordinary customer webhooks, and refused by every ordinary task operation (10704).

describe(`tasks of a workflow (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let appId: number;
  const finals: DomainEvent<CallFinal>[] = [];
  const finished: DomainEvent<TaskFinished>[] = [];

  before(async () => {
    server = await startTestServer();
    const created = await server.runtime.services.auth.createApp({ name: 'wf-tasks' });
    appId = created.app.id;
    api = client(server.url, await tokenFor(server.url, created.appKey, created.appSecret));
    // What a subscriber (the workflows module) is given; by a name of its own, beside the others.
    domainEvents.inTransaction(CALL_FINAL, {
      name: 'test.workflow-tasks',
      handle: async (_tx, events) => void finals.push(...events),
    });
    domainEvents.inTransaction(TASK_FINISHED, {
      name: 'test.workflow-tasks',
      handle: async (_tx, events) => void finished.push(...events),
    });
  });
  after(() => server.close());

  /** A workflow row (and the template it needs), straight in SQL: the FKs of tasks.workflow_id. */
  const newWorkflow = async () => {
    const id = newId();
    await server.store.db.transaction(async (tx) => {
      const [template] = await tx.query<{ id: string }>(
        `INSERT INTO workflow_templates (app_id, name, version, graph, created_at)
         VALUES ($1, $2, 1, '{}', now()) RETURNING id`,
        [appId, `tpl_${id}`],
      );
      await tx.query(
        `INSERT INTO workflows (id, app_id, template_id, name, end_time, created_at)
         VALUES ($1, $2, $3, $4, now() + interval '1 day', now())`,
        [id, appId, template!.id, `wf_${id}`],
      );
    });
    return id;
  };

  const workflowTask = (workflowId: string, name: string, numbers: string[], start = new Date()) =>
    server.store.db.transaction((tx) =>
      createTaskInTx(
        tx,
        { appId, timezone: 'UTC' },
        {
          task_name: name,
          robot_id: 4496,
          start,
          end: new Date(start.getTime() + 86_400_000),
          redial_times: 0,
          redial_interval_s: 0,
          caller_number: '+6280000000001',
          max_concurrency: null,
          workflow_id: workflowId,
          callees: numbers.map((callee_number, seq) => ({
            seq,
            case_id: `case_${seq}`,
            callee_number,
            data: { wfdetail_uuid: `rec_${seq}` },
          })),
        },
      ),
    );

  const calleesOf = (taskId: string) =>
    server.store.db.query<{ status: string; attempts: number; data: Record<string, unknown> }>(
      'SELECT status, attempts, data FROM callees WHERE task_id = $1 ORDER BY seq',
      [taskId],
    );
  const webhooksOf = (taskId: string) =>
    server.store.db.query<{ type: string }>(
      `SELECT type FROM webhook_events
       WHERE subject_id = $1 OR payload->'call'->>'task_id' = $1`,
      [taskId],
    );

  it('takes a name and numbers the app already uses, and keeps each number’s data', async () => {
    const inFuture = {
      start_time: '2099-01-01 00:00:00+00:00',
      end_time: '2099-01-02 00:00:00+00:00',
    };
    const own = await api.post('/service/cloud/task', {
      task_name: 'Call1',
      robot_id: '4496',
      ...inFuture,
      callees: [{ case_id: 'case_0', callee_number: '+6281200000001' }],
    });
    assert.equal(own.status, 200, own.text);
    const workflowId = await newWorkflow();
    const later = new Date(Date.parse('2099-01-01T00:00:00Z'));
    // The same name twice in one workflow, and the number waiting in the app's own task.
    const first = await workflowTask(workflowId, 'Call1', ['+6281200000001'], later);
    const second = await workflowTask(workflowId, 'Call1', ['+6281200000001'], later);
    assert.equal(first.skipped_duplicates, 0);
    assert.equal(second.skipped_duplicates, 0);
    assert.notEqual(first.task_id, second.task_id);
    const row = await taskOfApp(server.store.db, appId, first.task_id);
    assert.equal(row?.workflow_id, workflowId);
    assert.equal(row?.plan_id, null);
    assert.deepEqual(
      (await calleesOf(first.task_id)).map((c) => c.data),
      [{ wfdetail_uuid: 'rec_0' }],
    );
    // The app's own tasks still meet the name rule.
    const again = await api.post('/service/cloud/task', {
      task_name: 'Call1',
      robot_id: '4496',
      ...inFuture,
      callees: [{ case_id: 'x', callee_number: '+6281200000002' }],
    });
    assert.equal(again.status, 400, again.text);
    assert.notEqual(again.json.code, 10704);
  });

  it('refuses every ordinary operation with 10704 and changes nothing; reads still work', async () => {
    const workflowId = await newWorkflow();
    // Due far ahead, so the dialer leaves it alone; Running as though it had dialled.
    const { task_id } = await workflowTask(
      workflowId,
      'Call2',
      ['+6281200000003', '+6281200000004'],
      new Date(Date.parse('2099-01-01T00:00:00Z')),
    );
    await server.store.db.query(
      `UPDATE tasks SET status = 'Running', started_at = now() WHERE id = $1`,
      [task_id],
    );
    const before = await calleesOf(task_id);
    const attempts = [
      ['/service/cloud/operation', { task_id, operation: 'stop' }],
      ['/service/cloud/operation', { task_id, operation: 'pause' }],
      ['/service/cloud/operation', { task_id, operation: 'resume' }],
      ['/service/cloud/cancelphonecall', { task_id, callee_number: '+6281200000003' }],
      ['/service/cloud/cancelphonecall', { task_id, case_id: 'case_1' }],
    ] as const;
    for (const [path, body] of attempts) {
      const r = await api.post(path, body);
      const what = `${path} ${JSON.stringify(body)}`;
      assert.equal(r.status, 400, `${what}: ${r.text}`);
      assert.equal(r.json.code, 10704, what);
      assert.equal(r.json.status, 'Bad Request', what);
    }
    const [task] = await server.store.db.query<{ status: string }>(
      'SELECT status FROM tasks WHERE id = $1',
      [task_id],
    );
    assert.equal(task?.status, 'Running');
    assert.deepEqual(await calleesOf(task_id), before);
    assert.deepEqual(
      before.map((c) => c.status),
      ['pending', 'pending'],
    );
    const detail = await api.get(`/service/cloud/detail?task_id=${task_id}`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.json.data.task_status, 'Running');
    // Another app's task id is still "not found", not a workflow's secret.
    const other = await api.post('/service/cloud/operation', {
      task_id: newId(),
      operation: 'stop',
    });
    assert.equal(other.json.code, 404);
  });

  it('publishes its call and task events with the workflow as parent, and writes no webhook', async () => {
    const workflowId = await newWorkflow();
    const { task_id } = await workflowTask(workflowId, 'Call3', ['+6281200000005']);
    await waitFor('the workflow task to finish', async () =>
      finished.some((e) => e.data.task.id === task_id) ? true : undefined,
    );
    const parent = { kind: 'workflow', id: workflowId, step: 0 };
    const final = finals.find((e) => e.data.taskId === task_id);
    assert.ok(final, 'call.final published');
    assert.deepEqual(final.data.parent, parent);
    assert.equal(final.data.parentId, workflowId);
    const done = finished.find((e) => e.data.task.id === task_id)!;
    assert.deepEqual(done.data.parent, parent);
    assert.equal(done.data.task.workflow_id, workflowId);
    // The workflow notifies for its own tasks (spec/workflow-api.md §17); no plan is advanced.
    assert.deepEqual(await webhooksOf(task_id), []);
    const jobs = await server.store.db.query(
      `SELECT 1 FROM jobs WHERE queue = 'plan.advance' AND key LIKE $1`,
      [`%${task_id}`],
    );
    assert.equal(jobs.length, 0);
    // An ordinary task of the same app, beside it, does get both webhooks.
    const own = await api.post('/service/cloud/task', {
      task_name: 'own_beside',
      robot_id: '4496',
      callees: [{ callee_number: '+6281200000006' }],
    });
    const ownId = own.json.data.task_id as string;
    await waitFor('the ordinary task to finish', async () =>
      finished.some((e) => e.data.task.id === ownId) ? true : undefined,
    );
    assert.deepEqual((await webhooksOf(ownId)).map((w) => w.type).sort(), ['call', 'task']);
  });
});
