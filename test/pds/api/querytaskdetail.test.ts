import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/shared/clock.ts';
import { newId } from '../../../src/shared/ids.ts';
import { storeKind } from '../../helpers/db.ts';
import {
  client,
  startTestServer,
  type readResponse,
  type TestServer,
} from '../../helpers/server.ts';
import { insertPdsCall, recordPdsCall } from './pds-calls.ts';
import {
  assertPdsCode,
  createPdsTask,
  freshNumber,
  pdsApp,
  pdsGroup,
  type PdsApp,
} from './pds-client.ts';

// querytaskdetail over HTTP: every key of every item, the PDS part of a call as the dialer
// writes it, paging with a total of all matching calls, the filters, customerInfo, the signed
// recording link, and the codes; and a PDS task kept out of the cloud family's task endpoints.

const NOW = new Date('2030-03-04T02:00:00Z');
const at = (hhmmss: string) => new Date(`2030-03-04T${hhmmss}Z`);

const ITEM_KEYS = [
  'agentName',
  'answertime',
  'callResultType',
  'callType',
  'callid',
  'calltime',
  'customizeResults',
  'endtime',
  'hangupReason',
  'mainNumber',
  'nthCall',
  'phoneNumber',
  'phoneTag',
  'reclink',
  'ringDuration',
  'ringtime',
  'talkDuration',
  'talkremarks',
  'talktime',
  'taskId',
  'taskName',
];

describe(`PDS querytaskdetail (${storeKind})`, () => {
  let server: TestServer;
  let app: PdsApp;
  let stranger: PdsApp;
  let taskId: string;
  let cloudTaskId: string;
  let wav: Buffer;
  const n = [freshNumber(), freshNumber(), freshNumber()];
  const calls: Record<string, string> = {};

  before(async () => {
    server = await startTestServer({ clock: new ManualClock(NOW), worker: false });
    app = await pdsApp(server, { name: 'detail' });
    stranger = await pdsApp(server, { name: 'stranger' });
    await pdsGroup(server, app, 'Group_A');
    ({ taskId } = await createPdsTask(app, {
      taskName: 'Detail_1',
      contactList: [n[0], n[1], n[2]],
      customizeContacts: [{ Mobile: '0812-9888-0001', name: 'Ani', loan: 'L-9' }],
    }));
    const ani = '+6281298880001';
    calls.talked = await insertPdsCall(server, taskId, n[0]!, {
      outcome: 'answered',
      startedAt: at('02:10:00'),
      ringTime: 5,
      endedAt: at('02:15:07'),
      pds: {
        agentName: 'Group_A-sim-001',
        answeredAt: '2030-03-04T02:10:05.000Z',
        bridgedAt: '2030-03-04T02:10:07.000Z',
        hangupReason: 12,
        customizeResults: [{ title: 'PTP Amount', groupName: 'PTP', value: '500000' }],
        talkremarks: 'promised',
        phoneTag: 'phone',
        mainNumber: n[0],
      },
    });
    wav = await recordPdsCall(server, taskId, calls.talked);
    calls.noAnswer = await insertPdsCall(server, taskId, n[1]!, {
      outcome: 'no_answer',
      startedAt: at('02:11:00'),
      ringTime: 25,
      endedAt: at('02:11:25'),
    });
    calls.busy = await insertPdsCall(server, taskId, n[1]!, {
      attempt: 2,
      outcome: 'busy',
      startedAt: at('02:20:00'),
      pds: { hangupReason: 3 },
    });
    calls.abandoned = await insertPdsCall(server, taskId, ani, {
      outcome: 'hangup',
      startedAt: at('02:25:00'),
      ringTime: 6,
      endedAt: at('02:25:09'),
      pds: { answeredAt: '2030-03-04T02:25:06Z', abandoned: true, hangupReason: 1 },
    });
    calls.dialing = await insertPdsCall(server, taskId, n[2]!, {
      state: 'dialing',
      startedAt: at('02:30:00'),
    });
    // A cloud task of the same app: not the PDS family's, and the PDS task not the cloud's.
    cloudTaskId = (
      await server.runtime.services.tasks.create(
        { appId: app.appId, timezone: 'Asia/Jakarta' },
        { task_name: 'Cloud_1', robot_id: '4496', callees: [{ callee_number: freshNumber() }] },
      )
    ).task_id;
  });
  after(() => server?.close());

  const detail = (body: Record<string, unknown>) =>
    app.post('/querytaskdetail', { taskId, ...body });

  it('lists every call by call time with the keys of the spec, the dialer’s part included', async () => {
    const r = await detail({});
    assert.equal(r.json.code, 0, r.text);
    assert.equal(r.json.message, 'successfully');
    const { total, list } = r.json.body;
    assert.equal(total, 5);
    assert.deepEqual(
      list.map((i: { callid: string }) => i.callid),
      [calls.talked, calls.noAnswer, calls.busy, calls.abandoned, calls.dialing],
    );
    for (const item of list) assert.deepEqual(Object.keys(item).sort(), ITEM_KEYS, item.callid);
    const [talked, noAnswer, busy, abandoned, dialing] = list;
    assert.deepEqual(
      { ...talked, reclink: undefined },
      {
        callid: calls.talked,
        taskId,
        taskName: 'Detail_1',
        callType: 'predictive',
        callResultType: 'Talked',
        phoneNumber: n[0],
        mainNumber: n[0],
        calltime: '2030-03-04T02:10:00Z',
        ringtime: '2030-03-04T02:10:00Z',
        answertime: '2030-03-04T02:10:05Z',
        talktime: '2030-03-04T02:10:07Z',
        endtime: '2030-03-04T02:15:07Z',
        ringDuration: 5,
        talkDuration: 300,
        nthCall: 1,
        hangupReason: 12,
        reclink: undefined,
        customizeResults: [{ title: 'PTP Amount', groupName: 'PTP', value: '500000' }],
        agentName: 'Group_A-sim-001',
        talkremarks: 'promised',
        phoneTag: 'phone',
      },
    );
    assert.match(talked.reclink, new RegExp(`/recordings/${calls.talked}\\.wav\\?`));
    assert.equal(noAnswer.callResultType, 'NoAnswer');
    assert.equal(noAnswer.hangupReason, 0, 'a call without a PDS part answers 0');
    assert.equal(noAnswer.answertime, '');
    assert.equal(noAnswer.reclink, '');
    assert.deepEqual(noAnswer.customizeResults, []);
    assert.equal(busy.nthCall, 2);
    assert.equal(busy.hangupReason, 3);
    assert.equal(busy.callResultType, 'Busy');
    assert.equal(abandoned.callResultType, 'Abandoned');
    assert.equal(abandoned.hangupReason, 1);
    assert.equal(abandoned.phoneTag, 'Mobile', 'the key the number was read from');
    assert.equal(dialing.callResultType, 'Calling');
    assert.equal(dialing.endtime, '');
    assert.equal(dialing.hangupReason, 0);
  });

  it('hands out a recording link that downloads the WAV without a token', async () => {
    const { list } = (await detail({ like: [{ field: 'callid', pattern: calls.talked }] })).json
      .body;
    const response = await fetch(list[0].reclink);
    assert.equal(response.status, 200);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), wav);
  });

  it('pages by offset and limit, with the total of all matching calls', async () => {
    const pages = [];
    for (const offset of [0, 2, 4]) {
      const r = await detail({ limit: 2, offset });
      assert.equal(r.json.body.total, 5);
      pages.push(...r.json.body.list.map((i: { callid: string }) => i.callid));
    }
    assert.deepEqual(pages, [
      calls.talked,
      calls.noAnswer,
      calls.busy,
      calls.abandoned,
      calls.dialing,
    ]);
    const past = await detail({ limit: 2, offset: 10 });
    assert.deepEqual(past.json.body, { total: 5, list: [] });
  });

  it('filters by call time (local or ISO) and by like on callid and phoneNumber', async () => {
    const ids = async (body: Record<string, unknown>) => {
      const r = await detail(body);
      assert.equal(r.json.code, 0, r.text);
      return {
        total: r.json.body.total,
        ids: r.json.body.list.map((i: { callid: string }) => i.callid),
      };
    };
    // 09:20 Jakarta is 02:20 UTC.
    assert.deepEqual(await ids({ minstarttime: '2030-03-04 09:20:00' }), {
      total: 3,
      ids: [calls.busy, calls.abandoned, calls.dialing],
    });
    assert.deepEqual(
      await ids({ minstarttime: '2030-03-04T02:11:00Z', maxstarttime: '2030-03-04T02:20:00Z' }),
      {
        total: 2,
        ids: [calls.noAnswer, calls.busy],
      },
    );
    assert.deepEqual(
      await ids({ like: [{ field: 'callid', pattern: `${calls.busy!.slice(0, 20)}%` }] }),
      {
        total: 1,
        ids: [calls.busy],
      },
    );
    // A trailing backslash is a character, not an escape the store chokes on.
    assert.deepEqual(await ids({ like: [{ field: 'callid', pattern: 'ab\\' }] }), {
      total: 0,
      ids: [],
    });
    assert.deepEqual(
      await ids({ like: [{ field: 'phoneNumber', pattern: `%${n[1]!.slice(-6)}` }] }),
      {
        total: 2,
        ids: [calls.noAnswer, calls.busy],
      },
    );
  });

  it('adds each contact’s customerInfo when asked', async () => {
    const without = (await detail({})).json.body.list;
    assert.equal('customerInfo' in without[0], false);
    const withInfo = (await detail({ needCustomerInfo: 'Y' })).json.body.list;
    assert.deepEqual(withInfo[0].customerInfo, {});
    assert.deepEqual(withInfo[3].customerInfo, {
      Mobile: '0812-9888-0001',
      name: 'Ani',
      loan: 'L-9',
    });
  });

  it('answers the codes of the request', async () => {
    const cases: Array<[number, string, Record<string, unknown>]> = [
      [10502, 'no taskId', { taskId: '' }],
      [10702, 'taskId not an id', { taskId: 'abc' }],
      [10506, 'unknown taskId', { taskId: newId() }],
      [10703, 'a cloud task', { taskId: cloudTaskId }],
      [10607, 'orderBy', { orderBy: 'endtime' }],
      [10607, 'like field', { like: [{ field: 'name', pattern: 'x' }] }],
      [10607, 'limit 0', { limit: 0 }],
      [10607, 'negative offset', { offset: -1 }],
      [10607, 'minstarttime', { minstarttime: 'yesterday' }],
      [10607, 'minstarttime in year 0', { minstarttime: '0000-01-01T00:00:00Z' }],
      [10607, 'needCustomerInfo', { needCustomerInfo: 'maybe' }],
      [10705, 'limit over 50,000', { limit: 50_001 }],
    ];
    for (const [code, what, body] of cases) assertPdsCode(await detail(body), code, what);
    assertPdsCode(await app.post('/querytaskdetail', {}), 10502, 'taskId absent');
  });

  it('keeps another app out', async () => {
    assertPdsCode(await stranger.post('/querytaskdetail', { taskId }), 10506, 'another app’s task');
  });

  describe('the cloud family does not see PDS tasks', () => {
    // The app's token from the PDS auth is good on the cloud family too.
    const cloud = () => client(server.url, app.token);

    it('lists only robot tasks', async () => {
      const r = await cloud().get('/service/cloud/list');
      assert.equal(r.status, 200, r.text);
      const ids = r.json.data.list.map((t: { task_id: string }) => t.task_id);
      assert.deepEqual(ids, [cloudTaskId]);
    });

    it('answers task_not_found for a PDS task on detail, operation and cancelphonecall', async () => {
      const notFound = (r: Awaited<ReturnType<typeof readResponse>>, what: string) => {
        assert.equal(r.status, 404, `${what}: ${r.text}`);
        assert.match(r.json.message, /Task is not found/, what);
      };
      notFound(await cloud().get(`/service/cloud/detail?task_id=${taskId}`), 'detail');
      notFound(
        await cloud().post('/service/cloud/operation', { task_id: taskId, operation: 'stop' }),
        'operation',
      );
      notFound(
        await cloud().post('/service/cloud/cancelphonecall', {
          task_id: taskId,
          callee_number: n[2],
        }),
        'cancelphonecall',
      );
      const info = await cloud().get(`/service/cloud/callinfo?call_id=${calls.talked}`);
      assert.equal(info.status, 404, info.text);
    });
  });
});
