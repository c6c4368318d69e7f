import type { Queryable } from '../../store/db.ts';
import type { RecordAttributes, RecordFacts } from './facts.ts';
import type { WorkflowGraph } from './graph.ts';

// SQL of workflow instances and their records (the engine's side; steps and node tasks are in
// workflow-steps.repository.ts, the query endpoints' reads in workflow-queries.repository.ts).
// Every function takes a Queryable so callers compose them in one transaction.

export type WorkflowStatus = 'Running' | 'Finished' | 'Stopped';
export type RecordState = 'ready' | 'waiting' | 'done' | 'cancelled' | 'stopped';

export interface WorkflowRow {
  id: string;
  app_id: number;
  template_id: number;
  name: string;
  status: WorkflowStatus;
  auto_finish: number;
  end_time: Date;
  record_count: number;
  done_count: number;
  stop_reason: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface RecordRow {
  id: string;
  workflow_id: string;
  app_id: number;
  seq: number;
  case_id: string;
  callee: string;
  attributes: RecordAttributes;
  node: string;
  state: RecordState;
  due_at: Date;
  step: number;
  facts: RecordFacts;
  wait_ref: string | null;
}

const WORKFLOW_COLUMNS = `id, app_id, template_id, name, status, auto_finish, end_time,
  record_count, done_count, stop_reason, created_at, finished_at`;
const RECORD_COLUMNS = `id, workflow_id, app_id, seq, case_id, callee, attributes, node, state,
  due_at, step, facts, wait_ref`;

export async function insertWorkflow(
  q: Queryable,
  w: Pick<WorkflowRow, 'id' | 'app_id' | 'template_id' | 'name' | 'auto_finish' | 'end_time'> & {
    created_at: Date;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO workflows (id, app_id, template_id, name, auto_finish, end_time, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [w.id, w.app_id, w.template_id, w.name, w.auto_finish, w.end_time, w.created_at],
  );
}

export async function workflowOfApp(
  q: Queryable,
  appId: number,
  id: string,
  lock = false,
): Promise<WorkflowRow | undefined> {
  const [row] = await q.query<WorkflowRow>(
    `SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE id = $1 AND app_id = $2
     ${lock ? 'FOR NO KEY UPDATE' : ''}`,
    [id, appId],
  );
  return row;
}

export async function workflowById(
  q: Queryable,
  id: string,
  lock = false,
): Promise<WorkflowRow | undefined> {
  const [row] = await q.query<WorkflowRow>(
    `SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE id = $1 ${lock ? 'FOR NO KEY UPDATE' : ''}`,
    [id],
  );
  return row;
}

export async function workflowNameTaken(q: Queryable, appId: number, name: string) {
  const rows = await q.query(`SELECT 1 FROM workflows WHERE app_id = $1 AND name = $2`, [
    appId,
    name,
  ]);
  return rows.length > 0;
}

/** A workflow with the graph it runs, in one round trip (a step and every outcome read both). */
export async function workflowWithGraph(
  q: Queryable,
  id: string,
): Promise<{ workflow: WorkflowRow; graph: WorkflowGraph } | undefined> {
  const [row] = await q.query<WorkflowRow & { graph: WorkflowGraph }>(
    `SELECT ${WORKFLOW_COLUMNS.replace(/\w+/g, 'w.$&')}, t.graph
     FROM workflows w JOIN workflow_templates t ON t.id = w.template_id WHERE w.id = $1`,
    [id],
  );
  if (!row) return undefined;
  const { graph, ...workflow } = row;
  return { workflow, graph };
}

/** The graph a workflow runs (its template version's). */
export async function graphOfTemplate(
  q: Queryable,
  templateId: number,
): Promise<WorkflowGraph | undefined> {
  const [row] = await q.query<{ graph: WorkflowGraph }>(
    `SELECT graph FROM workflow_templates WHERE id = $1`,
    [templateId],
  );
  return row?.graph;
}

export interface NewRecord {
  id: string;
  seq: number;
  case_id: string;
  callee: string;
  attributes: RecordAttributes;
}

/** Adds records ready at `node`, due `at`, and counts them on the workflow (locked by the caller). */
export async function insertRecords(
  q: Queryable,
  workflow: Pick<WorkflowRow, 'id' | 'app_id'>,
  records: readonly NewRecord[],
  node: string,
  at: Date,
): Promise<void> {
  if (records.length === 0) return;
  await q.query(
    `INSERT INTO workflow_records (id, workflow_id, app_id, seq, case_id, callee, attributes,
       node, state, due_at, created_at)
     SELECT r.id, $1, $2, r.seq, r.case_id, r.callee, r.attributes, $3, 'ready', $4, $4
     FROM jsonb_to_recordset($5::jsonb)
       AS r(id text, seq int, case_id text, callee text, attributes jsonb)`,
    [workflow.id, workflow.app_id, node, at, JSON.stringify(records)],
  );
  await q.query(`UPDATE workflows SET record_count = record_count + $2 WHERE id = $1`, [
    workflow.id,
    records.length,
  ]);
}

/** Which of these (case_id, callee) pairs the workflow already holds, as "case\u0000callee". */
export async function storedPairs(
  q: Queryable,
  workflowId: string,
  records: ReadonlyArray<Pick<NewRecord, 'case_id' | 'callee'>>,
): Promise<Set<string>> {
  const rows = await q.query<{ case_id: string; callee: string }>(
    `SELECT w.case_id, w.callee FROM workflow_records w
     JOIN unnest($2::text[], $3::text[]) AS n(case_id, callee)
       ON n.case_id = w.case_id AND n.callee = w.callee
     WHERE w.workflow_id = $1`,
    [workflowId, records.map((r) => r.case_id), records.map((r) => r.callee)],
  );
  return new Set(rows.map((r) => `${r.case_id}\u0000${r.callee}`));
}

/**
 * Claims up to `limit` records of a workflow whose time came: ready ones, and waiting ones whose
 * wait timed out. Locked until the caller's transaction ends; another step job skips them.
 */
export async function claimDueRecords(
  q: Queryable,
  workflowId: string,
  now: Date,
  limit: number,
): Promise<RecordRow[]> {
  return q.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM workflow_records
     WHERE workflow_id = $1 AND state IN ('ready', 'waiting') AND due_at <= $2
     ORDER BY due_at, seq
     LIMIT $3
     FOR NO KEY UPDATE SKIP LOCKED`,
    [workflowId, now, limit],
  );
}

/** Whether a workflow has due records other than `taken` (held by another transaction, or beyond a batch). */
export async function hasDueBesides(
  q: Queryable,
  workflowId: string,
  now: Date,
  taken: readonly string[],
): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM workflow_records
     WHERE workflow_id = $1 AND state IN ('ready', 'waiting') AND due_at <= $2
       AND id <> ALL($3::text[])
     LIMIT 1`,
    [workflowId, now, taken],
  );
  return rows.length > 0;
}

export async function lockRecordsById(q: Queryable, ids: readonly string[]): Promise<RecordRow[]> {
  if (ids.length === 0) return [];
  return q.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM workflow_records WHERE id = ANY($1::text[])
     ORDER BY id FOR NO KEY UPDATE`,
    [ids],
  );
}

/** A workflow's records matching a callee and/or case id, locked. */
export async function lockRecordsMatching(
  q: Queryable,
  workflowId: string,
  match: { callee?: string; case_id?: string },
): Promise<RecordRow[]> {
  return q.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM workflow_records
     WHERE workflow_id = $1 AND ($2::text IS NULL OR callee = $2) AND ($3::text IS NULL OR case_id = $3)
     ORDER BY seq FOR NO KEY UPDATE`,
    [workflowId, match.callee ?? null, match.case_id ?? null],
  );
}

/** Writes where records are now, each with its own values, in one statement. */
export async function saveRecords(
  q: Queryable,
  records: ReadonlyArray<
    Pick<RecordRow, 'id' | 'node' | 'state' | 'due_at' | 'step' | 'facts' | 'wait_ref'> & {
      finished: boolean;
    }
  >,
  now: Date,
): Promise<void> {
  if (records.length === 0) return;
  await q.query(
    `UPDATE workflow_records w SET node = r.node, state = r.state, due_at = r.due_at, step = r.step,
       facts = r.facts, wait_ref = r.wait_ref,
       finished_at = CASE WHEN r.finished THEN $2::timestamptz ELSE w.finished_at END
     FROM jsonb_to_recordset($1::jsonb)
       AS r(id text, node text, state text, due_at timestamptz, step int, facts jsonb,
            wait_ref text, finished boolean)
     WHERE w.id = r.id`,
    [
      JSON.stringify(
        records.map((r) => ({
          id: r.id,
          node: r.node,
          state: r.state,
          due_at: r.due_at.toISOString(),
          step: r.step,
          facts: r.facts,
          wait_ref: r.wait_ref,
          finished: r.finished,
        })),
      ),
      now,
    ],
  );
}

export async function updateAttributes(
  q: Queryable,
  id: string,
  attributes: RecordAttributes,
): Promise<void> {
  await q.query(`UPDATE workflow_records SET attributes = $2 WHERE id = $1`, [id, attributes]);
}

/** Counts records that left the graph; answers the workflow's counts after it. */
export async function addDone(
  q: Queryable,
  workflowId: string,
  n: number,
): Promise<Pick<WorkflowRow, 'record_count' | 'done_count'>> {
  const [row] = await q.query<Pick<WorkflowRow, 'record_count' | 'done_count'>>(
    `UPDATE workflows SET done_count = done_count + $2 WHERE id = $1
     RETURNING record_count, done_count`,
    [workflowId, n],
  );
  return row!;
}

export async function setWorkflowStatus(
  q: Queryable,
  id: string,
  status: WorkflowStatus,
  reason: string,
  now: Date,
): Promise<WorkflowRow> {
  const [row] = await q.query<WorkflowRow>(
    `UPDATE workflows SET status = $2, stop_reason = $3, finished_at = $4 WHERE id = $1
     RETURNING ${WORKFLOW_COLUMNS}`,
    [id, status, reason, now],
  );
  return row!;
}

/** Ends every record still in the graph (the workflow stopped or reached end_time). */
export async function stopOpenRecords(
  q: Queryable,
  workflowId: string,
  now: Date,
): Promise<number> {
  const rows = await q.query(
    `UPDATE workflow_records SET state = 'stopped', finished_at = $2
     WHERE workflow_id = $1 AND state IN ('ready', 'waiting') RETURNING id`,
    [workflowId, now],
  );
  return rows.length;
}

/** The key fields and attributes of records (what notifications name them by). */
export async function recordRefs(
  q: Queryable,
  ids: readonly string[],
): Promise<Array<Pick<RecordRow, 'id' | 'case_id' | 'callee' | 'attributes'>>> {
  return q.query(
    `SELECT id, case_id, callee, attributes FROM workflow_records WHERE id = ANY($1::text[])`,
    [ids],
  );
}

/** Records whose latest template message is one of these, locked. */
export async function lockByTemplateMessage(
  q: Queryable,
  msgIds: readonly string[],
): Promise<RecordRow[]> {
  if (msgIds.length === 0) return [];
  return q.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM workflow_records
     WHERE facts ? 'waba' AND facts -> 'waba' ->> 'msg_id' = ANY($1::text[])
     ORDER BY id FOR NO KEY UPDATE`,
    [msgIds],
  );
}
