import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/shared/clock.ts';
import { storeKind } from '../../helpers/db.ts';
import { client, startTestServer, type TestServer } from '../../helpers/server.ts';
import {
  assertPdsCode,
  createPdsTask,
  freshNumber,
  PDS,
  pdsApp,
  pdsGroup,
  type PdsApp,
} from './pds-client.ts';

// querytasklist over HTTP: the app's PDS tasks only, AIRudder's states from Tiller's statuses,
// each filter and order, the limit and its codes; and the family's authentication codes.

const NOW = new Date('2030-03-04T02:00:00Z'); // 09:00 Jakarta

describe(`PDS querytasklist (${storeKind})`, () => {
  let server: TestServer;
  let app: PdsApp;
  let stranger: PdsApp;
  const ids: Record<string, string> = {};

  before(async () => {
    server = await startTestServer({ clock: new ManualClock(NOW), worker: false });
    app = await pdsApp(server, { name: 'lists' });
    stranger = await pdsApp(server, { name: 'stranger' });
    await pdsGroup(server, app, 'Group_A');
    await pdsGroup(server, stranger, 'Group_A');
    // Start times 10:00, 11:00, ... Jakarta; statuses set as the dialer and operations would.
    const statuses = ['Waiting', 'Running', 'Paused', 'Stopped', 'Finished'];
    for (const [i, status] of statuses.entries()) {
      const name = `List_${status}`;
      ids[status] = (
        await createPdsTask(app, { taskName: name, startTime: `2030-03-04 1${i}:00:00` })
      ).taskId;
      if (status !== 'Waiting')
        await server.store.db.query(
          `UPDATE tasks SET status = $2, started_at = start_time,
             finished_at = CASE WHEN $2 IN ('Stopped', 'Finished') THEN start_time + interval '1 hour' END
           WHERE id = $1`,
          [ids[status], status],
        );
    }
    await createPdsTask(stranger, { taskName: 'Stranger_1' });
    await server.runtime.services.tasks.create(
      { appId: app.appId, timezone: 'Asia/Jakarta' },
      { task_name: 'Cloud_Task', robot_id: '4496', callees: [{ callee_number: freshNumber() }] },
    );
  });
  after(() => server?.close());

  const names = async (body: Record<string, unknown>) => {
    const r = await app.post('/querytasklist', body);
    assert.equal(r.json.code, 0, r.text);
    assert.equal(r.json.message, 'successfully');
    return {
      total: r.json.body.total,
      names: r.json.body.list.map((t: { taskName: string }) => t.taskName),
    };
  };

  it('lists the app’s PDS tasks with AIRudder’s states, newest first', async () => {
    const r = await app.post('/querytasklist', { orderBy: 'startTime' });
    const { total, list } = r.json.body;
    assert.equal(total, 5);
    assert.deepEqual(
      list.map((t: { taskName: string; state: string }) => [t.taskName, t.state]),
      [
        ['List_Finished', 'Finished'],
        ['List_Stopped', 'Cancelled'],
        ['List_Paused', 'Paused'],
        ['List_Running', 'Running'],
        ['List_Waiting', 'Not Started'],
      ],
    );
    const waiting = list[4];
    assert.equal(waiting.taskId, ids.Waiting);
    assert.equal(waiting.groupName, 'Group_A');
    assert.equal(waiting.startTime, '2030-03-04 10:00:00');
    assert.equal(waiting.autoEndTime, '2030-03-04 23:59:59');
    assert.equal(waiting.actualStartTime, '');
    assert.equal(waiting.endTime, '');
    assert.equal(waiting.totalCount, 1);
    assert.equal(list[0].endTime, '2030-03-04 15:00:00');
  });

  it('filters by state (any spelling), taskName and a time window on filterTime', async () => {
    assert.deepEqual(await names({ state: 'Not Started' }), { total: 1, names: ['List_Waiting'] });
    assert.deepEqual(await names({ state: 'notstarted' }), { total: 1, names: ['List_Waiting'] });
    assert.deepEqual(await names({ state: 'Cancelled' }), { total: 1, names: ['List_Stopped'] });
    assert.deepEqual(await names({ state: 'Creating' }), { total: 0, names: [] });
    assert.deepEqual(await names({ taskName: 'List_Paused' }), {
      total: 1,
      names: ['List_Paused'],
    });
    assert.deepEqual(
      await names({
        minstarttime: '2030-03-04 11:00:00',
        maxstarttime: '2030-03-04 12:00:00',
        orderBy: 'startTime',
      }),
      { total: 2, names: ['List_Paused', 'List_Running'] },
    );
    assert.deepEqual(
      await names({
        filterTime: 'endTime',
        minstarttime: '2030-03-04 14:30:00',
        orderBy: 'endTime',
      }),
      { total: 1, names: ['List_Finished'] },
    );
    assert.deepEqual(
      await names({
        filterTime: 'actualStartTime',
        maxstarttime: '2030-03-04T04:00:00Z',
        orderBy: 'actualStartTime',
      }),
      {
        total: 1,
        names: ['List_Running'],
      },
    );
  });

  it('answers limit items with the total of all', async () => {
    const r = await names({ limit: 2, orderBy: 'startTime' });
    assert.deepEqual(r, { total: 5, names: ['List_Finished', 'List_Stopped'] });
  });

  it('answers 10606 for a bad filter and 10705 for a limit over 1,000', async () => {
    const cases: Array<[number, string, Record<string, unknown>]> = [
      [10606, 'state', { state: 'Sleeping' }],
      [10606, 'filterTime', { filterTime: 'lunch' }],
      [10606, 'orderBy', { orderBy: 'name' }],
      [10606, 'minstarttime', { minstarttime: 'yesterday' }],
      [10606, 'limit 0', { limit: 0 }],
      [10606, 'limit text', { limit: 'many' }],
      [10705, 'limit 1001', { limit: 1001 }],
    ];
    for (const [code, what, body] of cases)
      assertPdsCode(await app.post('/querytasklist', body), code, what);
  });

  it('keeps apps apart', async () => {
    const r = await stranger.post('/querytasklist', {});
    assert.deepEqual(
      r.json.body.list.map((t: { taskName: string }) => t.taskName),
      ['Stranger_1'],
    );
  });

  describe('authentication codes', () => {
    it('10302 for wrong credentials, 10810 without a token, 10812 for an unknown one', async () => {
      const wrong = await client(server.url).post(`${PDS}/auth`, {
        APPKey: app.appKey,
        APPSecret: 'nope',
      });
      assertPdsCode(wrong, 10302, 'wrong secret');
      assertPdsCode(await client(server.url).post(`${PDS}/querytasklist`, {}), 10810, 'no token');
      assertPdsCode(
        await client(server.url, 'bm8tc3VjaC10b2tlbg==').post(`${PDS}/querytasklist`, {}),
        10812,
        'unknown token',
      );
    });

    it('10813 for an expired token', async () => {
      // The last test of the file: the clock does not come back.
      (server.runtime.services.clock as ManualClock).advance(25 * 3_600_000);
      assertPdsCode(await app.post('/querytasklist', {}), 10813, 'expired token');
    });
  });
});
