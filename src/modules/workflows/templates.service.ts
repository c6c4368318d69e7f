// TEMPORARY (lead): helper A's templates.service.ts replaces this at merge.
import { AppError } from '../../shared/errors.ts';
import type { Queryable } from '../../store/db.ts';
import type { WorkflowGraph } from './graph.ts';

export async function resolveTemplate(
  q: Queryable,
  appId: number,
  key: { id?: number; name?: string },
): Promise<{ id: number; name: string; version: number; graph: WorkflowGraph }> {
  const [row] = await q.query<{ id: number; name: string; version: number; graph: WorkflowGraph }>(
    key.id !== undefined
      ? `SELECT id, name, version, graph FROM workflow_templates WHERE app_id = $1 AND id = $2`
      : `SELECT id, name, version, graph FROM workflow_templates WHERE app_id = $1 AND name = $2
         ORDER BY version DESC LIMIT 1`,
    [appId, key.id ?? key.name],
  );
  if (!row) throw new AppError('workflow_template_not_found', String(key.id ?? key.name));
  return { ...row, id: Number(row.id) };
}
