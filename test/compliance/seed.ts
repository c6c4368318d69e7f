// Rows for the compliance tests, written with plain SQL after migrate: an app, its tasks,
// callees and attempts, with exactly the columns the counters read.
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../src/store/db.ts';

const hex = () => randomBytes(16).toString('hex');

export async function seedApp(q: Queryable, settings: { contactCaps?: unknown } = {}) {
  const [app] = await q.query<{ id: number }>(
    `INSERT INTO apps (name, app_key, secret_hash, webhook_secret, timezone, contact_caps)
     VALUES ($1, $2, 'x', 'whsec_x', 'Asia/Jakarta', $3) RETURNING id`,
    [
      'compliance',
      hex(),
      settings.contactCaps === undefined ? null : JSON.stringify(settings.contactCaps),
    ],
  );
  return app!.id;
}

export async function seedTask(q: Queryable, appId: number) {
  const id = hex();
  await q.query(
    `INSERT INTO tasks (id, app_id, task_name, robot_id, start_time, end_time, caller_number, total_count)
     VALUES ($1, $2, $1, 4496, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '+6221000000', 0)`,
    [id, appId],
  );
  return id;
}

let seq = 0;

/**
 * One attempt to `number` in `task`, started at `startedAt`, as the dial claim writes it: its
 * call row and its voice row in the contact ledger (void when it ended interrupted); returns
 * its call id.
 */
export async function seedCall(
  q: Queryable,
  appId: number,
  taskId: string,
  call: { number: string; caseId?: string; startedAt: string; outcome?: string | null },
) {
  seq += 1;
  const caseId = call.caseId ?? '';
  const [callee] = await q.query<{ id: number }>(
    `INSERT INTO callees (task_id, app_id, seq, case_id, callee_number, data, status, attempts, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, '{}', 'done', 1, now()) RETURNING id`,
    // A callee per attempt keeps (task, case, number) unique whatever the test repeats.
    [taskId, appId, seq, `${caseId}#${seq}`, call.number],
  );
  const outcome = call.outcome === undefined ? 'no_answer' : call.outcome;
  const callId = hex();
  await q.query(
    `INSERT INTO calls (id, app_id, task_id, callee_id, attempt, state, outcome, robot_id, callee_number,
       caller_number, started_at, case_id)
     VALUES ($1, $2, $3, $4, 1, $5, $6, 4496, $7, '+6221000000', $8, $9)`,
    [
      callId,
      appId,
      taskId,
      callee!.id,
      outcome === null ? 'dialing' : 'final',
      outcome,
      call.number,
      call.startedAt,
      caseId,
    ],
  );
  if (outcome !== 'not_dialled') {
    await q.query(
      `INSERT INTO contact_attempts (app_id, channel, number, case_id, task_id, attempted_at,
         source_kind, source_id, decision, void_reason)
       VALUES ($1, 'voice', $2, $3, $4, $5, 'call', $6, 'allowed', $7)`,
      [
        appId,
        call.number,
        caseId,
        taskId,
        call.startedAt,
        callId,
        outcome === 'interrupted' ? 'interrupted' : null,
      ],
    );
  }
  return callId;
}
