import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/shared/clock.ts';
import { storeKind } from '../../helpers/db.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { insertPdsCall } from './pds-calls.ts';
import {
  assertPdsCode,
  createPdsTask,
  freshNumber,
  pdsApp,
  pdsGroup,
  taskBody,
  type PdsApp,
} from './pds-client.ts';

// copytask over HTTP: a new task with the source's settings and numbers (all, never answered,
// without the cancelled), the body's changes on top, and the codes (docs/pds-api.md).

const NOW = new Date('2030-03-04T02:00:00Z');

describe(`PDS copytask (${storeKind})`, () => {
  let server: TestServer;
  let app: PdsApp;
  let sourceId: string;
  const [answered, unanswered, cancelled, voicemail] = [
    freshNumber(),
    freshNumber(),
    freshNumber(),
    freshNumber(),
  ];

  const db = () => server.store.db;
  /** The copy's numbers; the copy is then finished, so the next copy may queue them again. */
  const numbersOf = async (taskId: string) => {
    const rows = await db().query<{ callee_number: string }>(
      'SELECT callee_number FROM callees WHERE task_id = $1 ORDER BY seq',
      [taskId],
    );
    await finish(taskId);
    return rows.map((r) => r.callee_number);
  };
  const pdsOf = async (taskId: string) =>
    (await db().query<{ pds: any }>('SELECT pds FROM tasks WHERE id = $1', [taskId]))[0]!.pds; // eslint-disable-line @typescript-eslint/no-explicit-any
  const finish = (taskId: string) =>
    db().query(`UPDATE tasks SET status = 'Finished', finished_at = $2 WHERE id = $1`, [
      taskId,
      NOW,
    ]);
  const copy = (overrides: Record<string, unknown>) =>
    app.post('/copytask', taskBody({ contactList: undefined, ...overrides }));

  before(async () => {
    server = await startTestServer({ clock: new ManualClock(NOW), worker: false });
    app = await pdsApp(server, { name: 'copies' });
    await pdsGroup(server, app, 'Group_A', 2);
    await pdsGroup(server, app, 'Group_B', 1);
    ({ taskId: sourceId } = await createPdsTask(app, {
      taskName: 'Src_1',
      contactList: [answered, unanswered, cancelled, voicemail],
      agentName: ['Group_A-sim-001'],
      dialingMode: 'progressive',
      repeatTimes: 2,
      remark: 'source',
      callback: Buffer.from('https://crm.example.com/pds').toString('base64'),
    }));
    const start = new Date('2030-03-04T02:05:00Z');
    await insertPdsCall(server, sourceId, answered, {
      outcome: 'hangup',
      startedAt: start,
      pds: { answeredAt: start.toISOString(), bridgedAt: start.toISOString() },
    });
    await insertPdsCall(server, sourceId, unanswered, { outcome: 'no_answer', startedAt: start });
    await insertPdsCall(server, sourceId, voicemail, { outcome: 'voicemail', startedAt: start });
    const cancel = await app.post('/canceltaskcontacts', {
      TaskID: sourceId,
      contactList: [cancelled],
    });
    assert.deepEqual(cancel.json.body.contactList, [cancelled], cancel.text);
  });
  after(() => server?.close());

  it('answers 10515 for noanswerOnly while the source can still call', async () => {
    await createPdsTask(app, { taskName: 'Still_Waiting' });
    assertPdsCode(await copy({ fromTask: 'Still_Waiting', noanswerOnly: 'Y' }), 10515, 'waiting');
  });

  it('copies every number and the settings, with the body’s changes on top', async () => {
    // Cancelling its last waiting number finished the source.
    const [source] = await db().query<{ status: string }>(
      'SELECT status FROM tasks WHERE id = $1',
      [sourceId],
    );
    assert.equal(source!.status, 'Finished');
    const r = await copy({ fromTask: 'Src_1', taskName: 'Copy_All', remark: 'second day' });
    assert.equal(r.json.code, 0, r.text);
    const { taskId } = r.json.body;
    assert.deepEqual(await numbersOf(taskId), [answered, unanswered, cancelled, voicemail]);
    const pds = await pdsOf(taskId);
    assert.equal(pds.copiedFrom, sourceId);
    assert.equal(pds.remark, 'second day');
    assert.equal(pds.dialingMode, 'progressive');
    assert.equal(pds.repeatTimes, 2);
    assert.equal(pds.callbackUrl, 'https://crm.example.com/pds');
    assert.deepEqual(pds.agentNames, ['Group_A-sim-001']);
  });

  it('copies only the numbers never answered, and leaves the cancelled out when asked', async () => {
    const never = await copy({ fromTask: 'Src_1', taskName: 'Copy_Never', noanswerOnly: 'Y' });
    assert.deepEqual(await numbersOf(never.json.body.taskId), [unanswered, cancelled, voicemail]);
    const both = await copy({
      fromTask: 'Src_1',
      taskName: 'Copy_Never_Live',
      noanswerOnly: 'Y',
      ignoreCancelled: 'Y',
    });
    assert.deepEqual(await numbersOf(both.json.body.taskId), [unanswered, voicemail]);
  });

  it('adds the body’s contacts, and rejects those the copy already has', async () => {
    const extra = freshNumber();
    const r = await copy({
      fromTask: 'Src_1',
      taskName: 'Copy_Plus',
      noanswerOnly: 'Y',
      ignoreCancelled: 'Y',
      contactList: [extra, unanswered],
    });
    assert.deepEqual(r.json.body.errorContactList, [unanswered]);
    assert.deepEqual(await numbersOf(r.json.body.taskId), [unanswered, voicemail, extra]);
  });

  it('takes another group without the source’s agents', async () => {
    const r = await copy({ fromTask: 'Src_1', taskName: 'Copy_Group_B', groupName: 'Group_B' });
    const pds = await pdsOf(r.json.body.taskId);
    await finish(r.json.body.taskId);
    assert.equal(pds.groupName, 'Group_B');
    assert.deepEqual(pds.agentNames, []);
  });

  describe('error codes', () => {
    it('10506 unknown or absent fromTask, 10508 a taken name, 10519 nothing to copy', async () => {
      assertPdsCode(await copy({ fromTask: 'No_Such_Task' }), 10506, 'unknown source');
      assertPdsCode(await copy({}), 10506, 'no fromTask');
      assertPdsCode(await copy({ fromTask: 'Src_1', taskName: 'Src_1' }), 10508, 'taken name');
      const lone = freshNumber();
      const { taskId } = await createPdsTask(app, {
        taskName: 'All_Answered',
        contactList: [lone],
      });
      await insertPdsCall(server, taskId, lone, { outcome: 'answered', startedAt: NOW });
      await finish(taskId);
      assertPdsCode(
        await copy({ fromTask: 'All_Answered', noanswerOnly: 'Y' }),
        10519,
        'every number answered',
      );
    });

    it('10703 for a cloud task, 10704 for a workflow’s task', async () => {
      await server.runtime.services.tasks.create(
        { appId: app.appId, timezone: 'Asia/Jakarta' },
        { task_name: 'Cloud_Src', robot_id: '4496', callees: [{ callee_number: freshNumber() }] },
      );
      assertPdsCode(await copy({ fromTask: 'Cloud_Src' }), 10703, 'a cloud task');
      // What the workflow PDS node will make: a PDS task with a workflow parent.
      const { taskId } = await createPdsTask(app, { taskName: 'Wf_Node_Task' });
      const [template] = await db().query<{ id: number }>(
        `INSERT INTO workflow_templates (app_id, name, version, graph, created_at)
         VALUES ($1, 'wf', 1, '{}', now()) RETURNING id`,
        [app.appId],
      );
      await db().query(
        `INSERT INTO workflows (id, app_id, template_id, name, end_time, created_at)
         VALUES ('wf00000000000000000000000000000a', $1, $2, 'wf', now() + interval '1 day', now())`,
        [app.appId, template!.id],
      );
      await db().query(
        `UPDATE tasks SET workflow_id = 'wf00000000000000000000000000000a' WHERE id = $1`,
        [taskId],
      );
      assertPdsCode(await copy({ fromTask: 'Wf_Node_Task' }), 10704, 'a workflow’s task');
      const cancel = await app.post('/canceltaskcontacts', {
        TaskID: taskId,
        contactList: ['+6281234567890'],
      });
      assertPdsCode(cancel, 10704, 'cancel in a workflow’s task');
    });
  });
});
