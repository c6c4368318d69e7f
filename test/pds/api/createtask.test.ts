import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_OPENING_ROBOT } from '../../../src/modules/pds/tasks/default-opening-robot.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { storeKind } from '../../helpers/db.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import {
  assertPdsCode,
  createPdsTask,
  pdsApp,
  pdsGroup,
  taskBody,
  type PdsApp,
} from './pds-client.ts';

// createtask over HTTP: what is stored (a tasks row of kind pds, its settings, its callees in
// E.164), the contacts rejected as sent, the default opening robot, and every error code of the
// request's fields, none of which writes anything (docs/pds-api.md).

// 09:00 in Jakarta, the apps' zone.
const NOW = new Date('2030-03-04T02:00:00Z');

describe(`PDS createtask (${storeKind})`, () => {
  let server: TestServer;
  let app: PdsApp;
  let other: PdsApp;

  const db = () => server.store.db;
  // Rows as stored; `pds` and `data` are jsonb the assertions read freely.
  type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const taskRow = async (id: string) => {
    const [row] = await db().query<{
      kind: string;
      pds: Json;
      robot_id: number;
      start_time: Date;
      end_time: Date;
    }>('SELECT kind, pds, robot_id, start_time, end_time FROM tasks WHERE id = $1', [id]);
    return row!;
  };
  const calleesOf = (id: string) =>
    db().query<{ callee_number: string; case_id: string; data: Json }>(
      'SELECT callee_number, case_id, data FROM callees WHERE task_id = $1 ORDER BY seq',
      [id],
    );
  const taskCount = async (appId: number) =>
    Number(
      (
        await db().query<{ n: number }>('SELECT count(*) AS n FROM tasks WHERE app_id = $1', [
          appId,
        ])
      )[0]!.n,
    );

  before(async () => {
    server = await startTestServer({ clock: new ManualClock(NOW), worker: false });
    app = await pdsApp(server, { name: 'Acme Finance' });
    other = await pdsApp(server, { name: 'Other' });
    await pdsGroup(server, app, 'Group_A', 2);
    await pdsGroup(server, app, 'Group_B', 1);
    await pdsGroup(server, other, 'Group_Other', 1);
  });
  after(() => server?.close());

  it('creates the task from local numbers and customizeContacts, and answers the rejected ones as sent', async () => {
    const nested = { phone: { number: '0812' } };
    const { taskId, errorContactList } = await createPdsTask(app, {
      contactList: ['08123456789', '+6281234567890', 'not-a-number', '0812-345-6789'],
      customizeContacts: [
        { PHONE: '0812 3456 7891', Name: 'Budi', caseId: 'L1', amount: 150000 },
        { email: 'no-phone@example.com' },
        nested,
      ],
    });
    assert.match(taskId, /^[0-9a-f]{32}$/);
    assert.deepEqual(errorContactList, [
      'not-a-number',
      '0812-345-6789', // the same number as the first, once normalised
      { email: 'no-phone@example.com' },
      nested,
    ]);
    const row = await taskRow(taskId);
    assert.equal(row.kind, 'pds');
    assert.equal(row.pds.groupName, 'Group_A');
    const callees = await calleesOf(taskId);
    assert.deepEqual(
      callees.map((c) => [c.callee_number, c.case_id]),
      [
        ['+628123456789', ''],
        ['+6281234567890', ''],
        ['+6281234567891', 'L1'],
      ],
    );
    assert.equal(callees[2]!.data.callee_name, 'Budi');
    assert.equal(callees[2]!.data.phone_tag, 'PHONE');
    assert.deepEqual(callees[2]!.data.customer_info, {
      PHONE: '0812 3456 7891',
      Name: 'Budi',
      caseId: 'L1',
      amount: '150000',
    });
  });

  it('stores every setting as validated, with its unit, and ignores unknown keys', async () => {
    const body = taskBody({
      TaskName: 'Full_Settings_1', // keys in any case, as every PDS route takes them
      GROUPNAME: 'Group_A',
      agentName: ['Group_A-sim-002'],
      remark: 'batch 1',
      restTimes: [
        { start: '13:00:00', end: '14:00' },
        { Start: '12:00', End: '12:30:00' },
      ],
      callback: Buffer.from('https://crm.example.com/pds?x=1').toString('base64'),
      dialingOrder: 'random',
      autoSlotFactor: 'Y',
      slotFactor: '1.5',
      callInterval: 120,
      acwTime: '20',
      maxLostRate: 2.5,
      contactNumberInterval: 30,
      ringLimit: 30,
      dialingMode: 'Progressive',
      repeatTimes: 2,
      bulkCallInterval: 90,
      autoQa: true,
      qaConfigId: 'qa-7',
      qaLimitLength: 60,
      qaLimitRate: 50,
      voicemailCheck: 1,
      voicemailCheckDuration: 4,
      voicemailHandle: 'message',
      voicemailRedial: 'N',
      resultStrategies: [{ intention: 'A', action: 'stop' }],
      someFutureKey: { ignored: true },
    });
    delete body.taskName;
    delete body.groupName;
    const created = await app.post('/createtask', body);
    assert.equal(created.json?.code, 0, created.text);
    const { taskId } = created.json.body;
    const row = await taskRow(taskId);
    const { groupId, ...rest } = row.pds;
    assert.equal(typeof groupId, 'number');
    assert.deepEqual(rest, {
      groupName: 'Group_A',
      agentNames: ['Group_A-sim-002'],
      remark: 'batch 1',
      restTimes: [
        { start: '12:00:00', end: '12:30:00' },
        { start: '13:00:00', end: '14:00:00' },
      ],
      callbackUrl: 'https://crm.example.com/pds?x=1',
      dialingMode: 'progressive',
      maxLostRatePercent: 2.5,
      acwSeconds: 20,
      ringLimitSeconds: 30,
      connectLimitSeconds: 2,
      abandonAction: 'message',
      repeatTimes: 2,
      callIntervalSeconds: 120,
      contactNumberIntervalSeconds: 30,
      bulkCallIntervalSeconds: 90,
      dialingOrder: 'random',
      slotFactor: 1.5,
      autoSlotFactor: true,
      voicemail: { check: true, checkDurationSeconds: 4, handle: 'message', redial: false },
      qa: { auto: true, configId: 'qa-7', limitLength: 60, limitRate: 50 },
      resultStrategies: [{ intention: 'A', action: 'stop' }],
      templateName: null,
      copiedFrom: null,
    });
    const [task] = await db().query<{
      task_name: string;
      redial_times: number;
      redial_interval_s: number;
    }>('SELECT task_name, redial_times, redial_interval_s FROM tasks WHERE id = $1', [taskId]);
    assert.deepEqual(task, {
      task_name: 'Full_Settings_1',
      redial_times: 2,
      redial_interval_s: 120,
    });
  });

  it('runs without webhooks when callback does not decode to an http(s) URL', async () => {
    for (const callback of [
      'not base64!',
      Buffer.from('ftp://x.example').toString('base64'),
      'aGVsbG8=',
    ]) {
      const { taskId } = await createPdsTask(app, { callback });
      assert.equal((await taskRow(taskId)).pds.callbackUrl, null, callback);
    }
  });

  it('starts as soon as possible on "", at the given time otherwise, and ends with the day', async () => {
    const now = await createPdsTask(app, { startTime: '' });
    const asap = await taskRow(now.taskId);
    assert.equal(asap.start_time.toISOString(), NOW.toISOString());
    assert.equal(asap.end_time.toISOString(), '2030-03-04T16:59:59.000Z'); // 23:59:59 Jakarta
    const later = await createPdsTask(app, {
      startTime: '2030-03-04 10:30:00',
      autoEndTime: '2030-03-04 18:00:00',
    });
    const row = await taskRow(later.taskId);
    assert.equal(row.start_time.toISOString(), '2030-03-04T03:30:00.000Z');
    assert.equal(row.end_time.toISOString(), '2030-03-04T11:00:00.000Z');
  });

  it('opens calls with the app’s default robot, made once, which hands a right party to an agent', async () => {
    const first = await taskRow((await createPdsTask(app)).taskId);
    const second = await taskRow((await createPdsTask(app)).taskId);
    assert.equal(first.robot_id, second.robot_id);
    const { robot, versions } = await server.runtime.services.robots.get(app.appId, first.robot_id);
    assert.equal(robot.name, DEFAULT_OPENING_ROBOT);
    assert.equal(robot.appId, app.appId);
    assert.equal(versions.length, 1, 'made once, not a version per task');
    const nodes = robot.definition.nodes as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const start = nodes[robot.definition.start];
    assert.match(start.say, /Acme Finance/);
    assert.match(start.say, /\{callee_name/);
    assert.equal(nodes[start.next.yes].type, 'handoff');
    assert.equal(nodes[start.next.wrong_person].type, 'end');
    // templateName names another robot: a built-in one here.
    const named = await createPdsTask(app, { templateName: 'Demo_Collection_EN' });
    const row = await taskRow(named.taskId);
    assert.equal(row.robot_id, 4496);
    assert.equal(row.pds.templateName, 'Demo_Collection_EN');
  });

  it('leaves out numbers queued in another active task of the app, and refuses when none is left', async () => {
    const number = '+6281299990001';
    await createPdsTask(app, { contactList: [number] });
    const again = await createPdsTask(app, { contactList: [number, '+6281299990002'] });
    assert.deepEqual(again.errorContactList, [number]);
    const none = await app.post('/createtask', taskBody({ contactList: [number] }));
    assertPdsCode(none, 10505, 'every number already queued');
  });

  describe('error codes (nothing is written)', () => {
    let before: number;
    let existing: string;

    it('refuses each invalid field with its PDS code', async () => {
      existing = `Existing_${Date.now()}`;
      await createPdsTask(app, { taskName: existing });
      before = await taskCount(app.appId);
      const cases: Array<[number, string, Record<string, unknown>]> = [
        [10501, 'unknown dialingMode', { dialingMode: 'turbo' }],
        [10501, 'ringLimit too short', { ringLimit: 1 }],
        [10501, 'startTime not a time', { startTime: 'tomorrow' }],
        [10501, 'unknown templateName', { templateName: 'No_Such_Robot' }],
        [10501, 'acwTime negative', { acwTime: -1 }],
        [10501, 'contactList not a list', { contactList: { a: 1 } }],
        [10505, 'no contact', { contactList: [] }],
        [
          10505,
          'no valid contact',
          { contactList: ['abc', '12'], customizeContacts: [{ name: 'x' }] },
        ],
        [10508, 'duplicate taskName', { taskName: existing }],
        [10509, 'startTime in the past', { startTime: '2030-03-04 08:00:00' }],
        [10511, 'unknown group', { groupName: 'Nope' }],
        [10511, 'another app’s group', { groupName: 'Group_Other' }],
        [10512, 'no groupName', { groupName: '' }],
        [10518, 'taskName with a space', { taskName: 'bad name' }],
        [10518, 'taskName empty', { taskName: '' }],
        [10518, 'taskName too long', { taskName: 'x'.repeat(101) }],
        [
          10520,
          'rest time ends before it starts',
          { restTimes: [{ start: '12:00:00', end: '11:00:00' }] },
        ],
        [
          10520,
          'rest times overlap',
          {
            restTimes: [
              { start: '12:00', end: '13:00' },
              { start: '12:30', end: '14:00' },
            ],
          },
        ],
        [10520, 'rest time not HH:MM:SS', { restTimes: [{ start: 'noon', end: '13:00' }] }],
        [10521, 'repeatTimes 11', { repeatTimes: 11 }],
        [10521, 'repeatTimes not a number', { repeatTimes: 'two' }],
        [10522, 'bulkCallInterval under 60', { bulkCallInterval: 30 }],
        [10523, 'voicemailCheck not yes/no', { voicemailCheck: 'maybe' }],
        [10523, 'voicemailCheckDuration 0', { voicemailCheck: 'Y', voicemailCheckDuration: 0 }],
        [10524, 'autoQA without qaConfigId', { autoQA: 'Y' }],
        [10524, 'qaLimitRate over 100', { qaLimitRate: 101 }],
        [10525, 'maxLostRate 0', { maxLostRate: 0 }],
        [10525, 'maxLostRate 150', { maxLostRate: 150 }],
        [10525, 'maxLostRate not a number', { maxLostRate: 'lots' }],
        [10526, 'contactNumberInterval negative', { contactNumberInterval: -5 }],
        [10550, 'unknown agent', { agentName: ['nobody'] }],
        [10550, 'agentName not names', { agentName: [1, 2] }],
        [10551, 'agent of another group', { agentName: ['Group_B-sim-001'] }],
        [
          10620,
          'autoEndTime 2 minutes after start',
          { startTime: '2030-03-04 10:00:00', autoEndTime: '2030-03-04 10:02:00' },
        ],
        [
          10620,
          'autoEndTime before start',
          { startTime: '2030-03-04 10:00:00', autoEndTime: '2030-03-04 09:30:00' },
        ],
        [
          10621,
          'autoEndTime the next day',
          { startTime: '2030-03-04 10:00:00', autoEndTime: '2030-03-05 10:00:00' },
        ],
        [10901, 'voicemailRedial without voicemailCheck', { voicemailRedial: 'Y' }],
        [10901, 'voicemailHandle without voicemailCheck', { voicemailHandle: 'message' }],
      ];
      for (const [code, what, overrides] of cases) {
        assertPdsCode(await app.post('/createtask', taskBody(overrides)), code, what);
      }
      const noGroup = taskBody();
      delete noGroup.groupName;
      assertPdsCode(await app.post('/createtask', noGroup), 10512, 'groupName absent');
      const noName = taskBody();
      delete noName.taskName;
      assertPdsCode(await app.post('/createtask', noName), 10518, 'taskName absent');
    });

    it('wrote no task for any of them', async () => {
      assert.equal(await taskCount(app.appId), before);
    });
  });

  it('answers a body that is not JSON in the PDS envelope, not a 500', async () => {
    const r = await app.post('/createtask', '{"taskName": ');
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.body, null);
    assert.equal(typeof r.json.code, 'number');
  });
});
