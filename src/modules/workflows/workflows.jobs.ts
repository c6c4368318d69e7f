import { defineJob, enqueue, handleJob, textField } from '../../queue/job-types.ts';
import { QUEUES } from '../../queue/names.ts';
import type { Queryable } from '../../store/db.ts';
import type { WorkflowEngine } from './engine.ts';
import type { WorkflowLifecycle } from './workflow-lifecycle.ts';

// The workflows module's jobs (docs/workflows.md): `workflow.step` walks a workflow's due records
// (engine.ts), `workflow.end` stops a workflow at its end_time. Step jobs are keyed by what made
// them (a create, a call's end, a timer of one record), never by the workflow alone: a job that
// is running keeps its key, and a record made ready meanwhile must still get a job of its own.

export interface WorkflowJob extends Record<string, unknown> {
  workflow_id: string;
}

const decode = (stored: Record<string, unknown>): WorkflowJob => ({
  workflow_id: textField(stored, 'workflow_id'),
});

export const WORKFLOW_STEP = defineJob<WorkflowJob>(QUEUES.workflowStep, { decode });
export const WORKFLOW_END = defineJob<WorkflowJob>(QUEUES.workflowEnd, { decode });

/** A step of the workflow due at `at`; `cause` makes its key unique to what asked for it. */
export async function scheduleStep(
  tx: Queryable,
  workflowId: string,
  at: Date,
  cause: string,
): Promise<void> {
  await enqueue(
    tx,
    WORKFLOW_STEP,
    { workflow_id: workflowId },
    { runAt: at, key: `${QUEUES.workflowStep}:${workflowId}:${cause}` },
  );
}

export async function scheduleEnd(tx: Queryable, workflowId: string, at: Date): Promise<void> {
  await enqueue(
    tx,
    WORKFLOW_END,
    { workflow_id: workflowId },
    { runAt: at, key: `${QUEUES.workflowEnd}:${workflowId}`, wake: false },
  );
}

export const workflowStepJob = (engine: Pick<WorkflowEngine, 'step'>) =>
  handleJob(WORKFLOW_STEP, ({ workflow_id }) => engine.step(workflow_id));

export const workflowEndJob = (lifecycle: Pick<WorkflowLifecycle, 'endTimeReached'>) =>
  handleJob(WORKFLOW_END, ({ workflow_id }) => lifecycle.endTimeReached(workflow_id));
