import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { builtinTemplates } from './builtin-templates.ts';
import type { WorkflowGraph } from './graph.ts';
import { validateGraph } from './template-graph.ts';
import {
  ensureBuiltins,
  findTemplate,
  insertTemplateVersion,
  latestTemplateByName,
  listTemplates,
  type TemplateRow,
} from './templates.repository.ts';

// Workflow templates (docs/workflows.md): versioned node graphs per app. Importing a name again
// adds a version with a new id; a workflow keeps the version it was made from.

/** One version of a template, as the service answers it. */
export interface WorkflowTemplate {
  id: number;
  name: string;
  version: number;
  builtin: boolean;
  createdAt: Date;
  graph: WorkflowGraph;
}

export interface TemplateListQuery {
  page?: number;
  page_size?: number;
  /** Part of the name, any case. */
  name?: string;
}

export class WorkflowTemplateService {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Validates and stores `input` as the next version of its name; workflow_template_invalid. */
  async importTemplate(appId: number, input: unknown): Promise<WorkflowTemplate> {
    const graph = validateGraph(input);
    return this.#db.transaction(async (tx) => {
      const now = this.#clock.now();
      await ensureBuiltins(tx, appId, builtinTemplates(), now);
      return templateOf(await insertTemplateVersion(tx, appId, graph, now));
    });
  }

  /** Every version of the app's templates, newest first. */
  async list(
    appId: number,
    query: TemplateListQuery = {},
  ): Promise<{ total: number; list: WorkflowTemplate[] }> {
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 20;
    await ensureBuiltins(this.#db, appId, builtinTemplates(), this.#clock.now());
    const { total, rows } = await listTemplates(this.#db, appId, {
      limit: pageSize,
      offset: (page - 1) * pageSize,
      ...(query.name ? { name: query.name } : {}),
    });
    return { total, list: rows.map(templateOf) };
  }

  /** One version by id; workflow_template_not_found for an id of no template of the app. */
  async get(appId: number, id: number): Promise<WorkflowTemplate> {
    return resolveTemplate(this.#db, appId, { id }, this.#clock.now());
  }
}

/**
 * The template a workflow is made from, inside the caller's transaction: by id (which wins when
 * both are given), else the latest version of the name. Throws workflow_template_not_found.
 * The built-ins are given to the app first, so a workflow can name one before any list; `now`
 * (the business clock's, when the caller has it) is their created_at if they are given here.
 */
export async function resolveTemplate(
  q: Queryable,
  appId: number,
  ref: { id?: number; name?: string },
  now: Date = new Date(),
): Promise<WorkflowTemplate> {
  await ensureBuiltins(q, appId, builtinTemplates(), now);
  let row: TemplateRow | undefined;
  if (ref.id !== undefined) {
    row = Number.isSafeInteger(ref.id) ? await findTemplate(q, appId, ref.id) : undefined;
  } else if (ref.name !== undefined && ref.name !== '') {
    row = await latestTemplateByName(q, appId, ref.name);
  }
  if (!row) {
    const named = ref.id !== undefined ? `id ${ref.id}` : `name "${ref.name ?? ''}"`;
    throw new AppError('workflow_template_not_found', `no template of this app has ${named}`);
  }
  return templateOf(row);
}

const templateOf = (row: TemplateRow): WorkflowTemplate => ({
  id: Number(row.id),
  name: row.name,
  version: row.version,
  builtin: row.builtin,
  createdAt: row.created_at,
  graph: row.graph,
});
