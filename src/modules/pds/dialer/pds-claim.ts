import type { Config } from '../../../config.ts';
import type { Queryable } from '../../../store/db.ts';
import { lockAppSettings } from '../../auth/app-directory.ts';
import { claimForTask, type ClaimedCall } from '../../dialer/dial-claims.ts';
import { lockTaskRow } from '../../tasks/task-access.ts';
import { recordEvents } from '../../webhooks/outbox.ts';
import { callFacts, contactStatus, taskStatus, type PdsCallFacts } from '../webhooks/pds-events.ts';
import { dialingCallsOfTask, type PdsTaskRow } from './pds-calls.repository.ts';

// One PDS task's claim (docs/pds-dialer.md, "Claims"): the pacer's lines, claimed through the
// robot dialer's claim for one task (compliance: windows, caps, DNC, opt-out, the contact
// ledger), with the CALLING webhook of each call and the task's TaskStatus Running (its first
// claim) written in the same transaction.

export interface PdsClaim {
  call: ClaimedCall;
  facts: PdsCallFacts;
}

/**
 * Claims up to `want` numbers of the task. The pacer counted `seenDialing` calls in flight before
 * this transaction; calls another worker placed since then (under the same task lock, they are
 * visible now) come off `want`, so two workers pacing one task do not both open the same lines.
 */
export async function claimPdsLines(
  tx: Queryable,
  options: { config: Config; workerId: string; now: Date },
  task: PdsTaskRow,
  want: number,
  seenDialing: number,
): Promise<PdsClaim[]> {
  const { config, workerId, now } = options;
  // The app's lock, then the task's: the order every claim and finalisation takes them in.
  await lockAppSettings(tx, task.app_id);
  const row = await lockTaskRow(tx, task.id);
  if (!row || (row.status !== 'Waiting' && row.status !== 'Running')) return [];
  const dialingNow = (await dialingCallsOfTask(tx, task.id)).length;
  const limit = want - Math.max(0, dialingNow - seenDialing);
  if (limit <= 0) return [];
  const calls = await claimForTask(
    tx,
    config,
    workerId,
    { id: task.id, app_id: task.app_id },
    limit,
    now,
  );
  if (calls.length === 0) return [];
  const claims = calls.map((call) => ({
    call,
    facts: callFacts({
      call_id: call.callId,
      app_id: call.appId,
      task_id: task.id,
      attempt: call.attempt,
      callee_number: call.to,
      task_name: task.task_name,
      pds: task.pds,
      data: call.callee,
    }),
  }));
  await recordEvents(tx, [
    ...(row.status === 'Waiting'
      ? taskStatus(
          {
            appId: task.app_id,
            taskId: task.id,
            taskName: task.task_name,
            groupName: task.pds.groupName,
          },
          task.pds.callbackUrl,
          'Running',
          now,
        )
      : []),
    ...claims.flatMap((c) => contactStatus(c.facts, 'CALLING', now)),
  ]);
  return claims;
}
