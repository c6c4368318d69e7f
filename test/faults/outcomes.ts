// What the crash and shutdown tests check once the task has finished: every number got exactly
// the attempts its persona calls for, no attempt reached the carrier twice, and every event the
// outbox holds reached the receiver.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { LedgerEntry } from '../../src/channels/telephony/simulated/simulated-call-control.ts';
import type { Db } from '../../src/store/db.ts';
import type { Receiver } from '../helpers/receiver.ts';

/** `n` distinct Indonesian mobile numbers whose last digits cover every persona evenly. */
export function numbersFor(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `+62812${String(1_000_000 + i).padStart(8, '0')}`);
}

/**
 * Counted attempts (not `interrupted`) a number gets with redial_times 1 (docs/simulator.md):
 * voicemail (4), no answer (5) and busy (6) are called twice; a late answerer (second-to-last
 * digit 9) misses the first call and answers the second; everyone else is final after one.
 */
export function expectedAttempts(number: string, missedRingBefore = false): number {
  const last = Number(number.at(-1));
  const secondLast = Number(number.at(-2));
  if ([4, 5, 6].includes(last)) return 2;
  // The late answerer counts rings, whoever cut them short: a ring the fault interrupted was
  // their first, so the first counted call is answered.
  if (secondLast === 9) return missedRingBefore ? 1 : 2;
  return 1;
}

export async function checkNothingLostOrRepeated(input: {
  store: Db;
  taskId: string;
  ledger: LedgerEntry[];
  receiver: Receiver;
  t: TestContext;
}) {
  const { store, taskId, ledger, receiver, t } = input;
  const [task] = await store.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [
    taskId,
  ]);
  assert.equal(task!.status, 'Finished');

  const calls = await store.query<{ id: string; outcome: string | null; state: string }>(
    'SELECT id, outcome, state FROM calls WHERE task_id = $1',
    [taskId],
  );
  const byId = new Map(calls.map((c) => [c.id, c]));
  // Whose first ring was an attempt the fault interrupted.
  const firstDial = new Map<string, LedgerEntry>();
  for (const d of ledger) if (!firstDial.has(d.to)) firstDial.set(d.to, d);
  const missedFirstRing = (number: string) => {
    const first = firstDial.get(number);
    return first !== undefined && byId.get(first.callId)?.outcome === 'interrupted';
  };

  // Every number final, with the attempts its persona calls for.
  const callees = await store.query<{ callee_number: string; status: string; counted: number }>(
    `SELECT c.callee_number, c.status,
       (SELECT count(*) FROM calls k WHERE k.callee_id = c.id AND k.outcome <> 'interrupted') AS counted
     FROM callees c WHERE c.task_id = $1`,
    [taskId],
  );
  const wrong = callees.filter(
    (c) =>
      c.status !== 'done' ||
      Number(c.counted) !== expectedAttempts(c.callee_number, missedFirstRing(c.callee_number)),
  );
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} numbers with the wrong attempts`);

  // The carrier's ledger: no call id twice, no (number, attempt) twice, and each dial is a call
  // row; every call that was not interrupted was dialled exactly once.
  const ids = new Set(ledger.map((d) => d.callId));
  assert.equal(ids.size, ledger.length, 'a call id dialled twice');
  const attempts = new Set(ledger.map((d) => `${d.to}#${d.attempt}`));
  assert.equal(attempts.size, ledger.length, 'an attempt of a number dialled twice');
  assert.deepEqual(
    ledger.filter((d) => !byId.has(d.callId)).slice(0, 3),
    [],
    'a dial without a call row',
  );
  const undialled = calls.filter((c) => c.outcome !== 'interrupted' && !ids.has(c.id));
  assert.deepEqual(undialled.slice(0, 3), [], 'an ended call the carrier never saw');
  assert.deepEqual(
    calls.filter((c) => c.state !== 'final').slice(0, 3),
    [],
    'a call still dialling',
  );
  const interrupted = calls.filter((c) => c.outcome === 'interrupted').length;
  t.diagnostic(`${calls.length} calls, ${interrupted} interrupted by the fault and dialled again`);

  // The receiver holds every call and task event at least once.
  const events = await store.query<{ id: string; type: string }>(
    'SELECT id, type FROM webhook_events',
  );
  const received = new Set(receiver.requests.map((r) => String(r.headers['webhook-id'])));
  const missing = events.filter((e) => !received.has(e.id));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} events never received`);
  assert.equal(events.filter((e) => e.type === 'call').length, callees.length);
  assert.equal(events.filter((e) => e.type === 'task').length, 1);
  return { calls: calls.length, interrupted };
}
