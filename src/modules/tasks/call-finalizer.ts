import type { Queryable } from '../../store/db.ts';
import { optOut } from '../dnc/dnc.service.ts';
import { notify } from '../../store/db.ts';
import {
  countedAttemptsOf,
  endCalls,
  resultWithoutTalk,
  type CallEnd,
  type CallRow,
} from './calls.repository.ts';
import { appZone, emitCallEvents } from './task-events.ts';
import { finishIfDone, isActive } from './task-lifecycle.ts';
import { findCallees, lockTask, setCalleeStatuses, type CalleeRow } from './tasks.repository.ts';

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
 * finalizeCall for several attempts of one task at once: the task's row lock is taken once and
 * each step is one statement for the whole batch (the dialer batches the calls that end while a
 * batch of their task is being written). Returns the attempts this run ended (already ended ones
 * are skipped, so a re-run changes nothing).
 */
export async function finalizeCalls(
  tx: Queryable,
  taskId: string,
  items: ReadonlyArray<{ call: CallRef; end: CallEnd }>,
  now: Date,
): Promise<CallRow[]> {
  const task = await lockTask(tx, taskId);
  if (!task) return [];
  const ended = await endCalls(
    tx,
    items.map(({ call, end }) => ({ callId: call.id, end })),
  );
  if (ended.length === 0) return [];
  const endOf = new Map(items.map(({ call, end }) => [call.id, end]));
  const callees = await findCallees(
    tx,
    ended.map((c) => Number(c.callee_id)),
  );
  // The redial rule counts earlier attempts only for numbers that did not connect.
  const counted = await countedAttemptsOf(
    tx,
    ended
      .filter((c) => !CONNECTED.has(c.outcome!) && c.outcome !== 'invalid')
      .map((c) => Number(c.callee_id)),
  );
  const changes: Array<{ id: number; status: CalleeRow['status']; nextAt?: Date }> = [];
  const final: CalleeRow[] = [];
  for (const call of ended) {
    const end = endOf.get(call.id)!;
    const callee = callees.get(Number(call.callee_id));
    if (!callee) continue;
    // "Don't call me again": the app decides whether that puts the number on its DNC list.
    if (end.result.multi_label.Opt_Out) {
      await optOut(tx, {
        appId: task.app_id,
        number: callee.callee_number,
        source: 'voice_intent',
        reference: call.id,
      });
    }
    if (callee.status !== 'dialing') {
      // Cancelled or expired while this attempt was in progress: its end makes the number final.
      final.push(callee);
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
        (counted.get(Number(callee.id)) ?? 0) < 1 + task.redial_times) &&
      nextAt.getTime() < task.end_time.getTime();
    if (redial) {
      changes.push({ id: callee.id, status: 'pending', nextAt });
    } else {
      changes.push({ id: callee.id, status: 'done' });
      final.push({ ...callee, status: 'done' });
    }
  }
  await setCalleeStatuses(tx, changes);
  if (final.length > 0) await emitCallEvents(tx, task, final, await appZone(tx, task.app_id), now);
  if (changes.some((c) => c.status === 'pending')) await notify(tx, DIAL_CHANNEL);
  await finishIfDone(tx, task, now);
  return ended;
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
