import type { Queryable } from '../../store/db.ts';
import { optOutFromCall } from '../dnc/dnc.service.ts';
import { notify } from '../../store/db.ts';
import { endCall, resultWithoutTalk, type CallEnd, type CallRow } from './calls.repository.ts';
import { appZone, emitCallEvent } from './task-events.ts';
import { finishIfDone, isActive } from './task-lifecycle.ts';
import { findCallee, lockTask, setCalleeStatus } from './tasks.repository.ts';

export const DIAL_CHANNEL = 'tiller_dial';

const CONNECTED = new Set(['answered', 'hangup']);

type CallRef = Pick<CallRow, 'id' | 'task_id' | 'callee_id'>;

/**
 * Records the end of one attempt and decides what follows, in one transaction: redial later,
 * or the number is final (call webhook), and the task finishes when nothing is left. Re-running
 * it for an attempt that already ended does nothing, so a crash between steps cannot double it.
 */
export async function finalizeCall(tx: Queryable, call: CallRef, end: CallEnd, now: Date) {
  const [ended] = await finalizeCalls(tx, call.task_id, [{ call, end }], now);
  return ended;
}

/**
 * finalizeCall for several attempts of one task at once: the task's row lock is taken once for
 * all of them (the dialer batches the calls that end while a batch of their task is being
 * written). Returns the attempts that this run ended (already ended ones are skipped).
 */
export async function finalizeCalls(
  tx: Queryable,
  taskId: string,
  items: ReadonlyArray<{ call: CallRef; end: CallEnd }>,
  now: Date,
): Promise<CallRow[]> {
  const task = await lockTask(tx, taskId);
  if (!task) return [];
  let zone: string | undefined;
  const zoneOfApp = async () => (zone ??= await appZone(tx, task.app_id));
  const endedNow: CallRow[] = [];
  let redialled = false;
  for (const { call, end } of items) {
    const ended = await endCall(tx, call.id, end);
    if (!ended) continue;
    endedNow.push(ended);
    const callee = await findCallee(tx, call.callee_id);
    if (!callee) continue;
    // "Don't call me again": the app decides whether that puts the number on its DNC list.
    if (end.result.multi_label.Opt_Out)
      await optOutFromCall(tx, task.app_id, callee.callee_number, call.id);

    if (callee.status !== 'dialing') {
      // Cancelled or expired while this attempt was in progress: its end makes the number final.
      await emitCallEvent(tx, callee, await zoneOfApp());
      continue;
    }
    // From now, not from endedAt: sped-up simulated calls end ahead of the business clock.
    const nextAt = new Date(
      now.getTime() + (end.outcome === 'interrupted' ? 0 : task.redial_interval_s * 1000),
    );
    const redial =
      isActive(task) &&
      !CONNECTED.has(end.outcome) &&
      end.outcome !== 'invalid' &&
      (end.outcome === 'interrupted' ||
        (await countedAttempts(tx, callee.id)) < 1 + task.redial_times) &&
      nextAt.getTime() < task.end_time.getTime();
    if (redial) {
      await setCalleeStatus(tx, callee.id, 'pending', nextAt);
      redialled = true;
    } else {
      await setCalleeStatus(tx, callee.id, 'done');
      await emitCallEvent(tx, { ...callee, status: 'done' }, await zoneOfApp());
    }
  }
  if (redialled) await notify(tx, DIAL_CHANNEL);
  if (endedNow.length > 0) await finishIfDone(tx, task, now);
  return endedNow;
}

/** Attempts that count against redial_times: an attempt cut short by our own failure does not. */
async function countedAttempts(tx: Queryable, calleeId: number): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `SELECT count(*) AS n FROM calls WHERE callee_id = $1 AND state = 'final' AND outcome <> 'interrupted'`,
    [calleeId],
  );
  return row!.n;
}

/** The end of an attempt that our side lost (worker crash, shutdown past its grace, carrier error). */
export function interruptedEnd(startedAt: Date, now: Date): CallEnd {
  return {
    outcome: 'interrupted',
    endedAt: new Date(Math.max(now.getTime(), startedAt.getTime())),
    ringTime: 0,
    hangupType: 'BySystem',
    result: resultWithoutTalk('normal', 'F', 'Call interrupted by the system'),
  };
}
