// What the workflow crash test checks once the workflow has finished, from the store and the two
// providers' ledgers (files the killed process could not take back): every record went along
// exactly the path its callee's outcome picks, once; the carrier saw one counted dial per record;
// the messaging provider took one template per record that reached the WABA node and none for
// the others; the receiver holds one push per record.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { MessagingLedgerEntry } from '../../src/channels/messaging/simulated/simulated-messaging-channel.ts';
import type { LedgerEntry } from '../../src/channels/telephony/simulated/simulated-call-control.ts';
import type { Db } from '../../src/store/db.ts';
import type { Receiver } from '../helpers/receiver.ts';

/** Call personas (docs/simulator.md): 0 and 1 answer; 5 no answer, 6 busy, 7 invalid do not. */
const DIGITS = [0, 1, 5, 6, 7] as const;

/** Record `i`: its callee (second-to-last digit 0: no late answerer) and whether it connects. */
export function recordOf(i: number) {
  const digit = DIGITS[i % DIGITS.length]!;
  return {
    callee: `+62812${String(i).padStart(6, '0')}0${digit}`,
    case_id: `case-${i}`,
    connects: digit <= 1,
    digit,
  };
}

export const PATHS = {
  connected: ['start', 'call1', 'reached', 'api1', 'end'],
  not_connected: ['start', 'call1', 'reached', 'waba1', 'api1', 'end'],
};

export interface Evidence {
  store: Db;
  workflowId: string;
  records: number;
  carrier: LedgerEntry[];
  messaging: MessagingLedgerEntry[];
  receiver: Receiver;
  /** When the server came back after the kill (sends after it saw no fault). */
  restartedAt: Date;
  t: TestContext;
}

export async function checkWorkflowAfterCrash(e: Evidence): Promise<void> {
  const { store, workflowId, t } = e;
  const [workflow] = await store.query<{ status: string }>(
    'SELECT status FROM workflows WHERE id = $1',
    [workflowId],
  );
  assert.equal(workflow?.status, 'Finished');
  const records = await store.query<{
    id: string;
    callee: string;
    case_id: string;
    state: string;
    facts: { call?: { connected: boolean }; waba?: { status: string; error_code: string } };
  }>('SELECT id, callee, case_id, state, facts FROM workflow_records WHERE workflow_id = $1', [
    workflowId,
  ]);
  assert.equal(records.length, e.records);
  const expected = new Map(
    Array.from({ length: e.records }, (_, i) => recordOf(i)).map((r) => [r.callee, r]),
  );
  const notDone = records.filter((r) => r.state !== 'done');
  assert.deepEqual(notDone.slice(0, 3), [], `${notDone.length} records not done`);

  // The step log: steps 1..n with no gap, each node once, in the order the outcome picks.
  const steps = await store.query<{
    record_id: string;
    step: number;
    node: string;
    entered_at: Date;
  }>(
    'SELECT record_id, step, node, entered_at FROM workflow_steps WHERE workflow_id = $1 ORDER BY record_id, step',
    [workflowId],
  );
  const stepsOf = new Map<string, Array<{ step: number; node: string; entered_at: Date }>>();
  for (const s of steps) stepsOf.set(s.record_id, [...(stepsOf.get(s.record_id) ?? []), s]);
  const wrongPaths = records.flatMap((r) => {
    const want = expected.get(r.callee)!.connects ? PATHS.connected : PATHS.not_connected;
    const got = stepsOf.get(r.id) ?? [];
    const numbered = got.every((s, i) => Number(s.step) === i + 1);
    const path = got.map((s) => s.node);
    return numbered && path.join('>') === want.join('>')
      ? []
      : [{ callee: r.callee, steps: got.map((s) => `${s.step}:${s.node}`).join(' ') }];
  });
  assert.deepEqual(wrongPaths.slice(0, 5), [], `${wrongPaths.length} records off their path`);
  for (const r of records) {
    assert.equal(r.facts.call?.connected, expected.get(r.callee)!.connects, `call of ${r.callee}`);
  }

  await checkCarrier(e, records);
  // When each record left waba1 (entered api1): a send after that could no longer take its status.
  const leftWaba = new Map<string, Date>();
  for (const r of records) {
    const api = stepsOf.get(r.id)?.find((s) => s.node === 'api1');
    if (api && expected.get(r.callee)!.connects === false)
      leftWaba.set(r.callee, new Date(api.entered_at));
  }
  checkMessaging(e, records, leftWaba);
  checkPushes(e, records);
  t.diagnostic(
    `${steps.length} steps; ${e.carrier.length} dials, ${e.messaging.length} template sends`,
  );
}

/** One counted dial per record, all of them by call1's node tasks; interrupted ones redialled. */
async function checkCarrier(e: Evidence, records: ReadonlyArray<{ id: string; callee: string }>) {
  const calls = await e.store.query<{ id: string; callee_number: string; outcome: string | null }>(
    `SELECT c.id, c.callee_number, c.outcome FROM calls c
     JOIN workflow_node_runs r ON r.id = c.task_id AND r.kind = 'call'
     WHERE r.workflow_id = $1`,
    [e.workflowId],
  );
  const [stray] = await e.store.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM calls c JOIN tasks k ON k.id = c.task_id
     WHERE k.workflow_id = $1 AND c.task_id NOT IN (SELECT id FROM workflow_node_runs)`,
    [e.workflowId],
  );
  assert.equal(stray?.n, 0, 'calls of a task that is no node run');
  const byId = new Map(calls.map((c) => [c.id, c]));
  const ids = new Set(e.carrier.map((d) => d.callId));
  assert.equal(ids.size, e.carrier.length, 'a call id dialled twice');
  const unknown = e.carrier.filter((d) => !byId.has(d.callId));
  assert.deepEqual(unknown.slice(0, 3), [], 'a dial without a call row of the workflow');
  assert.deepEqual(
    calls.filter((c) => c.outcome === null).slice(0, 3),
    [],
    'a call that never ended',
  );
  // Per number: the dials whose call counts (not interrupted by the kill) are exactly one.
  const counted = new Map<string, number>();
  for (const d of e.carrier) {
    if (byId.get(d.callId)!.outcome === 'interrupted') continue;
    counted.set(d.to, (counted.get(d.to) ?? 0) + 1);
  }
  const wrong = records.filter((r) => counted.get(r.callee) !== 1);
  assert.deepEqual(
    wrong.slice(0, 5).map((r) => [r.callee, counted.get(r.callee) ?? 0]),
    [],
    `${wrong.length} records without exactly one counted dial`,
  );
  assert.equal(counted.size, records.length, 'dials to numbers outside the workflow');
  const interrupted = calls.filter((c) => c.outcome === 'interrupted').length;
  e.t.diagnostic(`${calls.length} calls, ${interrupted} interrupted by the kill and dialled again`);
}

/** One template send per record that reached waba1, none for the others; its status arrived. */
function checkMessaging(
  e: Evidence,
  records: ReadonlyArray<{
    callee: string;
    facts: { waba?: { status: string; error_code: string } };
  }>,
  leftWaba: ReadonlyMap<string, Date>,
) {
  const sends = new Map<string, MessagingLedgerEntry[]>();
  for (const s of e.messaging) sends.set(s.to, [...(sends.get(s.to) ?? []), s]);
  const wrong = records.flatMap((r) => {
    const want = recordOf(Number(r.callee.slice(6, 12))).connects ? 0 : 1;
    const got = sends.get(r.callee) ?? [];
    return got.length === want ? [] : [[r.callee, got.length, want]];
  });
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} records with the wrong template sends`);
  assert.equal(sends.size, records.filter((r) => r.facts.waba).length, 'sends to strangers');
  for (const s of e.messaging) {
    assert.equal(s.type, 'template');
    assert.equal(s.template, 'payment_reminder');
  }
  // A template the provider took after the restart met no fault: its statuses are the persona's
  // (unreachable fails; the others are delivered, then read). Some may be missing (a status that
  // overtook the send's outcome; a send that went out after its record's timeout moved it on),
  // but none contradicts the persona. One taken before the kill may have lost its statuses with
  // the process, or been sent again and refused as a duplicate (the ledger kept its key).
  const byCallee = new Map(records.map((r) => [r.callee, r]));
  const after = { sends: 0, unreachable: 0, failed: 0, delivered: 0, waited: 0 };
  const afterByDigit = new Map<string, number>();
  for (const s of e.messaging) {
    const waba = byCallee.get(s.to)!.facts.waba!;
    if (s.at < e.restartedAt) continue;
    after.sends += 1;
    const key = `${s.to.at(-1)}:${waba.status}`;
    afterByDigit.set(key, (afterByDigit.get(key) ?? 0) + 1);
    const refused = s.to.endsWith('7') ? ['delivery', 'read'] : ['failed'];
    assert.ok(!refused.includes(waba.status), `${s.to}: ${JSON.stringify(waba)}`);
    // A send whose record had already timed out of waba1 (a slow restart) cannot take a status:
    // only the sends made while their record still waited show whether statuses flow.
    if (s.at >= leftWaba.get(s.to)!) continue;
    after.waited += 1;
    if (s.to.endsWith('7')) after.unreachable += 1;
    if (waba.status === 'failed') after.failed += 1;
    if (waba.status === 'delivery' || waba.status === 'read') after.delivered += 1;
  }
  const tally = new Map<string, number>();
  for (const r of records) {
    if (!r.facts.waba) continue;
    const key = `${r.facts.waba.status || '(none)'}${r.facts.waba.error_code ? `/${r.facts.waba.error_code}` : ''}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  e.t.diagnostic(
    `templates: ${after.sends} sent after the restart, ${after.waited} while their record waited (${JSON.stringify(Object.fromEntries(afterByDigit))}); outcomes ${JSON.stringify(Object.fromEntries(tally))}`,
  );
  // Statuses flow after the restart: of many sends of a kind, some got their final status.
  if (after.waited - after.unreachable >= 20)
    assert.ok(after.delivered > 0, 'no template delivered after the restart');
  if (after.unreachable >= 20)
    assert.ok(after.failed > 0, 'no unreachable template failed after the restart');
}

/** The API node's pushes: each record's, at least once (deduplicated by the webhook id), once. */
function checkPushes(e: Evidence, records: ReadonlyArray<{ id: string; case_id: string }>) {
  const pushes = new Map<string, Set<string>>();
  for (const request of e.receiver.requests) {
    const body = JSON.parse(request.body) as {
      node_name?: string;
      workflow_id?: string;
      callee?: { case_id?: string };
    };
    if (body.node_name !== 'CRM' || body.workflow_id !== e.workflowId) continue;
    const caseId = String(body.callee?.case_id);
    const id = String(request.headers['webhook-id']);
    pushes.set(caseId, new Set([...(pushes.get(caseId) ?? []), id]));
  }
  const wrong = records.filter((r) => pushes.get(r.case_id)?.size !== 1);
  assert.deepEqual(
    wrong.slice(0, 5).map((r) => [r.case_id, [...(pushes.get(r.case_id) ?? [])]]),
    [],
    `${wrong.length} records without exactly one push`,
  );
  assert.equal(pushes.size, records.length, 'pushes of records outside the workflow');
}
