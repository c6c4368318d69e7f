import type { Queryable } from '../../store/db.ts';
import type { ComplianceAudit } from '../compliance/audit.ts';
import type { ContactDecision } from '../compliance/compliance.service.ts';
import type { BlockReason } from '../compliance/contact-ledger.ts';
import type { HoldReason } from '../tasks/end-reason.ts';
import { reportNumberEnds } from '../tasks/number-ends.ts';
import type { CalleeRow, TaskRow } from '../tasks/task-access.ts';
import {
  endListedCallees,
  expireCallee,
  holdCallee,
  type PickedCallee,
} from './dial-claims.repository.ts';

const DAY_MS = 86_400_000;

/** A picked number the compliance check let through, with what to keep of the check. */
export interface AllowedCallee {
  callee: CalleeRow;
  audit: ComplianceAudit;
  zone: string;
}

export interface SettledPick {
  allowed: AllowedCallee[];
  /** How many picked numbers ended blocked (DNC or opt-out): they took no room. */
  blocked: number;
  /** Some number ended here (blocked, or expired on hold): the task may be done. */
  closed: boolean;
}

/**
 * Acts on the compliance check's answer for each picked number: a blocked one ends never dialled
 * (status dnc, its not_dialled report and its blocked ledger row); a held one waits (or expires
 * if the task ends first); an allowed one is left for the claim to write.
 */
export async function applyDecisions(
  tx: Queryable,
  task: TaskRow,
  callees: readonly PickedCallee[],
  decisions: readonly ContactDecision[],
  now: Date,
): Promise<SettledPick> {
  const allowed: AllowedCallee[] = [];
  const blocked = new Map<number, BlockReason>();
  let closed = false;
  for (const [i, callee] of callees.entries()) {
    const decision = decisions[i]!;
    if (decision.decision === 'blocked') {
      blocked.set(Number(callee.id), decision.reason);
    } else if (decision.decision === 'held') {
      const at = decision.nextOpen ?? new Date(now.getTime() + DAY_MS);
      closed = (await holdOrExpire(tx, task, callee, at, decision.reason, now)) || closed;
    } else {
      allowed.push({ callee: asCallee(callee), audit: decision.audit, zone: decision.zone });
    }
  }
  if (blocked.size > 0) {
    const ended = await endListedCallees(
      tx,
      callees.filter((c) => blocked.has(Number(c.id))),
    );
    // Never dialled: a not_dialled record; dialled before it was listed: its last attempt.
    await reportNumberEnds(tx, task, ended, now, blocked);
    closed = true;
  }
  return { allowed, blocked: blocked.size, closed };
}

/**
 * Puts back a number the rules do not allow now: it waits until `at` without this attempt
 * counting, remembering what held it (window or caps), or, when `at` is after the task's end, it
 * expires with that reason and is reported (true: the task may be done).
 */
async function holdOrExpire(
  tx: Queryable,
  task: TaskRow,
  callee: PickedCallee,
  at: Date,
  hold: HoldReason,
  now: Date,
): Promise<boolean> {
  if (at.getTime() < task.end_time.getTime()) {
    await holdCallee(tx, callee.id, at, hold);
    return false;
  }
  await expireCallee(tx, callee.id, hold);
  await reportNumberEnds(
    tx,
    task,
    [{ ...asCallee(callee), status: 'expired', attempts: callee.attempts - 1, hold_reason: hold }],
    now,
  );
  return true;
}

/** The callee row as the tasks module knows it (without what the pick remembered). */
const asCallee = ({ prior_hold_reason: _prior, ...row }: PickedCallee): CalleeRow => row;
