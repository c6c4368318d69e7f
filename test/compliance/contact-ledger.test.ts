import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ComplianceService } from '../../src/modules/compliance/compliance.service.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// The contact ledger seen from the dialer: every real call is a voice row, a number the
// compliance check stops for good is one blocked row, and what another channel recorded (an
// attempt, an opt-out) changes what the next voice claim does.

interface LedgerRow {
  channel: string;
  number: string;
  task_id: string | null;
  source_kind: string;
  source_id: string;
  decision: string;
  reason: string | null;
}

describe(`contact ledger in the dialer (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let appId: number;
  let compliance: ComplianceService;

  before(async () => {
    server = await startTestServer();
    const app = await server.runtime.services.auth.createApp({ name: 'ledger' });
    appId = app.app.id;
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    compliance = new ComplianceService(server.store.db);
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
  const createTask = async (name: string, numbers: string[]) => {
    const created = await api.post('/service/cloud/task', {
      task_name: name,
      robot_id: '4496',
      callees: numbers.map((callee_number) => ({ callee_number })),
    });
    return created.json.data.task_id as string;
  };
  const ledgerOf = (number: string) =>
    server.store.db.query<LedgerRow>(
      `SELECT channel, number, task_id, source_kind, source_id, decision, reason
       FROM contact_attempts WHERE app_id = $1 AND number = $2 ORDER BY id`,
      [appId, number],
    );
  const dials = (number: string) => server.carrier.ledger.filter((d) => d.to === number).length;

  it('writes a voice row for every real attempt, pointing at its call', async () => {
    // Numbers ending 4 go to voicemail, 0 answers (docs/simulator.md).
    const numbers = ['+6281234570004', '+6281234570010'];
    const taskId = await createTask('ledger_rows', numbers);
    await finished(taskId);
    for (const number of numbers) {
      const calls = await server.store.db.query<{ id: string }>(
        `SELECT id FROM calls WHERE task_id = $1 AND callee_number = $2 AND outcome <> 'not_dialled'
         ORDER BY attempt`,
        [taskId, number],
      );
      assert.equal(calls.length, dials(number));
      assert.deepEqual(
        await ledgerOf(number),
        calls.map((call) => ({
          channel: 'voice',
          number,
          task_id: taskId,
          source_kind: 'call',
          source_id: call.id,
          decision: 'allowed',
          reason: null,
        })),
      );
      assert.ok(calls.length > 0);
    }
  });

  it('ends a listed number not dialled, with one blocked row', async () => {
    const listed = '+6281234570110';
    await api.post('/v1/dnc', { numbers: [listed], reason: 'asked by letter' });
    const taskId = await createTask('ledger_dnc', [listed]);
    await finished(taskId);
    assert.equal(dials(listed), 0);
    const [callee] = await server.store.db.query<{ id: number; status: string }>(
      'SELECT id, status FROM callees WHERE task_id = $1',
      [taskId],
    );
    assert.equal(callee!.status, 'dnc');
    const calls = await server.store.db.query<{ outcome: string }>(
      'SELECT outcome FROM calls WHERE task_id = $1',
      [taskId],
    );
    assert.deepEqual(
      calls.map((c) => c.outcome),
      ['not_dialled'],
    );
    assert.deepEqual(await ledgerOf(listed), [
      {
        channel: 'voice',
        number: listed,
        task_id: taskId,
        source_kind: 'callee',
        source_id: String(callee!.id),
        decision: 'blocked',
        reason: 'dnc',
      },
    ]);
  });

  it('does not call a number that sent STOP on another channel', async () => {
    const number = '+6281234570210';
    const listed = await compliance.optOut({
      appId,
      number,
      source: 'stop_keyword',
      reference: 'wamid.42',
    });
    assert.equal(listed, true);
    const taskId = await createTask('ledger_stop', [number]);
    await finished(taskId);
    assert.equal(dials(number), 0);
    const [row] = await ledgerOf(number);
    assert.equal(row?.decision, 'blocked');
    assert.equal(row?.reason, 'opt_out');
    const entry = await api.get('/v1/dnc?prefix=%2B6281234570210');
    assert.equal(entry.json.data.list[0].source, 'stop_keyword');
    assert.equal(entry.json.data.list[0].reason, 'STOP keyword in message wamid.42');
  });

  it("holds a number whose day's cap a WhatsApp message already spent", async () => {
    await server.store.db.query('UPDATE apps SET contact_caps = $2 WHERE id = $1', [
      appId,
      JSON.stringify({ per_number: { day: 1 }, per_case: { day: null, rolling_7_days: null } }),
    ]);
    const [messaged, quiet] = ['+6281234570310', '+6281234570320'];
    await compliance.recordAttempts([
      {
        appId,
        channel: 'whatsapp',
        number: messaged,
        caseId: '',
        taskId: null,
        attemptedAt: server.runtime.services.clock.now(),
        source: { kind: 'message', id: 'wamid.43' },
        decision: 'allowed',
        reason: null,
        audit: null,
      },
    ]);
    const taskId = await createTask('ledger_caps', [messaged, quiet]);
    await waitFor('the quiet number to be dialled', () => (dials(quiet) > 0 ? true : undefined));
    const held = await waitFor('the messaged number to be held', async () => {
      const [row] = await server.store.db.query<{ hold_reason: string | null; attempts: number }>(
        'SELECT hold_reason, attempts FROM callees WHERE task_id = $1 AND callee_number = $2',
        [taskId, messaged],
      );
      return row?.hold_reason ? row : undefined;
    });
    // Caps count across channels (docs/contact-ledger.md): the message spent today's one contact.
    assert.equal(held.hold_reason, 'caps');
    assert.equal(held.attempts, 0);
    assert.equal(dials(messaged), 0);
    // Held is not an attempt: the only contact on record is the message.
    assert.deepEqual(
      (await ledgerOf(messaged)).filter((r) => r.decision === 'allowed').map((r) => r.channel),
      ['whatsapp'],
    );
  });
});
