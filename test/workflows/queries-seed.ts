import type { WorkflowGraph } from '../../src/modules/workflows/graph.ts';
import { nodeTaskId } from '../../src/modules/workflows/graph.ts';
import { newId } from '../../src/shared/ids.ts';
import type { Db } from '../../src/store/db.ts';

// The rows a workflow's engine leaves behind, written with SQL so the query endpoints can be
// tested before (and apart from) the engine: a template, an instance, its records, their steps,
// the node tasks and their runs (a real call task the test ran, a WABA batch with messages).

export const GRAPH: WorkflowGraph = {
  name: 'collection_call_waba_api',
  nodes: [
    { id: 'start', type: 'start', next: 'call1' },
    { id: 'call1', name: 'Call1', type: 'call', robot_id: '4496', next: 'waba1' },
    {
      id: 'waba1',
      name: 'WABA1',
      type: 'waba',
      channel_id: 'wa-main',
      template_id: 1,
      next: 'api1',
    },
    { id: 'api1', name: 'API1', type: 'api', url: 'http://127.0.0.1:9/push', next: 'wait1' },
    { id: 'wait1', type: 'wait', minutes: 5, next: 'end' },
    { id: 'end', type: 'end' },
  ],
};

export async function insertTemplate(
  db: Db,
  appId: number,
  name = GRAPH.name,
  graph: WorkflowGraph = GRAPH,
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO workflow_templates (app_id, name, version, graph, created_at)
     VALUES ($1, $2, 1, $3, now()) RETURNING id`,
    [appId, name, JSON.stringify(graph)],
  );
  return Number(row!.id);
}

export async function insertWorkflow(
  db: Db,
  appId: number,
  templateId: number,
  w: { name: string; status?: string; createdAt: string; records?: number; done?: number },
): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO workflows (id, app_id, template_id, name, status, end_time, record_count,
       done_count, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::timestamptz + interval '1 day', $7, $8, $6)`,
    [
      id,
      appId,
      templateId,
      w.name,
      w.status ?? 'Running',
      w.createdAt,
      w.records ?? 0,
      w.done ?? 0,
    ],
  );
  return id;
}

export async function insertRecord(
  db: Db,
  appId: number,
  workflowId: string,
  r: { seq: number; caseId: string; callee: string; createdAt: string; facts?: object },
): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO workflow_records (id, workflow_id, app_id, seq, case_id, callee, attributes, node,
       state, due_at, facts, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'end', 'done', $8, $9, $8)`,
    [
      id,
      workflowId,
      appId,
      r.seq,
      r.caseId,
      r.callee,
      JSON.stringify({ case_id: r.caseId }),
      r.createdAt,
      JSON.stringify(r.facts ?? {}),
    ],
  );
  return id;
}

const NODE_TYPES: Record<string, string> = {
  call1: 'call',
  waba1: 'waba',
  api1: 'api',
  wait1: 'wait',
};

/** The node task of a graph node (made when a record first enters it). */
export async function insertNodeTask(
  db: Db,
  workflowId: string,
  node: string,
  name: string,
  createdAt: string,
): Promise<string> {
  const id = nodeTaskId(workflowId, node);
  await db.query(
    `INSERT INTO workflow_node_tasks (id, workflow_id, node, node_type, name, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [id, workflowId, node, NODE_TYPES[node] ?? node, name, createdAt],
  );
  return id;
}

export async function insertRun(
  db: Db,
  workflowId: string,
  node: string,
  runId: string,
  kind: 'call' | 'waba' | 'sms',
  createdAt: string,
): Promise<void> {
  await db.query(
    `INSERT INTO workflow_node_runs (id, nodetask_id, workflow_id, kind, created_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [runId, nodeTaskId(workflowId, node), workflowId, kind, createdAt],
  );
}

export async function insertStep(
  db: Db,
  workflowId: string,
  recordId: string,
  s: { step: number; node: string; taskId?: string; output?: object | null; at: string },
): Promise<void> {
  await db.query(
    `INSERT INTO workflow_steps (record_id, step, workflow_id, node, node_type, nodetask_id,
       task_id, output, entered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      recordId,
      s.step,
      workflowId,
      s.node,
      NODE_TYPES[s.node] ?? s.node,
      nodeTaskId(workflowId, s.node),
      s.taskId ?? null,
      s.output === undefined || s.output === null ? null : JSON.stringify(s.output),
      s.at,
    ],
  );
}

/** A WhatsApp channel, an approved template and a template batch of the app. */
export async function insertWabaBatch(
  db: Db,
  appId: number,
  messages: Array<{ id: string; userId: string; status: string; sentAt: string | null }>,
  createdAt: string,
): Promise<{ batchId: string; templateId: number }> {
  const [channel] = await db.query<{ id: number }>(
    `INSERT INTO messaging_channels (app_id, channel_id, kind, name, phone_number)
     VALUES ($1, 'wa-main', 'whatsapp', 'Main', '+628900001234') RETURNING id`,
    [appId],
  );
  const [template] = await db.query<{ id: number }>(
    `INSERT INTO messaging_templates (app_id, channel_pk, name, language, category, status, content)
     VALUES ($1, $2, 'send_card_0331', 'en', 'MARKETING', 'APPROVED', '{"body": "Hi"}')
     RETURNING id`,
    [appId, channel!.id],
  );
  const batchId = newId();
  await db.query(
    `INSERT INTO message_batches (id, app_id, channel_pk, kind, template_id, created_at)
     VALUES ($1, $2, $3, 'template', $4, $5)`,
    [batchId, appId, channel!.id, template!.id, createdAt],
  );
  for (const m of messages) {
    await db.query(
      `INSERT INTO messages (id, app_id, channel_pk, user_id, direction, kind, content, status,
         batch_id, template_id, created_at, sent_at, status_at)
       VALUES ($1, $2, $3, $4, 'out', 'template', '{}', $5, $6, $7, $8, $9, $8)`,
      [m.id, appId, channel!.id, m.userId, m.status, batchId, template!.id, createdAt, m.sentAt],
    );
  }
  return { batchId, templateId: Number(template!.id) };
}
