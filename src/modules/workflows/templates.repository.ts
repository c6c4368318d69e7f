import type { Queryable } from '../../store/db.ts';
import type { WorkflowGraph } from './graph.ts';

// SQL on workflow_templates only. Every statement is scoped by app_id: a template id of another
// app is not found.

export interface TemplateRow {
  id: number;
  app_id: number;
  name: string;
  version: number;
  graph: WorkflowGraph;
  builtin: boolean;
  created_at: Date;
}

const COLUMNS = 'id, app_id, name, version, graph, builtin, created_at';

/**
 * Adds the next version of `graph.name` for the app (1 for a new name). Two imports of one name
 * at once are serialised on a transaction lock of their own, so each reads the other's version;
 * the UNIQUE (app_id, name, version) constraint stays the last word.
 */
export async function insertTemplateVersion(
  q: Queryable,
  appId: number,
  graph: WorkflowGraph,
  now: Date,
): Promise<TemplateRow> {
  await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `workflow_template:${appId}:${graph.name}`,
  ]);
  const [row] = await q.query<TemplateRow>(
    `INSERT INTO workflow_templates (app_id, name, version, graph, builtin, created_at)
     SELECT $1, $2, coalesce(max(version), 0) + 1, $3, false, $4
       FROM workflow_templates WHERE app_id = $1 AND name = $2
     RETURNING ${COLUMNS}`,
    [appId, graph.name, graph, now],
  );
  return row!;
}

/**
 * Gives the app the built-in templates it has no template of that name for, as version 1 with
 * builtin = true: one statement, run before every read and import, so an app sees them from its
 * first look and they are always older than its own templates. Idempotent, and two requests at
 * once insert each one once (ON CONFLICT DO NOTHING waits for the other and then skips).
 */
export async function ensureBuiltins(
  q: Queryable,
  appId: number,
  graphs: WorkflowGraph[],
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO workflow_templates (app_id, name, version, graph, builtin, created_at)
     SELECT $1, g.graph->>'name', 1, g.graph, true, $3
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS g (graph, n)
      WHERE NOT EXISTS (
        SELECT 1 FROM workflow_templates t WHERE t.app_id = $1 AND t.name = g.graph->>'name')
      ORDER BY g.n
     ON CONFLICT (app_id, name, version) DO NOTHING`,
    [appId, JSON.stringify(graphs), now],
  );
}

export interface TemplatePageQuery {
  limit: number;
  offset: number;
  /** Part of the name, any case. */
  name?: string;
}

/** The app's templates, every version, newest first. */
export async function listTemplates(
  q: Queryable,
  appId: number,
  query: TemplatePageQuery,
): Promise<{ total: number; rows: TemplateRow[] }> {
  const pattern = query.name === undefined ? null : `%${escapeLike(query.name)}%`;
  const where = `app_id = $1 AND ($2::text IS NULL OR name ILIKE $2 ESCAPE '\\')`;
  const [count] = await q.query<{ total: number }>(
    `SELECT count(*) AS total FROM workflow_templates WHERE ${where}`,
    [appId, pattern],
  );
  const rows = await q.query<TemplateRow>(
    `SELECT ${COLUMNS} FROM workflow_templates WHERE ${where}
      ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
    [appId, pattern, query.limit, query.offset],
  );
  return { total: count?.total ?? 0, rows };
}

export async function findTemplate(
  q: Queryable,
  appId: number,
  id: number,
): Promise<TemplateRow | undefined> {
  const [row] = await q.query<TemplateRow>(
    `SELECT ${COLUMNS} FROM workflow_templates WHERE app_id = $1 AND id = $2`,
    [appId, id],
  );
  return row;
}

export async function latestTemplateByName(
  q: Queryable,
  appId: number,
  name: string,
): Promise<TemplateRow | undefined> {
  const [row] = await q.query<TemplateRow>(
    `SELECT ${COLUMNS} FROM workflow_templates WHERE app_id = $1 AND name = $2
      ORDER BY version DESC LIMIT 1`,
    [appId, name],
  );
  return row;
}

/** `%`, `_` and `\` match themselves in the name filter. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
