import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// The do-not-call list where it matters: a listed number is never dialled, and a callee who
// says "don't call me" is listed when the app asks for that.

describe(`do-not-call in the dialer (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let appId: number;

  before(async () => {
    server = await startTestServer();
    const app = await server.runtime.services.auth.createApp({ name: 'dnc-dialer' });
    appId = app.app.id;
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
  });
  after(() => server.close());

  const finished = (taskId: string) =>
    waitFor('the task to finish', async () => {
      const [t] = await server.store.db.query<{ status: string }>(
        'SELECT status FROM tasks WHERE id = $1',
        [taskId],
      );
      return t?.status === 'Finished' ? true : undefined;
    });
  const dialled = () => new Set(server.carrier.ledger.map((d) => d.to));

  it('never dials a listed number, and still finishes the task', async () => {
    await api.post('/v1/dnc', { numbers: ['+6281234560100'], reason: 'customer request' });
    const created = await api.post('/service/cloud/task', {
      task_name: 'with_listed',
      robot_id: '4496',
      callees: [{ callee_number: '+6281234560100' }, { callee_number: '+6281234560200' }],
    });
    const taskId = created.json.data.task_id;
    await finished(taskId);
    assert.ok(!dialled().has('+6281234560100'), 'the listed number was not dialled');
    assert.ok(dialled().has('+6281234560200'));
    const rows = await server.store.db.query<{ callee_number: string; status: string }>(
      'SELECT callee_number, status FROM callees WHERE task_id = $1 ORDER BY seq',
      [taskId],
    );
    assert.deepEqual(
      rows.map((r) => r.status),
      ['dnc', 'done'],
    );
  });

  const optOut = (number: string) => ({
    callee_number: number,
    extend: { simulation: { persona: 'opts_out' } },
  });

  it('lists a number that asks not to be called, by default, and never dials it again', async () => {
    // A new app: nothing switched on. The robot promises "we will not call you again", so the
    // number must be listed.
    const on = await api.post('/service/cloud/task', {
      task_name: 'optout_default',
      robot_id: '4499',
      callees: [optOut('+6281234560400')],
    });
    await finished(on.json.data.task_id);
    const detail = await api.get(`/service/cloud/detail?task_id=${on.json.data.task_id}`);
    const call = detail.json.data.list[0];
    assert.equal(call.intention, 'D');
    assert.ok('Opt_Out' in call.multi_label);
    assert.equal(
      call.asr_result.at(-1).robottext,
      'Baik, kami tidak akan menelepon Anda lagi. Selamat tinggal.',
    );
    const [entry] = await server.store.db.query<{ source: string }>(
      'SELECT source FROM dnc_numbers WHERE app_id = $1 AND number = $2',
      [appId, '+6281234560400'],
    );
    assert.equal(entry?.source, 'verbal');

    const before = server.carrier.ledger.filter((d) => d.to === '+6281234560400').length;
    const again = await api.post('/service/cloud/task', {
      task_name: 'after_optout',
      robot_id: '4496',
      callees: [{ callee_number: '+6281234560400' }],
    });
    await finished(again.json.data.task_id);
    assert.equal(
      server.carrier.ledger.filter((d) => d.to === '+6281234560400').length,
      before,
      'not dialled again',
    );
  });

  it('with the switch off, neither lists the number nor promises to', async () => {
    assert.equal((await api.put('/v1/dnc/settings', { auto_dnc_on_optout: false })).status, 200);
    const off = await api.post('/service/cloud/task', {
      task_name: 'optout_off',
      robot_id: '4496',
      callees: [optOut('+6281234560300')],
    });
    await finished(off.json.data.task_id);
    const listedAfterOff = await api.get('/v1/dnc?prefix=%2B62812345603');
    assert.equal(listedAfterOff.json.data.total, 0, 'not listed with the switch off');
    const detail = await api.get(`/service/cloud/detail?task_id=${off.json.data.task_id}`);
    const call = detail.json.data.list[0];
    assert.ok('Opt_Out' in call.multi_label, 'the opt-out is still reported');
    const closing = call.asr_result.at(-1).robottext as string;
    assert.equal(closing, 'Understood, I have noted your request. Goodbye.');
    assert.doesNotMatch(closing, /not call you again/);
  });
});
