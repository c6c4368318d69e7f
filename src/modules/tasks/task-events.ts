import { formatDateTime } from '../../shared/time.ts';
import type { Queryable } from '../../store/db.ts';
import { recordEvent, recordEvents } from '../webhooks/outbox.ts';
import { callObject } from './call-object.ts';
import { finalCallsOf } from './calls.repository.ts';
import { taskCounts, type CalleeRow, type TaskRow } from './tasks.repository.ts';

// The two task-level webhooks (spec/calls-api.md §8.1, §8.2), written to the outbox inside the
// transaction that makes them true.

// The app's zone comes from the auth module's app directory (docs/modules.md).
export { appZone } from '../auth/app-directory.ts';

const unixSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The webhook ordering group of a task's events (docs/webhooks.md, "Order of delivery"): the
 * plan for a plan's round tasks (its event comes after theirs), else the task itself.
 */
export const orderingGroup = (task: Pick<TaskRow, 'id' | 'plan_id'>): string =>
  task.plan_id ?? task.id;

/**
 * Webhook of Call: once per number, when its dialling is final. For several numbers of one task,
 * with one read of their attempts and one insert of the events.
 */
export async function emitCallEvents(
  tx: Queryable,
  task: Pick<TaskRow, 'id' | 'plan_id'>,
  callees: readonly CalleeRow[],
  zone: string,
): Promise<void> {
  if (callees.length === 0) return;
  const byCallee = Map.groupBy(
    await finalCallsOf(
      tx,
      callees.map((c) => c.id),
    ),
    (call) => Number(call.callee_id),
  );
  const now = unixSeconds();
  const group = orderingGroup(task);
  await recordEvents(
    tx,
    callees.flatMap((callee) => {
      const attempts = byCallee.get(Number(callee.id)) ?? [];
      const last = attempts.at(-1);
      if (!last) return [];
      return [
        {
          appId: callee.app_id,
          type: 'call' as const,
          subjectId: last.id,
          group,
          payload: {
            timestamp: now,
            callee: callee.data,
            call: callObject(attempts, zone, callee),
          },
        },
      ];
    }),
  );
}

/** Webhook of Task: once, when the task is finished or stopped. */
export async function emitTaskEvent(tx: Queryable, task: TaskRow, zone: string): Promise<void> {
  const counts = await taskCounts(tx, task.id);
  await recordEvent(tx, {
    appId: task.app_id,
    type: 'task',
    subjectId: task.id,
    // After every call event of its task (or, in a plan, of the plan's rounds so far).
    group: orderingGroup(task),
    barrier: true,
    payload: {
      task_id: task.id,
      task_name: task.task_name,
      status: task.status,
      plan_id: task.plan_id ?? '',
      round: task.round,
      start_time: formatDateTime(task.started_at ?? task.start_time, zone),
      end_time: formatDateTime(task.finished_at ?? task.end_time, zone),
      total_count: counts.total_count,
      called_count: counts.called_count,
      connected_count: counts.connected_count,
      timestamp: unixSeconds(),
    },
  });
}
