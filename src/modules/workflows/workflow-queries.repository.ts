import type { Queryable } from '../../store/db.ts';
import type { RecordFacts } from './facts.ts';
import type { WorkflowGraph } from './graph.ts';

// SQL of the workflow query endpoints (spec/workflow-api.md §9-16): reads only, every statement
// scoped to the app. The tables' meaning: src/store/migrations/0026_workflows.sql.

export type RunKind = 'call' | 'waba' | 'sms';

export interface WorkflowListRow {
  id: string;
  name: string;
  template_id: number;
  template_name: string;
  status: string;
  auto_finish: number;
  end_time: Date;
  created_at: Date;
  record_count: number;
  done_count: number;
}

export interface WorkflowFilter {
  templateId?: number;
  status?: string;
  createdFrom?: Date;
  createdTo?: Date;
  offset: number;
  limit: number;
}

export async function listWorkflows(
  q: Queryable,
  appId: number,
  f: WorkflowFilter,
): Promise<{ total: number; rows: WorkflowListRow[] }> {
  const where = `w.app_id = $1 AND ($2::bigint IS NULL OR w.template_id = $2)
    AND ($3::text IS NULL OR w.status = $3) AND ($4::timestamptz IS NULL OR w.created_at >= $4)
    AND ($5::timestamptz IS NULL OR w.created_at <= $5)`;
  const params = [
    appId,
    f.templateId ?? null,
    f.status ?? null,
    f.createdFrom ?? null,
    f.createdTo ?? null,
  ];
  const [count] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM workflows w WHERE ${where}`,
    params,
  );
  const rows = await q.query<WorkflowListRow>(
    `SELECT w.id, w.name, w.template_id, t.name AS template_name, w.status, w.auto_finish,
       w.end_time, w.created_at, w.record_count, w.done_count
     FROM workflows w JOIN workflow_templates t ON t.id = w.template_id
     WHERE ${where} ORDER BY w.created_at DESC, w.id LIMIT $6 OFFSET $7`,
    [...params, f.limit, f.offset],
  );
  return { total: Number(count?.n ?? 0), rows };
}

export interface WorkflowRow {
  id: string;
  name: string;
  template_id: number;
  graph: WorkflowGraph;
}

export async function findWorkflow(
  q: Queryable,
  appId: number,
  workflowId: string,
): Promise<WorkflowRow | undefined> {
  const [row] = await q.query<WorkflowRow>(
    `SELECT w.id, w.name, w.template_id, t.graph FROM workflows w
     JOIN workflow_templates t ON t.id = w.template_id
     WHERE w.id = $1 AND w.app_id = $2`,
    [workflowId, appId],
  );
  return row && { ...row, template_id: Number(row.template_id) };
}

export interface NodeTaskRow {
  id: string;
  name: string;
  node_type: string;
  /** The node task's latest run (call task or batch); null: none (non-sending nodes). */
  run_id: string | null;
  run_kind: RunKind | null;
}

/** The workflow's node tasks in the order records first reached them, with their latest run. */
export async function nodeTasksOf(q: Queryable, workflowId: string): Promise<NodeTaskRow[]> {
  return q.query<NodeTaskRow>(
    `SELECT n.id, n.name, n.node_type, r.id AS run_id, r.kind AS run_kind
     FROM workflow_node_tasks n
     LEFT JOIN LATERAL (SELECT id, kind FROM workflow_node_runs x WHERE x.nodetask_id = n.id
       ORDER BY x.created_at DESC, x.id DESC LIMIT 1) r ON true
     WHERE n.workflow_id = $1 ORDER BY n.created_at, n.id`,
    [workflowId],
  );
}

export interface RunRow {
  id: string;
  workflow_id: string;
  workflow_name: string;
  nodetask_id: string;
  nodetask_name: string;
  kind: RunKind;
  created_at: Date;
}

const RUN = `SELECT r.id, r.workflow_id, w.name AS workflow_name, r.nodetask_id,
    n.name AS nodetask_name, r.kind, r.created_at
  FROM workflow_node_runs r JOIN workflow_node_tasks n ON n.id = r.nodetask_id
  JOIN workflows w ON w.id = r.workflow_id`;

/** A page of the workflow's runs of one kind (optionally of one node task), newest first. */
export async function runsOf(
  q: Queryable,
  workflowId: string,
  kind: RunKind,
  nodetaskId: string | undefined,
  offset: number,
  limit: number,
): Promise<{ total: number; rows: RunRow[] }> {
  const where = `r.workflow_id = $1 AND r.kind = $2 AND ($3::text IS NULL OR r.nodetask_id = $3)`;
  const params = [workflowId, kind, nodetaskId ?? null];
  const [count] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM workflow_node_runs r WHERE ${where}`,
    params,
  );
  const rows = await q.query<RunRow>(
    `${RUN} WHERE ${where} ORDER BY r.created_at DESC, r.id LIMIT $4 OFFSET $5`,
    [...params, limit, offset],
  );
  return { total: Number(count?.n ?? 0), rows };
}

/** Every run of one kind of the workflow (its call tasks, for the per-number queries). */
export async function allRunsOf(
  q: Queryable,
  workflowId: string,
  kind: RunKind,
): Promise<RunRow[]> {
  return q.query<RunRow>(`${RUN} WHERE r.workflow_id = $1 AND r.kind = $2 ORDER BY r.created_at`, [
    workflowId,
    kind,
  ]);
}

/** A run of the app by its id (a call task or batch id); undefined: none such. */
export async function findRun(
  q: Queryable,
  appId: number,
  runId: string,
  kind: RunKind,
): Promise<RunRow | undefined> {
  const [row] = await q.query<RunRow>(`${RUN} WHERE r.id = $1 AND w.app_id = $2 AND r.kind = $3`, [
    runId,
    appId,
    kind,
  ]);
  return row;
}

export interface RecordStepRow {
  record_id: string;
  case_id: string;
  callee: string;
  facts: RecordFacts;
  msg_id: string;
}

/** The records a batch's messages went to, by message id (the steps' output). */
export async function recordsOfMessages(
  q: Queryable,
  workflowId: string,
  batchId: string,
  messageIds: readonly string[],
): Promise<Map<string, RecordStepRow>> {
  if (messageIds.length === 0) return new Map();
  const rows = await q.query<RecordStepRow>(
    `SELECT s.record_id, r.case_id, r.callee, r.facts, s.output->>'msg_id' AS msg_id
     FROM workflow_steps s JOIN workflow_records r ON r.id = s.record_id
     WHERE s.workflow_id = $1 AND s.task_id = $2 AND s.output->>'msg_id' = ANY($3::text[])`,
    [workflowId, batchId, [...messageIds]],
  );
  return new Map(rows.map((r) => [r.msg_id, r]));
}

/** The message ids a batch sent to the records of one case. */
export async function messagesOfCase(
  q: Queryable,
  workflowId: string,
  batchId: string,
  caseId: string,
): Promise<string[]> {
  const rows = await q.query<{ msg_id: string }>(
    `SELECT s.output->>'msg_id' AS msg_id
     FROM workflow_steps s JOIN workflow_records r ON r.id = s.record_id
     WHERE s.workflow_id = $1 AND s.task_id = $2 AND r.case_id = $3
       AND s.output->>'msg_id' IS NOT NULL`,
    [workflowId, batchId, caseId],
  );
  return rows.map((r) => r.msg_id);
}

export interface InstanceOfRecordRow {
  workflow_id: string;
  workflow_name: string;
  case_id: string;
  callee: string;
  record_id: string;
  created_at: Date;
}

/** At most this many records answer §15; newest first. */
export const DETAIL_INSTANCES_LIMIT = 1000;

/** The app's records of a case and/or number created in [from, to], newest first. */
export async function recordsByKey(
  q: Queryable,
  appId: number,
  key: { caseId?: string; callee?: string },
  from: Date,
  to: Date,
): Promise<InstanceOfRecordRow[]> {
  return q.query<InstanceOfRecordRow>(
    `SELECT r.workflow_id, w.name AS workflow_name, r.case_id, r.callee, r.id AS record_id,
       r.created_at
     FROM workflow_records r JOIN workflows w ON w.id = r.workflow_id
     WHERE r.app_id = $1 AND ($2::text IS NULL OR r.case_id = $2)
       AND ($3::text IS NULL OR r.callee = $3) AND r.created_at >= $4 AND r.created_at <= $5
     ORDER BY r.created_at DESC, r.seq DESC LIMIT ${DETAIL_INSTANCES_LIMIT}`,
    [appId, key.caseId ?? null, key.callee ?? null, from, to],
  );
}

/** Whether the workflow has a record of this number (and case). */
export async function hasRecord(
  q: Queryable,
  workflowId: string,
  callee: string,
  caseId: string | undefined,
): Promise<boolean> {
  const [row] = await q.query<{ one: number }>(
    `SELECT 1 AS one FROM workflow_records WHERE workflow_id = $1 AND callee = $2
       AND ($3::text IS NULL OR case_id = $3) LIMIT 1`,
    [workflowId, callee, caseId ?? null],
  );
  return row !== undefined;
}

/**
 * The stored output of the newest step at `node` of the workflow's records of this number (and
 * case): what the API node pushed; undefined when no such record passed it.
 */
export async function stepOutputAt(
  q: Queryable,
  workflowId: string,
  node: string,
  callee: string,
  caseId: string | undefined,
): Promise<Record<string, unknown> | null | undefined> {
  const [row] = await q.query<{ output: Record<string, unknown> | null }>(
    `SELECT s.output FROM workflow_steps s JOIN workflow_records r ON r.id = s.record_id
     WHERE s.workflow_id = $1 AND s.node = $2 AND r.callee = $3
       AND ($4::text IS NULL OR r.case_id = $4)
     ORDER BY s.entered_at DESC, r.seq DESC LIMIT 1`,
    [workflowId, node, callee, caseId ?? null],
  );
  return row === undefined ? undefined : row.output;
}
