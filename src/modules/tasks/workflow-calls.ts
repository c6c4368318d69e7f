import type { Db } from '../../store/db.ts';
import { CALL_COLUMNS, type CallRow } from './calls.repository.ts';
import type { CalleeRow, TaskStatus } from './tasks.repository.ts';

// What the workflow queries (workflows/workflow-queries.service.ts) read of the node tasks a
// workflow's call nodes run: ordinary tasks with a workflow parent. Read only, every statement
// scoped to the app; the workflow module names the task ids (its node runs), this module reads
// its own tables, so neither reaches into the other's.

export interface WorkflowTaskSummary {
  id: string;
  name: string;
  status: TaskStatus;
  createdAt: Date;
  totalCount: number;
  /** Numbers dialled at least once. */
  calledCount: number;
}

/** A number of a task with its ended attempts (oldest first), as the detail page holds it. */
export interface WorkflowNumber {
  taskId: string;
  caseId: string;
  data: Record<string, unknown>;
  callee: Pick<CalleeRow, 'status' | 'hold_reason'>;
  attempts: CallRow[];
}

/** One ended attempt with the attempts of its number up to it and the number's state. */
export interface WorkflowCall {
  call: CallRow;
  caseId: string;
  /** The attempts of its number up to and including it, oldest first. */
  attempts: CallRow[];
  data: Record<string, unknown>;
  callee: Pick<CalleeRow, 'status' | 'hold_reason'>;
}

export interface NumberFilter {
  /** E.164 with '+'. */
  callee?: string;
  caseId?: string;
}

const K_COLUMNS = CALL_COLUMNS.replace(/(\w+)/g, 'k.$1');

/** An attempt row with its number's columns (prefixed so they cannot meet a call column). */
type NumberCallRow = CallRow & {
  w_case_id: string;
  w_data: Record<string, unknown>;
  w_status: CalleeRow['status'];
  w_hold: CalleeRow['hold_reason'];
};

export class WorkflowCalls {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * The app's tasks among `taskIds` with their counts, by id. Which tasks are a workflow's is
   * the workflow module's record (its node runs), so no test of tasks.workflow_id here.
   */
  async summaries(
    appId: number,
    taskIds: readonly string[],
  ): Promise<Map<string, WorkflowTaskSummary>> {
    if (taskIds.length === 0) return new Map();
    const rows = await this.#db.query<{
      id: string;
      task_name: string;
      status: TaskStatus;
      created_at: Date;
      total_count: number;
      called_count: number;
    }>(
      `SELECT t.id, t.task_name, t.status, t.created_at, t.total_count,
         (SELECT count(*) FROM callees c WHERE c.task_id = t.id AND c.attempts > 0) AS called_count
       FROM tasks t
       WHERE t.id = ANY($1::text[]) AND t.app_id = $2`,
      [[...new Set(taskIds)], appId],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          name: r.task_name,
          status: r.status,
          createdAt: r.created_at,
          totalCount: Number(r.total_count),
          calledCount: Number(r.called_count),
        },
      ]),
    );
  }

  /**
   * A page of a workflow task's numbers that have an ended attempt (upload order), each with all
   * its ended attempts, like the legacy detail page, optionally one number or case only.
   */
  async detailPage(
    appId: number,
    taskId: string,
    filter: NumberFilter,
    offset: number,
    limit: number,
  ): Promise<{ total: number; numbers: WorkflowNumber[] }> {
    const where = `c.task_id = $1 AND c.app_id = $2
      AND ($3::text IS NULL OR c.callee_number = $3) AND ($4::text IS NULL OR c.case_id = $4)
      AND EXISTS (SELECT 1 FROM calls x WHERE x.callee_id = c.id AND x.state = 'final')`;
    const params = [taskId, appId, filter.callee ?? null, filter.caseId ?? null];
    const [count] = await this.#db.query<{ n: number }>(
      `SELECT count(*) AS n FROM callees c WHERE ${where}`,
      params,
    );
    const rows = await this.#db.query<NumberCallRow>(
      `WITH page AS (SELECT c.id, c.seq FROM callees c WHERE ${where} ORDER BY c.seq LIMIT $5 OFFSET $6)
       SELECT c.case_id AS w_case_id, c.data AS w_data, c.status AS w_status, c.hold_reason AS w_hold,
         ${K_COLUMNS}
       FROM page p JOIN callees c ON c.id = p.id
       JOIN calls k ON k.callee_id = c.id AND k.state = 'final'
       ORDER BY p.seq, k.attempt`,
      [...params, limit, offset],
    );
    const numbers: WorkflowNumber[] = [];
    let current: WorkflowNumber | undefined;
    for (const { w_case_id, w_data, w_status, w_hold, ...call } of rows) {
      if (current === undefined || call.callee_id !== current.attempts[0]!.callee_id) {
        current = {
          taskId,
          caseId: w_case_id,
          data: w_data,
          callee: { status: w_status, hold_reason: w_hold ?? null },
          attempts: [],
        };
        numbers.push(current);
      }
      current.attempts.push(call as CallRow);
    }
    return { total: Number(count?.n ?? 0), numbers };
  }

  /**
   * The ended attempts of the app's tasks among `taskIds` to one number or case, oldest first,
   * each with the attempts of its number up to it (what /callinfo renders for one call).
   */
  async callsOf(
    appId: number,
    taskIds: readonly string[],
    filter: NumberFilter,
  ): Promise<WorkflowCall[]> {
    if (taskIds.length === 0 || (filter.callee === undefined && filter.caseId === undefined))
      return [];
    const rows = await this.#db.query<NumberCallRow>(
      `SELECT c.case_id AS w_case_id, c.data AS w_data, c.status AS w_status,
         c.hold_reason AS w_hold, ${K_COLUMNS}
       FROM callees c JOIN calls k ON k.callee_id = c.id AND k.state = 'final'
       WHERE c.task_id = ANY($1::text[]) AND c.app_id = $2
         AND ($3::text IS NULL OR c.callee_number = $3) AND ($4::text IS NULL OR c.case_id = $4)
       ORDER BY k.started_at, c.id, k.attempt`,
      [[...new Set(taskIds)], appId, filter.callee ?? null, filter.caseId ?? null],
    );
    return withEarlier(rows);
  }

  /**
   * One ended attempt of the app by its call id; undefined: none such. The caller checks that
   * its task is a workflow's (a node run).
   */
  async callById(appId: number, callId: string): Promise<WorkflowCall | undefined> {
    const rows = await this.#db.query<NumberCallRow>(
      `WITH target AS (
         SELECT k.callee_id, k.attempt FROM calls k
         WHERE k.id = $1 AND k.app_id = $2 AND k.state = 'final')
       SELECT c.case_id AS w_case_id, c.data AS w_data, c.status AS w_status,
         c.hold_reason AS w_hold, ${K_COLUMNS}
       FROM target x JOIN callees c ON c.id = x.callee_id
       JOIN calls k ON k.callee_id = x.callee_id AND k.state = 'final' AND k.attempt <= x.attempt
       ORDER BY k.attempt`,
      [callId, appId],
    );
    return withEarlier(rows).at(-1);
  }
}

/** Each row as a call with the earlier attempts of its number (rows of a number come oldest first). */
function withEarlier(rows: NumberCallRow[]): WorkflowCall[] {
  const seen = new Map<number, CallRow[]>();
  return rows.map(({ w_case_id, w_data, w_status, w_hold, ...call }) => {
    const before = seen.get(call.callee_id) ?? [];
    const attempts = [...before, call as CallRow].sort((a, b) => a.attempt - b.attempt);
    seen.set(call.callee_id, attempts);
    return {
      call: call as CallRow,
      caseId: w_case_id,
      attempts: attempts.filter((a) => a.attempt <= call.attempt),
      data: w_data,
      callee: { status: w_status, hold_reason: w_hold ?? null },
    };
  });
}
