import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Paging of GET /detail and GET /list, each answered by one statement since issue 9
// (detail-page.repository.ts, listTasks): every record once, in order, across pages; the total
// on every page, past the end too; recording links exactly where the app has a recording.

// The last digit picks the simulated persona (docs/simulator.md): answered, no answer, busy,
// invalid, hang-up, and one that answers only when redialled.
const NUMBERS = [
  '+6281234567100',
  '+6281234567105',
  '+6281234567106',
  '+6281234567107',
  '+6281234567108',
  '+6281234567190',
  '+6281234567200',
];

describe(`read pages (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  let taskId: string;
  let appId: number;

  before(async () => {
    server = await startTestServer();
    const app = await server.runtime.services.auth.createApp({ name: 'pages' });
    const stranger = await server.runtime.services.auth.createApp({ name: 'pages-other' });
    appId = app.app.id;
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    other = client(server.url, await tokenFor(server.url, stranger.appKey, stranger.appSecret));
    const created = await api.post('/service/cloud/task', {
      task_name: 'pages',
      robot_id: '4496',
      redial_times: 1,
      callees: NUMBERS.map((callee_number, i) => ({ case_id: `c${i}`, callee_number })),
    });
    assert.equal(created.status, 200, created.text);
    taskId = created.json.data.task_id;
    for (const [i, name] of ['pages-b', 'pages-c'].entries()) {
      const r = await api.post('/service/cloud/task', {
        task_name: name,
        robot_id: '4496',
        start_time: '2099-01-01 00:00:00',
        end_time: '2099-01-02 00:00:00',
        callees: [{ callee_number: `+628123456730${i}` }],
      });
      assert.equal(r.status, 200, r.text);
    }
    await waitFor('the task to finish', async () => {
      const r = await api.get(`/service/cloud/detail?task_id=${taskId}`);
      return r.json.data.task_status === 'Finished' || undefined;
    });
  });

  after(async () => {
    await server?.close();
  });

  it('detail pages list every dialled number once, in upload order, with its attempts', async () => {
    const calls = await server.store.db.query<{ callee_number: string; n: number }>(
      `SELECT callee_number, count(*) AS n FROM calls WHERE task_id = $1 AND state = 'final'
       GROUP BY callee_number`,
      [taskId],
    );
    const attempts = new Map(calls.map((c) => [c.callee_number, Number(c.n)]));
    const seen: Array<{ callee_number: string; call_times: number; redial_call: unknown[] }> = [];
    for (let page = 1; page <= 4; page += 1) {
      const r = await api.get(`/service/cloud/detail?task_id=${taskId}&page=${page}&page_size=3`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.data.total, attempts.size, `total on page ${page}`);
      assert.equal(r.json.data.page, page);
      seen.push(...r.json.data.list);
    }
    const expected = NUMBERS.filter((n) => attempts.has(n));
    assert.deepEqual(
      seen.map((s) => s.callee_number),
      expected,
      'every record once, in upload order; page 4 is past the end and empty',
    );
    for (const record of seen) {
      assert.equal(record.call_times, attempts.get(record.callee_number), record.callee_number);
      assert.equal(record.redial_call.length, record.call_times - 1, record.callee_number);
    }
  });

  it('links a recording exactly where the app has one for the last attempt', async () => {
    const r = await api.get(`/service/cloud/detail?task_id=${taskId}&page_size=100`);
    const recorded = new Set(
      (
        await server.store.db.query<{ call_id: string }>(
          'SELECT call_id FROM recordings WHERE task_id = $1 AND app_id = $2',
          [taskId, appId],
        )
      ).map((row) => row.call_id),
    );
    assert.ok(recorded.size > 0, 'the answered numbers were recorded');
    for (const record of r.json.data.list as Array<{ call_id: string; recording_url: string }>) {
      assert.equal(record.recording_url !== '', recorded.has(record.call_id), record.call_id);
      if (record.recording_url) assert.ok(record.recording_url.includes(record.call_id));
    }
  });

  it("another app's task is not found", async () => {
    const r = await other.get(`/service/cloud/detail?task_id=${taskId}`);
    assert.equal(r.status, 404, r.text);
  });

  it('list pages carry the total, also past the end, newest first', async () => {
    const all = await api.get('/service/cloud/list?page_size=10');
    assert.deepEqual(
      all.json.data.list.map((t: { task_name: string }) => t.task_name),
      ['pages-c', 'pages-b', 'pages'],
    );
    const second = await api.get('/service/cloud/list?page=2&page_size=2');
    assert.equal(second.json.data.total, 3);
    assert.deepEqual(
      second.json.data.list.map((t: { task_name: string }) => t.task_name),
      ['pages'],
    );
    const past = await api.get('/service/cloud/list?page=5&page_size=2');
    assert.equal(past.status, 200, past.text);
    assert.equal(past.json.data.total, 3);
    assert.deepEqual(past.json.data.list, []);
    const none = await other.get('/service/cloud/list');
    assert.equal(none.json.data.total, 0);
    assert.deepEqual(none.json.data.list, []);
  });
});
