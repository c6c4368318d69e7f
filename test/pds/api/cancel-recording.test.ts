import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/shared/clock.ts';
import { newId } from '../../../src/shared/ids.ts';
import { storeKind } from '../../helpers/db.ts';
import { startTestServer, type TestServer } from '../../helpers/server.ts';
import { insertPdsCall, recordPdsCall } from './pds-calls.ts';
import {
  assertPdsCode,
  createPdsTask,
  freshNumber,
  pdsApp,
  pdsGroup,
  type PdsApp,
} from './pds-client.ts';

// canceltaskcontacts and case/recording over HTTP (docs/pds-api.md).

const NOW = new Date('2030-03-04T02:00:00Z');

describe(`PDS canceltaskcontacts and case/recording (${storeKind})`, () => {
  let server: TestServer;
  let app: PdsApp;
  let stranger: PdsApp;
  let cloudTaskId: string;

  const statusOf = async (taskId: string) =>
    Object.fromEntries(
      (
        await server.store.db.query<{ callee_number: string; status: string }>(
          'SELECT callee_number, status FROM callees WHERE task_id = $1',
          [taskId],
        )
      ).map((r) => [r.callee_number, r.status]),
    );

  before(async () => {
    server = await startTestServer({ clock: new ManualClock(NOW), worker: false });
    app = await pdsApp(server, { name: 'cancels' });
    stranger = await pdsApp(server, { name: 'stranger' });
    await pdsGroup(server, app, 'Group_A');
    cloudTaskId = (
      await server.runtime.services.tasks.create(
        { appId: app.appId, timezone: 'Asia/Jakarta' },
        { task_name: 'Cloud_1', robot_id: '4496', callees: [{ callee_number: freshNumber() }] },
      )
    ).task_id;
  });
  after(() => server?.close());

  describe('canceltaskcontacts', () => {
    it('cancels waiting numbers and answers those removed, as sent', async () => {
      const { taskId } = await createPdsTask(app, {
        contactList: ['081298770001', '+6281298770002', '+6281298770003'],
      });
      const r = await app.post('/canceltaskcontacts', {
        TaskID: taskId,
        contactList: ['0812-9877-0001', '+6281298770003', '+6281298779999'],
      });
      assert.equal(r.json.code, 0, r.text);
      assert.equal(r.json.message, 'successfully');
      assert.deepEqual(r.json.body.contactList, ['0812-9877-0001', '+6281298770003']);
      assert.deepEqual(await statusOf(taskId), {
        '+6281298770001': 'cancelled',
        '+6281298770002': 'pending',
        '+6281298770003': 'cancelled',
      });
      const again = await app.post('/canceltaskcontacts', {
        taskId, // any spelling of TaskID
        contactList: ['+6281298770001'],
      });
      assert.deepEqual(again.json.body.contactList, [], 'already cancelled: nothing removed');
    });

    it('finishes the task when its last number is cancelled, then answers 10513', async () => {
      const number = freshNumber();
      const { taskId } = await createPdsTask(app, {
        taskName: 'Cancel_All',
        contactList: [number],
      });
      const r = await app.post('/canceltaskcontacts', { TaskID: taskId, contactList: [number] });
      assert.deepEqual(r.json.body.contactList, [number]);
      const list = await app.post('/querytasklist', { taskName: 'Cancel_All' });
      assert.equal(list.json.body.list[0].state, 'Finished');
      const late = await app.post('/canceltaskcontacts', { TaskID: taskId, contactList: [number] });
      assertPdsCode(late, 10513, 'finished task');
    });

    it('answers the codes of the request, changing nothing', async () => {
      const number = freshNumber();
      const { taskId } = await createPdsTask(app, { contactList: [number] });
      const cases: Array<[number, string, Record<string, unknown>]> = [
        [10502, 'no TaskID', { contactList: [number] }],
        [10702, 'TaskID not an id', { TaskID: 'xyz', contactList: [number] }],
        [10506, 'unknown TaskID', { TaskID: newId(), contactList: [number] }],
        [10703, 'a cloud task', { TaskID: cloudTaskId, contactList: [number] }],
        [10505, 'no contactList', { TaskID: taskId }],
        [10505, 'empty contactList', { TaskID: taskId, contactList: [] }],
        [10510, 'an unreadable number', { TaskID: taskId, contactList: [number, 'abc'] }],
      ];
      for (const [code, what, body] of cases)
        assertPdsCode(await app.post('/canceltaskcontacts', body), code, what);
      assertPdsCode(
        await stranger.post('/canceltaskcontacts', { TaskID: taskId, contactList: [number] }),
        10506,
        'another app’s task',
      );
      assert.deepEqual(await statusOf(taskId), { [number]: 'pending' });
    });
  });

  describe('case/recording', () => {
    const calls: Record<string, string> = {};
    let wav: Buffer;

    before(async () => {
      const numbers = [freshNumber(), freshNumber(), freshNumber(), freshNumber()];
      const { taskId } = await createPdsTask(app, { contactList: numbers });
      const talked = {
        answeredAt: NOW.toISOString(),
        bridgedAt: NOW.toISOString(),
        hangupReason: 12,
      };
      calls.talked = await insertPdsCall(server, taskId, numbers[0]!, {
        outcome: 'hangup',
        startedAt: NOW,
        pds: talked,
      });
      wav = await recordPdsCall(server, taskId, calls.talked);
      calls.noFile = await insertPdsCall(server, taskId, numbers[1]!, {
        outcome: 'hangup',
        startedAt: NOW,
        pds: talked,
      });
      calls.robotOnly = await insertPdsCall(server, taskId, numbers[2]!, {
        outcome: 'hangup',
        startedAt: NOW,
        pds: { answeredAt: NOW.toISOString(), abandoned: true, hangupReason: 1 },
      });
      calls.dialing = await insertPdsCall(server, taskId, numbers[3]!, {
        state: 'dialing',
        startedAt: NOW,
      });
      const [cloudCallee] = await server.store.db.query<{ callee_number: string }>(
        'SELECT callee_number FROM callees WHERE task_id = $1',
        [cloudTaskId],
      );
      calls.cloud = await insertPdsCall(server, cloudTaskId, cloudCallee!.callee_number, {
        outcome: 'answered',
        startedAt: NOW,
      });
    });

    it('answers a signed WAV link that downloads without a token', async () => {
      const r = await app.post('/case/recording', { callid: calls.talked });
      assert.equal(r.json.code, 0, r.text);
      assert.match(
        r.json.body.link,
        new RegExp(`/recordings/${calls.talked}\\.wav\\?expires=\\d+&sig=`),
      );
      const download = await fetch(r.json.body.link);
      assert.equal(download.status, 200);
      assert.match(download.headers.get('content-type') ?? '', /audio\/(wav|x-wav)/);
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), wav);
    });

    it('answers the codes of the request', async () => {
      const cases: Array<[number, string, Record<string, unknown>]> = [
        [10608, 'no callid', {}],
        [10608, 'empty callid', { callid: '' }],
        [10609, 'callid not an id', { callid: 'abc' }],
        [10609, 'unknown callid', { callid: newId() }],
        [10610, 'a cloud task’s call', { callid: calls.cloud }],
        [10611, 'a call in progress', { callid: calls.dialing }],
        [10612, 'a call nobody talked on', { callid: calls.robotOnly }],
        [10820, 'a talked call without its file', { callid: calls.noFile }],
      ];
      for (const [code, what, body] of cases)
        assertPdsCode(await app.post('/case/recording', body), code, what);
      assertPdsCode(
        await stranger.post('/case/recording', { callid: calls.talked }),
        10609,
        'another app’s call',
      );
    });
  });
});
