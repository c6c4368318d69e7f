import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedCall, seedTask } from '../compliance/seed.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// GET /service/cloud/callinfo (spec T11, path inferred): one attempt by its call id.

describe(`call information by call id (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let stranger: ReturnType<typeof client>;
  let appId: number;

  before(async () => {
    server = await startTestServer();
    const { auth } = server.runtime.services;
    const app = await auth.createApp({ name: 'callinfo' });
    const other = await auth.createApp({ name: 'other' });
    appId = app.app.id;
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    stranger = client(server.url, await tokenFor(server.url, other.appKey, other.appSecret));
  });
  after(() => server.close());

  it('answers an ended attempt with its result, earlier attempts, recording and compliance record', async () => {
    // Persona 9 in the second-to-last digit answers from the second dial on: two attempts.
    const number = '+6281234567090';
    const created = await api.post('/service/cloud/task', {
      task_name: 'callinfo',
      robot_id: '4496',
      redial_times: 1,
      callees: [{ callee_number: number, case_id: 'case-1', name: 'Budi' }],
    });
    assert.equal(created.status, 200, created.text);
    const taskId = created.json.data.task_id;
    const detail = await waitFor('the number to be final', async () => {
      const r = await api.get(`/service/cloud/detail?task_id=${taskId}`);
      return r.json.data.task_status === 'Finished' ? r.json.data.list[0] : undefined;
    });
    assert.equal(detail.call_times, 2);

    const info = await api.get(`/service/cloud/callinfo?call_id=${detail.call_id}`);
    assert.equal(info.status, 200, info.text);
    const { compliance, ...record } = info.json.data;
    // Links are signed when asked for: the two answers may name different expiry seconds.
    const unsigned = (r: { recording_url: string }) => ({
      ...r,
      recording_url: r.recording_url.split('?')[0],
    });
    assert.deepEqual(
      unsigned(record),
      unsigned(detail),
      'the same record as the task detail gives',
    );
    assert.equal(compliance.decision, 'allowed');
    assert.equal(compliance.zone.zone, 'Asia/Jakarta');
    assert.equal(compliance.caps.counts.number_day, 1, 'one attempt before this one today');

    // The first attempt: its own result, no earlier attempts, and its own audit.
    const firstId = detail.redial_call[0].call_id;
    const first = await api.get(`/service/cloud/callinfo?call_id=${firstId}`);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.data.call_id, firstId);
    assert.equal(first.json.data.call_times, 1);
    assert.deepEqual(first.json.data.redial_call, []);
    assert.equal(first.json.data.compliance.caps.counts.number_day, 0);
    assert.equal(first.json.data.recording_url, '', 'an unanswered attempt has no recording');
    assert.match(info.json.data.recording_url, /^http:\/\/127\.0\.0\.1:\d+\/recordings\//);
  });

  it('answers 404 for an unknown call and for another app’s call', async () => {
    const unknown = await api.get(
      '/service/cloud/callinfo?call_id=0123456789abcdef0123456789abcdef',
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.message, 'Call is not found');
    const notAnId = await api.get('/service/cloud/callinfo?call_id=nope');
    assert.equal(notAnId.status, 404);

    const [mine] = await server.store.db.query<{ id: string }>(
      'SELECT id FROM calls WHERE app_id = $1 LIMIT 1',
      [appId],
    );
    assert.ok(mine, 'a call of the first app exists');
    const theirs = await stranger.get(`/service/cloud/callinfo?call_id=${mine.id}`);
    assert.equal(theirs.status, 404);
    assert.equal(theirs.json.message, 'Call is not found');
  });

  it('answers 409 while the attempt is in progress', async () => {
    const task = await seedTask(server.store.db, appId);
    const callId = await seedCall(server.store.db, appId, task, {
      number: '+6281200000001',
      startedAt: new Date().toISOString(),
      outcome: null,
    });
    const r = await api.get(`/service/cloud/callinfo?call_id=${callId}`);
    assert.equal(r.status, 409);
    assert.equal(r.json.message, 'The call has not ended yet');
  });

  it('needs a token and a call_id', async () => {
    const anonymous = await client(server.url).get('/service/cloud/callinfo?call_id=x');
    assert.equal(anonymous.status, 401);
    const missing = await api.get('/service/cloud/callinfo');
    assert.equal(missing.status, 400);
    assert.match(missing.json.message, /call_id/);
  });
});
