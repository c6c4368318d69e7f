import type { Config } from '../../config.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { lockAppSettings, type AppSettings } from '../auth/app-directory.ts';
import { currentScript } from '../robots/robots.service.ts';
import { checkContacts } from '../compliance/compliance.service.ts';
import { lockContacts } from '../compliance/caps.ts';
import { finishIfDone } from '../tasks/task-lifecycle.ts';
import { lockTaskRow, setStatusOfTask, type TaskRow } from '../tasks/task-access.ts';
import { applyDecisions } from './claim-decisions.ts';
import { attemptsToWrite, claimedCalls, type ClaimedCall } from './claimed-call.ts';
import {
  inFlightCounts,
  insertAttempts,
  pickDueCallees,
  tasksWithRoom,
} from './dial-claims.repository.ts';

export type { ClaimedCall } from './claimed-call.ts';

/**
 * Claims due numbers for this worker. Per task, under the app's and the task's row locks, it
 * counts the calls in progress and claims only what the caps allow; SKIP LOCKED keeps workers
 * off each other's numbers. Each claim creates the attempt's call row (and its ledger row) in the
 * same transaction, so a number is never dialled twice for one attempt.
 */
export async function claimDueCalls(
  db: Db,
  config: Config,
  workerId: string,
  limit: number,
  now: Date,
): Promise<ClaimedCall[]> {
  const tasks = await tasksWithRoom(db, config, now);
  const claimed: ClaimedCall[] = [];
  for (const task of tasks) {
    if (claimed.length >= limit) break;
    const batch = await db.transaction((tx) =>
      claimForTask(tx, config, workerId, task, limit - claimed.length, now),
    );
    claimed.push(...batch);
  }
  return claimed;
}

/**
 * One task's claim: pick due numbers up to the room left, ask the compliance check about them
 * all at once, settle the ones it stops (held: back to wait; blocked: ended), write the allowed
 * attempts, and hand them to the dialer. A pick whose numbers turn out listed on the DNC list is
 * topped up with more due numbers, so listed numbers do not eat the room of a claim. Exported for
 * the PDS dialer (modules/pds/dialer), which claims for one task at a time, `want` at most, in
 * its own transaction.
 */
export async function claimForTask(
  tx: Queryable,
  config: Config,
  workerId: string,
  ref: { id: string; app_id: number },
  want: number,
  now: Date,
): Promise<ClaimedCall[]> {
  const app = await lockAppSettings(tx, ref.app_id);
  const task = await lockTaskRow(tx, ref.id);
  if (!app || !task || (task.status !== 'Waiting' && task.status !== 'Running')) return [];
  const room = await roomFor(tx, config, app, task, want);
  if (room <= 0) return [];

  const robot = await currentScript(tx, task.robot_id);
  const claimed: ClaimedCall[] = [];
  let closed = false;
  let taken = 0;
  while (taken < room) {
    const callees = await pickDueCallees(tx, task.id, room - taken, now);
    if (callees.length === 0) break;
    await lockContacts(
      tx,
      task.app_id,
      callees.map((c) => ({ number: c.callee_number, caseId: c.case_id })),
    );
    const decisions = await checkContacts(tx, {
      appId: task.app_id,
      channel: 'voice',
      at: now,
      appZone: app.timezone,
      appWindows: app.callingWindows,
      taskWindows: task.calling_windows,
      contactCaps: app.contactCaps,
      taskId: task.id,
      taskAttemptsPerDay: task.attempts_per_day,
      contacts: callees.map((c) => ({
        number: c.callee_number,
        caseId: c.case_id,
        contactZone: c.data.timezone,
      })),
    });
    const settled = await applyDecisions(tx, task, callees, decisions, now);
    closed = settled.closed || closed;
    const attempts = attemptsToWrite(task, robot!, workerId, settled.allowed, now);
    // Written before another pick's check, which must count them.
    await insertAttempts(tx, attempts);
    claimed.push(...claimedCalls(task, app, robot!, attempts, settled.allowed, now));
    taken += callees.length - settled.blocked;
    if (settled.blocked === 0) break;
  }
  if (closed) await finishIfDone(tx, task, now);
  if (claimed.length === 0) return [];
  if (task.status === 'Waiting') await setStatusOfTask(tx, task.id, 'Running', now);
  return claimed;
}

/** How many numbers this claim may take: what it wants, within both concurrency caps. */
async function roomFor(
  tx: Queryable,
  config: Config,
  app: AppSettings,
  task: TaskRow,
  want: number,
) {
  const busy = await inFlightCounts(tx, task.app_id, task.id);
  return Math.min(
    want,
    (app.maxConcurrency ?? config.appConcurrency) - busy.app,
    (task.max_concurrency ?? config.taskConcurrency) - busy.task,
  );
}
