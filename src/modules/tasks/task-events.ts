import { defineEvent, publish, type TransactionSubscriber } from '../../queue/domain-events.ts';
import { EVENTS } from '../../queue/names.ts';
import { formatDateTime } from '../../shared/time.ts';
import type { Queryable } from '../../store/db.ts';
import { recordEvent, recordEvents } from '../webhooks/outbox.ts';
import { callObject } from './call-object.ts';
import { finalCallsOf, type CallRow } from './calls.repository.ts';
import { taskCounts, type CalleeRow, type TaskCounts, type TaskRow } from './tasks.repository.ts';

// The tasks module's domain events (docs/domain-events.md), published inside the transaction
// that makes them true, and the customer webhooks of spec/calls-api.md §8.1 and §8.2, which are
// one subscriber of them (the webhook outbox, written in that same transaction).

declare module '../webhooks/outbox.ts' {
  interface WebhookEventTypes {
    /** A number's dialling is final (§8.2). */
    call: 'call.final';
    /** A task is finished or stopped (§8.1). */
    task: 'task.finished';
  }
}

// The app's zone comes from the auth module's app directory (docs/modules.md).
export { appZone } from '../auth/app-directory.ts';

/**
 * Who started a task as one step of its own work, as subscribers see it: a plan, for its round
 * tasks (`step` = the round), or a workflow, for its call nodes' tasks (`step` = 0). The tasks
 * module stores it without knowing more; each subscriber picks the kind it serves.
 */
export interface TaskParent {
  kind: 'plan' | 'workflow';
  /** The plan id or the workflow id. */
  id: string;
  step: number;
}

export type ParentColumns = Pick<TaskRow, 'plan_id' | 'workflow_id' | 'round'>;

export const parentOf = (task: ParentColumns): TaskParent | null => {
  if (task.plan_id) return { kind: 'plan', id: task.plan_id, step: task.round };
  if (task.workflow_id) return { kind: 'workflow', id: task.workflow_id, step: 0 };
  return null;
};

/**
 * A workflow sends its own notifications for its tasks (spec/workflow-api.md §17), and a PDS
 * task its PDS webhooks to its callback (§18, docs/pds-dialer.md), so the ordinary customer
 * webhooks of calls and tasks (calls-api §8) leave both out.
 */
const reportedElsewhere = (parent: TaskParent | null, kind: TaskRow['kind']): boolean =>
  parent?.kind === 'workflow' || kind === 'pds';

/** `task.finished`: the task is Finished, or Stopped with no call left up; its counts are final. */
export interface TaskFinished {
  task: TaskRow;
  parent: TaskParent | null;
  counts: TaskCounts;
  /** The app's time zone, for subscribers that show times. */
  zone: string;
}

/** `call.final`: a number's dialling is final; `attempts` are all its ended attempts, oldest first. */
export interface CallFinal {
  appId: number;
  taskId: string;
  /** A robot task's, or a PDS task's (the predictive dialer's). */
  taskKind: TaskRow['kind'];
  /** The task's parent (a plan or a workflow), if it has one. */
  parent: TaskParent | null;
  /** parent?.id: the webhook ordering group of a plan's round tasks. */
  parentId: string | null;
  callee: CalleeRow;
  attempts: CallRow[];
  zone: string;
}

export const TASK_FINISHED = defineEvent<TaskFinished>(EVENTS.taskFinished);
export const CALL_FINAL = defineEvent<CallFinal>(EVENTS.callFinal);

/**
 * `call.final` for several numbers of one task, with one read of their attempts (and, through
 * the webhook subscriber, one insert of their webhooks). A number without an ended attempt has
 * nothing to report and is left out.
 */
export async function emitCallEvents(
  tx: Queryable,
  task: Pick<TaskRow, 'id' | 'kind'> & ParentColumns,
  callees: readonly CalleeRow[],
  zone: string,
  now: Date,
): Promise<void> {
  if (callees.length === 0) return;
  const byCallee = Map.groupBy(
    await finalCallsOf(
      tx,
      callees.map((c) => c.id),
    ),
    (call) => Number(call.callee_id),
  );
  const parent = parentOf(task);
  const parentId = parent?.id ?? null;
  const events = callees.flatMap((callee) => {
    const attempts = byCallee.get(Number(callee.id)) ?? [];
    if (attempts.length === 0) return [];
    const data: CallFinal = {
      appId: callee.app_id,
      taskId: task.id,
      taskKind: task.kind,
      parent,
      parentId,
      callee,
      attempts,
      zone,
    };
    return [{ id: String(callee.id), data }];
  });
  await publish(tx, CALL_FINAL, events, now);
}

/** `task.finished`, once per task (the caller marked it reported in this transaction). */
export async function emitTaskEvent(
  tx: Queryable,
  task: TaskRow,
  zone: string,
  now: Date,
): Promise<void> {
  const counts = await taskCounts(tx, task.id);
  const data: TaskFinished = { task, parent: parentOf(task), counts, zone };
  await publish(tx, TASK_FINISHED, [{ id: task.id, data }], now);
}

const unixSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The webhook ordering group of a task's events (docs/webhooks.md, "Order of delivery"): the
 * parent (a plan) for a plan's round tasks (its event comes after theirs), else the task itself.
 */
export const orderingGroup = (taskId: string, parentId: string | null | undefined): string =>
  parentId ?? taskId;

/** Webhook of Call (§8.2): one per number whose dialling is final, all in one insert. */
export const callWebhooks: TransactionSubscriber<CallFinal> = {
  name: 'webhooks.call',
  async handle(tx, events) {
    const now = unixSeconds();
    await recordEvents(
      tx,
      events
        .filter(({ data }) => !reportedElsewhere(data.parent, data.taskKind))
        .map(({ data }) => ({
          appId: data.appId,
          type: 'call' as const,
          subjectId: data.attempts.at(-1)!.id,
          group: orderingGroup(data.taskId, data.parentId),
          payload: {
            timestamp: now,
            callee: data.callee.data,
            call: callObject(data.attempts, data.zone, data.callee),
          },
        })),
    );
  },
};

/** Webhook of Task (§8.1): once, when the task is finished or stopped. */
export const taskWebhooks: TransactionSubscriber<TaskFinished> = {
  name: 'webhooks.task',
  async handle(tx, events) {
    for (const { data } of events) {
      if (reportedElsewhere(data.parent, data.task.kind)) continue;
      const { task, counts, zone } = data;
      await recordEvent(tx, {
        appId: task.app_id,
        type: 'task',
        subjectId: task.id,
        // After every call event of its task (or, in a plan, of the plan's rounds so far).
        group: orderingGroup(task.id, data.parent?.id),
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
  },
};
