import type { Queryable } from '../../store/db.ts';

// SQL of what records did: the step log (one row per node a record entered), the node tasks of
// an instance and the runs (tasks, template and SMS batches) they made.

export interface NewStep {
  record_id: string;
  step: number;
  workflow_id: string;
  node: string;
  node_type: string;
  nodetask_id: string;
  task_id: string | null;
  output: unknown;
}

/**
 * Logs the nodes records entered. The key (record, step) refuses a second entry of the same step:
 * answers the steps that were new (a re-run finds none and does nothing twice).
 */
export async function insertSteps(
  q: Queryable,
  steps: readonly NewStep[],
  at: Date,
): Promise<Set<string>> {
  if (steps.length === 0) return new Set();
  const rows = await q.query<{ record_id: string; step: number }>(
    `INSERT INTO workflow_steps (record_id, step, workflow_id, node, node_type, nodetask_id,
       task_id, output, entered_at)
     SELECT r.record_id, r.step, r.workflow_id, r.node, r.node_type, r.nodetask_id, r.task_id,
       r.output, $2
     FROM jsonb_to_recordset($1::jsonb)
       AS r(record_id text, step int, workflow_id text, node text, node_type text,
            nodetask_id text, task_id text, output jsonb)
     ON CONFLICT (record_id, step) DO NOTHING
     RETURNING record_id, step`,
    [JSON.stringify(steps), at],
  );
  return new Set(rows.map((r) => `${r.record_id}:${r.step}`));
}

/** The steps a record took, in order (the list-completion notification's rows). */
export async function stepsOf(
  q: Queryable,
  recordIds: readonly string[],
): Promise<Array<NewStep & { entered_at: Date }>> {
  if (recordIds.length === 0) return [];
  return q.query(
    `SELECT record_id, step, workflow_id, node, node_type, nodetask_id, task_id, output, entered_at
     FROM workflow_steps WHERE record_id = ANY($1::text[]) ORDER BY record_id, step`,
    [recordIds],
  );
}

/** Makes the node task of a node the first time a record enters it. */
export async function ensureNodeTasks(
  q: Queryable,
  tasks: ReadonlyArray<{
    id: string;
    workflow_id: string;
    node: string;
    node_type: string;
    name: string;
  }>,
  at: Date,
): Promise<void> {
  if (tasks.length === 0) return;
  await q.query(
    `INSERT INTO workflow_node_tasks (id, workflow_id, node, node_type, name, created_at)
     SELECT r.id, r.workflow_id, r.node, r.node_type, r.name, $2
     FROM jsonb_to_recordset($1::jsonb)
       AS r(id text, workflow_id text, node text, node_type text, name text)
     ON CONFLICT (workflow_id, node) DO NOTHING`,
    [JSON.stringify(tasks), at],
  );
}

export async function insertNodeRun(
  q: Queryable,
  run: { id: string; nodetask_id: string; workflow_id: string; kind: 'call' | 'waba' | 'sms' },
  at: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO workflow_node_runs (id, nodetask_id, workflow_id, kind, created_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [run.id, run.nodetask_id, run.workflow_id, run.kind, at],
  );
}

export interface NodeTaskRow {
  id: string;
  node: string;
  node_type: string;
  name: string;
  /** The latest underlying task or batch, if the node made any. */
  run_id: string | null;
}

export async function nodeTasksOf(q: Queryable, workflowId: string): Promise<NodeTaskRow[]> {
  return q.query<NodeTaskRow>(
    `SELECT t.id, t.node, t.node_type, t.name,
       (SELECT r.id FROM workflow_node_runs r WHERE r.nodetask_id = t.id
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS run_id
     FROM workflow_node_tasks t WHERE t.workflow_id = $1 ORDER BY t.created_at, t.id`,
    [workflowId],
  );
}

/** How many runs (node tasks, batches) a node task has made so far. */
export async function runCountOf(q: Queryable, nodetaskId: string): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM workflow_node_runs WHERE nodetask_id = $1`,
    [nodetaskId],
  );
  return row?.n ?? 0;
}
