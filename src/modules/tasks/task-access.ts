import type { Queryable } from '../../store/db.ts';
import * as repo from './tasks.repository.ts';

// What other modules may ask of the tasks module (plans, recordings). They never import
// tasks.repository.ts (the lint rule in eslint.config.js refuses it): these functions are the
// seam, so the tables behind them can change without touching the callers. Each takes a
// Queryable, so a caller can use it inside its own transaction.

export type { CalleeRow, NewCallee, TaskCounts, TaskRow, TaskStatus } from './tasks.repository.ts';

/** The app's task, or undefined when there is none or it belongs to another app. */
export function taskOfApp(
  q: Queryable,
  appId: number,
  taskId: string,
): Promise<repo.TaskRow | undefined> {
  return repo.findTask(q, appId, taskId);
}

/**
 * Locks the task row for the caller's transaction: every claim, finalisation, stop and expiry of
 * one task is serialised on it.
 */
export function lockTaskRow(q: Queryable, taskId: string): Promise<repo.TaskRow | undefined> {
  return repo.lockTask(q, taskId);
}

/** How many numbers the task has, how many were called, how many answered. */
export function countsOfTask(q: Queryable, taskId: string): Promise<repo.TaskCounts> {
  return repo.taskCounts(q, taskId);
}

/**
 * The (case_id, number) pairs among `callees` that already wait or are being dialled in an active
 * task of the app, as `${case_id}\0${number}`.
 */
export function openNumbers(
  q: Queryable,
  appId: number,
  callees: repo.NewCallee[],
): Promise<Set<string>> {
  return repo.openDuplicates(q, appId, callees);
}

/** Sets the task's status (the dial claim moves a Waiting task to Running at its first call). */
export function setStatusOfTask(
  q: Queryable,
  taskId: string,
  status: repo.TaskStatus,
  now: Date,
): Promise<repo.TaskRow> {
  return repo.setTaskStatus(q, taskId, status, now);
}
