import { newId } from '../../shared/ids.ts';
import type { Queryable } from '../../store/db.ts';
import { ledgerInsertBlocked, type BlockReason } from '../compliance/contact-ledger.ts';
import { resultWithoutTalk } from './calls.repository.ts';
import { endReasonOf, NOT_DIALLED, type EndReason } from './end-reason.ts';
import { appZone, emitCallEvents } from './task-events.ts';
import type { CalleeRow, TaskRow } from './tasks.repository.ts';

// Every number of a task ends with exactly one terminal report (spec §8.2: one call webhook per
// number when its dialling is final). A number that was dialled is reported by its last attempt;
// one that ends without ever being dialled gets a `calls` row of its own with outcome
// 'not_dialled' (no carrier attempt, no recording, not counted by caps, redials or the task's
// counts), so the webhook, /detail, /case and /callinfo read it like any other attempt.

const DESCRIPTIONS: Record<
  Exclude<EndReason, 'connected' | 'not_connected' | 'invalid'>,
  string
> = {
  expired_window: 'Not dialled: its calling window did not open before the task ended',
  expired_caps: 'Not dialled: its contact caps did not allow a call before the task ended',
  expired_task_end: 'Not dialled: the task ended before the number was reached',
  cancelled: 'Not dialled: cancelled',
  dnc: 'Not dialled: on the do-not-call list',
};

/** Why a number ended blocked, when the compliance check said so (not a task's end or a cancel). */
function blockReasonOf(
  callee: CalleeRow,
  blocked: ReadonlyMap<number, BlockReason> | undefined,
): BlockReason | null {
  if (callee.status === 'dnc') return blocked?.get(Number(callee.id)) ?? 'dnc';
  if (callee.status === 'expired' && callee.hold_reason) return callee.hold_reason;
  return null;
}

/**
 * Reports numbers whose dialling has just become final (their status already written): those
 * never dialled get their not_dialled record first, then every one gets its call webhook. A
 * number the compliance check stopped for good (DNC or opt-out; held by its window or caps past
 * the task's end) gets its one blocked row in the contact ledger, in the same statement;
 * `blocked` tells an opt-out from a DNC entry (absent: 'dnc').
 */
export async function reportNumberEnds(
  tx: Queryable,
  task: Pick<
    TaskRow,
    'id' | 'kind' | 'plan_id' | 'workflow_id' | 'round' | 'app_id' | 'robot_id' | 'caller_number'
  >,
  callees: readonly CalleeRow[],
  now: Date,
  blocked?: ReadonlyMap<number, BlockReason>,
): Promise<void> {
  if (callees.length === 0) return;
  const records = callees.map((callee) => {
    const reason = endReasonOf(callee, null);
    const description =
      reason in DESCRIPTIONS ? DESCRIPTIONS[reason as keyof typeof DESCRIPTIONS] : 'Not dialled';
    return {
      id: newId(),
      callee_id: callee.id,
      result: resultWithoutTalk(NOT_DIALLED, '', description),
      blocked: blockReasonOf(callee, blocked),
    };
  });
  // Only numbers without any attempt get one: a number dialled before keeps its last attempt as
  // its report, and a re-run (or a number already reported) writes nothing twice.
  await tx.query(
    `WITH r AS (
       SELECT r.*, c.app_id, c.task_id, c.callee_number, c.case_id
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, callee_id bigint, result jsonb, blocked text)
       JOIN callees c ON c.id = r.callee_id),
     records AS (
       INSERT INTO calls (id, app_id, task_id, callee_id, attempt, state, outcome, robot_id,
         callee_number, case_id, caller_number, started_at, ended_at, ring_time, hangup_type, result)
       SELECT r.id, r.app_id, r.task_id, r.callee_id, 0, 'final', '${NOT_DIALLED}', $2,
         r.callee_number, r.case_id, $3, $4, $4, 0, 'NotDialled', r.result
       FROM r
       WHERE NOT EXISTS (SELECT 1 FROM calls k WHERE k.callee_id = r.callee_id)
       ON CONFLICT (callee_id, attempt) DO NOTHING)
     ${ledgerInsertBlocked(`SELECT r.app_id, 'voice', r.callee_number, r.case_id, r.task_id, $4,
       'callee', r.callee_id::text, 'blocked', r.blocked FROM r WHERE r.blocked IS NOT NULL`)}`,
    [JSON.stringify(records), task.robot_id, task.caller_number, now],
  );
  await emitCallEvents(tx, task, callees, await appZone(tx, task.app_id), now);
}
