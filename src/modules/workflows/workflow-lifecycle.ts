import type { Clock } from '../../shared/clock.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { stopWorkflowTasks } from '../tasks/workflow-tasks.ts';
import { statusChanged } from './workflow-outbox.ts';
import * as repo from './workflows.repository.ts';

// How a workflow ends (docs/workflows.md, "auto_finish and end_time"): Finished when auto_finish
// is 1 and its last record left the graph, or when its end_time came; Stopped when the integrator
// stops it. Ending stops its node tasks (waiting numbers cancelled, calls up finish) and the
// records still in the graph, and sends the status-change notification (§17.4), all in one
// transaction.

/** Counts records that left the graph; with auto_finish 1, the last one finishes the workflow. */
export async function finishIfComplete(
  tx: Queryable,
  workflowId: string,
  left: number,
  now: Date,
): Promise<void> {
  const counts = await repo.addDone(tx, workflowId, left);
  if (counts.done_count < counts.record_count) return;
  const workflow = await repo.workflowById(tx, workflowId, true);
  if (!workflow || workflow.status !== 'Running' || workflow.auto_finish !== 1) return;
  await endWorkflow(tx, workflow, 'Finished', 'every record finished (auto_finish 1)', now);
}

/** Ends a running workflow (locked by the caller) with its status and reason. */
export async function endWorkflow(
  tx: Queryable,
  workflow: repo.WorkflowRow,
  status: 'Finished' | 'Stopped',
  reason: string,
  now: Date,
): Promise<repo.WorkflowRow> {
  await repo.stopOpenRecords(tx, workflow.id, now);
  await stopWorkflowTasks(tx, workflow.id, now);
  const ended = await repo.setWorkflowStatus(tx, workflow.id, status, reason, now);
  await statusChanged(tx, ended, now);
  return ended;
}

export class WorkflowLifecycle {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** The `workflow.end` job: the end_time came. Running it again does nothing. */
  async endTimeReached(workflowId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const workflow = await repo.workflowById(tx, workflowId, true);
      if (!workflow || workflow.status !== 'Running') return;
      await endWorkflow(tx, workflow, 'Finished', 'end_time reached', this.#clock.now());
    });
  }
}
