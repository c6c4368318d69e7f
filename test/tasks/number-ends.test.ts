import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatDateTime } from '../../src/shared/time.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Every number of a task ends with exactly one terminal report a program can branch on
// (`end_reason`), in the call webhook, /detail, /case and /callinfo, also when it is never
// dialled; the task webhook follows the call webhooks of its task, with final counts.

/** A fixed-offset zone in which it is now `hour` o'clock (Etc/GMT signs are inverted). */
function zoneAtLocalHour(hour: number): string {
  let offset = (hour - new Date().getUTCHours() + 24) % 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any payload
type Json = Record<string, any>;

describe(`terminal report of every number (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let zone: string;
  const noon = zoneAtLocalHour(12);

  before(async () => {
    // A no-answer call rings 30 s: 5 s here, so a test can act while calls are up.
    server = await startTestServer({ config: { timeScale: 6 } });
    const app = await server.runtime.services.auth.createApp({ name: 'ends' });
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    zone = app.app.timezone;
    // Calls 09:00-17:00 in the callee's zone; a number at most once a local day.
    await server.store.db.query(
      'UPDATE apps SET calling_windows = $2, contact_caps = $3 WHERE id = $1',
      [
        app.app.id,
        JSON.stringify([{ days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', end: '17:00' }]),
        JSON.stringify({
          per_number: { day: 1, rolling_7_days: 7 },
          per_case: { day: null, rolling_7_days: null },
        }),
      ],
    );
  });
  after(() => server.close());

  /** The app-zone wall time `seconds` from now, as end_time takes it. */
  const inSeconds = (seconds: number) =>
    formatDateTime(new Date(Date.now() + seconds * 1000), zone);
  // Events of one transaction share created_at; there, a call event is written before the task
  // event ('call' < 'task').
  const outbox = (taskId: string) =>
    server.store.db.query<{ type: string; payload: Json }>(
      `SELECT type, payload FROM webhook_events
       WHERE subject_id = $1 OR payload->'call'->>'task_id' = $1 ORDER BY created_at, type`,
      [taskId],
    );
  const callEventOf = async (taskId: string, number: string) =>
    (await outbox(taskId)).filter(
      (e) => e.type === 'call' && e.payload.call.callee_number === number,
    );
  const taskStatus = async (taskId: string) =>
    (
      await server.store.db.query<{ status: string; reported_at: Date | null }>(
        'SELECT status, reported_at FROM tasks WHERE id = $1',
        [taskId],
      )
    )[0]!;
  const reported = (taskId: string) =>
    waitFor('the task webhook', async () =>
      (await taskStatus(taskId)).reported_at ? true : undefined,
    );
  const dials = (number: string) => server.carrier.ledger.filter((d) => d.to === number).length;

  /** The number's one report, read the four ways an integrator can; all must agree. */
  async function reportOf(taskId: string, number: string) {
    const events = await callEventOf(taskId, number);
    assert.equal(events.length, 1, `one call webhook for ${number}`);
    const call = events[0]!.payload.call;
    const detail = await api.get(`/service/cloud/detail?task_id=${taskId}&page_size=100`);
    assert.equal(detail.status, 200, detail.text);
    const record = detail.json.data.list.find((r: Json) => r.callee_number === number);
    assert.ok(record, `/detail lists ${number}`);
    assert.equal(record.call_id, call.call_id);
    assert.equal(record.end_reason, call.end_reason);
    const info = await api.get(`/service/cloud/callinfo?call_id=${call.call_id}`);
    assert.equal(info.status, 200, info.text);
    assert.equal(info.json.data.end_reason, call.end_reason);
    assert.equal(info.json.data.call_times, call.call_times);
    const kase = await api.get(
      `/service/cloud/case?task_id=${taskId}&callee_number=${encodeURIComponent(number)}`,
    );
    assert.equal(kase.status, 200, kase.text);
    return { call, record, info: info.json.data, caseList: kase.json.data.list as Json[] };
  }

  /** A number never dialled: a record of its own, no carrier attempt, no recording. */
  function assertNotDialled(r: Awaited<ReturnType<typeof reportOf>>, reason: string) {
    assert.equal(r.call.end_reason, reason);
    assert.equal(r.call.call_times, 0);
    assert.equal(r.call.ring_type, 'not_dialled');
    assert.equal(r.call.hangup_type, 'NotDialled');
    assert.match(r.call.call_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(r.call.redial_call, []);
    assert.equal(r.record.recording_url, '');
    assert.deepEqual(
      r.caseList.map((c) => [c.call_id, c.recording_url, c.end_reason]),
      [[r.call.call_id, '', reason]],
    );
  }

  it('reports a number whose calling window never opens before the task ends, and warns at creation', async () => {
    const night = { case_id: 'w1', callee_number: '+6281234571000', timezone: zoneAtLocalHour(3) };
    const invalid = { case_id: 'w2', callee_number: '+6281234571007', timezone: noon };
    const created = await api.post('/service/cloud/task', {
      task_name: 'ends_window',
      robot_id: '4496',
      end_time: inSeconds(120),
      callees: [night, invalid],
    });
    assert.equal(created.status, 200, created.text);
    const taskId = created.json.data.task_id;
    assert.deepEqual(
      created.json.data.warnings.map((w: Json) => [w.callee_number, w.case_id, w.reason]),
      [[night.callee_number, 'w1', 'outside_calling_window']],
    );
    await reported(taskId);
    assertNotDialled(await reportOf(taskId, night.callee_number), 'expired_window');
    assert.equal(dials(night.callee_number), 0);
    // A dialled number keeps the carrier's outcome as its reason.
    const dialled = await reportOf(taskId, invalid.callee_number);
    assert.equal(dialled.call.end_reason, 'invalid');
    assert.equal(dialled.call.call_times, 1);

    const events = await outbox(taskId);
    assert.deepEqual(
      events.map((e) => e.type),
      ['call', 'call', 'task'],
    );
    const task = events.at(-1)!.payload;
    assert.equal(task.status, 'Finished');
    assert.equal(task.total_count, 2);
    assert.equal(task.called_count, 1, 'a number never dialled is not counted as called');
    assert.equal(task.connected_count, 0);
  });

  it('reports a number held by its contact caps in a second task as expired_caps', async () => {
    const number = { case_id: 'c1', callee_number: '+6281234572007', timezone: noon };
    const first = await api.post('/service/cloud/task', {
      task_name: 'ends_caps_1',
      robot_id: '4496',
      callees: [number],
    });
    await reported(first.json.data.task_id);
    const second = await api.post('/service/cloud/task', {
      task_name: 'ends_caps_2',
      robot_id: '4496',
      end_time: inSeconds(600),
      callees: [{ ...number, case_id: 'c2' }],
    });
    assert.equal(second.status, 200, second.text);
    const taskId = second.json.data.task_id;
    await reported(taskId);
    assertNotDialled(await reportOf(taskId, number.callee_number), 'expired_caps');
    assert.equal(dials(number.callee_number), 1, 'dialled once, by the first task');
    // The record is not an attempt: it does not count against the caps of later checks.
    const [counted] = await server.store.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM calls WHERE callee_number = $1 AND outcome <> 'not_dialled'",
      [number.callee_number],
    );
    assert.equal(Number(counted!.n), 1);
  });

  it('reports a number on the do-not-call list as dnc, without dialling it, and warns at creation', async () => {
    const listed = { case_id: 'd1', callee_number: '+6281234573000', timezone: noon };
    assert.equal((await api.post('/v1/dnc', { numbers: [listed.callee_number] })).status, 200);
    const created = await api.post('/service/cloud/task', {
      task_name: 'ends_dnc',
      robot_id: '4496',
      callees: [listed],
    });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(
      created.json.data.warnings.map((w: Json) => w.reason),
      ['dnc'],
    );
    const taskId = created.json.data.task_id;
    await reported(taskId);
    assertNotDialled(await reportOf(taskId, listed.callee_number), 'dnc');
    assert.equal(dials(listed.callee_number), 0);
  });

  it('warns at creation about callees lacking the variables their robot needs, and creates the task', async () => {
    // The info check compares the answers with callee_name and id_last4 (an extra item).
    const complete = {
      case_id: 'v1',
      callee_number: '+6281234575001',
      callee_name: 'Andi',
      extra: [{ Question: 'id_last4', Content: '1234' }],
    };
    const bare = { case_id: 'v2', callee_number: '+6281234575002', callee_name: 'Budi' };
    const created = await api.post('/service/cloud/task', {
      task_name: 'warn_variables',
      robot_id: '4498',
      start_time: '2099-01-01 10:00:00',
      end_time: '2099-01-02 10:00:00',
      callees: [complete, bare],
    });
    assert.equal(created.status, 200, created.text);
    assert.match(created.json.data.task_id, /^[0-9a-f]{32}$/);
    const warnings = created.json.data.warnings as Json[];
    assert.deepEqual(
      warnings.map((w) => [w.callee_number, w.case_id, w.reason]),
      [[bare.callee_number, 'v2', 'missing_variables']],
    );
    assert.match(String(warnings[0]!.message), /id_last4/);
    assert.doesNotMatch(String(warnings[0]!.message), /callee_name/);
  });

  it('reports a cancelled number that was never dialled', async () => {
    const waiting = { case_id: 'x1', callee_number: '+6281234574000', timezone: noon };
    const created = await api.post('/service/cloud/task', {
      task_name: 'ends_cancel',
      robot_id: '4496',
      start_time: '2099-01-01 10:00:00',
      end_time: '2099-01-02 10:00:00',
      callees: [waiting],
    });
    const taskId = created.json.data.task_id;
    const cancelled = await api.post('/service/cloud/cancelphonecall', {
      task_id: taskId,
      case_id: 'x1',
    });
    assert.equal(cancelled.status, 200, cancelled.text);
    assertNotDialled(await reportOf(taskId, waiting.callee_number), 'cancelled');
    assert.deepEqual(
      (await outbox(taskId)).map((e) => e.type),
      ['call', 'task'],
    );
  });

  it('reports a number the task ended before reaching as expired_task_end, after the call in progress', async () => {
    // One call at a time: the first number rings 5 s (no answer), the task ends meanwhile.
    const ringing = { case_id: 't1', callee_number: '+6281234575005', timezone: noon };
    const unreached = { case_id: 't2', callee_number: '+6281234575000', timezone: noon };
    const created = await api.post('/service/cloud/task', {
      task_name: 'ends_task_end',
      robot_id: '4496',
      max_concurrency: 1,
      end_time: inSeconds(3),
      callees: [ringing, unreached],
    });
    assert.equal(created.status, 200, created.text);
    const taskId = created.json.data.task_id;
    await reported(taskId);
    assertNotDialled(await reportOf(taskId, unreached.callee_number), 'expired_task_end');
    const rang = await reportOf(taskId, ringing.callee_number);
    assert.equal(rang.call.end_reason, 'not_connected');
    const events = await outbox(taskId);
    assert.deepEqual(
      events.map((e) => e.type),
      ['call', 'call', 'task'],
      'the task webhook waits for the call in progress',
    );
  });

  it('writes the task webhook of a stopped task after its last call ends, with the counts /list shows', async () => {
    const callees = [
      { case_id: 's1', callee_number: '+6281234576005', timezone: noon },
      { case_id: 's2', callee_number: '+6281234576015', timezone: noon },
      { case_id: 's3', callee_number: '+6281234576000', timezone: noon },
    ];
    const created = await api.post('/service/cloud/task', {
      task_name: 'ends_stop',
      robot_id: '4496',
      max_concurrency: 2,
      callees,
    });
    const taskId = created.json.data.task_id;
    await waitFor('two calls up', async () => {
      const rows = await server.store.db.query(
        "SELECT 1 FROM calls WHERE task_id = $1 AND state = 'dialing'",
        [taskId],
      );
      return rows.length === 2 ? true : undefined;
    });
    const stopped = await api.post('/service/cloud/operation', {
      task_id: taskId,
      operation: 'stop',
    });
    assert.equal(stopped.status, 200, stopped.text);
    assert.equal((await taskStatus(taskId)).status, 'Stopped', 'no new dial from now');
    await reported(taskId);
    assertNotDialled(await reportOf(taskId, '+6281234576000'), 'cancelled');
    const events = await outbox(taskId);
    assert.deepEqual(
      events.map((e) => e.type),
      ['call', 'call', 'call', 'task'],
      'every call webhook of the task comes before its task webhook',
    );
    const task = events.at(-1)!.payload;
    assert.equal(task.status, 'Stopped');
    const list = await api.get('/service/cloud/list?page_size=100');
    const row = list.json.data.list.find((t: Json) => t.task_id === taskId);
    assert.equal(task.called_count, row.called_count);
    assert.equal(task.connected_count, row.connected_count);
    assert.equal(task.called_count, 2);
  });
});
