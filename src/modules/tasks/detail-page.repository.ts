import type { Queryable } from '../../store/db.ts';
import { CALL_COLUMNS, type CallRow } from './calls.repository.ts';
import type { CalleeRow, TaskStatus } from './tasks.repository.ts';

/** One record of the detail page: a number with its ended attempts, oldest first. */
export interface DetailPageRecord {
  case_id: string;
  /** The number's state and why it was last held: its end reason comes from them. */
  status: CalleeRow['status'];
  hold_reason: CalleeRow['hold_reason'];
  data: Record<string, unknown>;
  attempts: CallRow[];
  /** The last attempt has a recording of this app (its link may be handed out). */
  recorded: boolean;
}

export interface DetailPage {
  task_status: TaskStatus;
  /** Numbers with at least one ended attempt. */
  total: number;
  records: DetailPageRecord[];
}

// The whole page in one statement: the task (scoped to the app), the count of numbers with an
// ended attempt, the page of them in upload order, each attempt of each (one row per attempt)
// and whether the attempt has a recording. One round trip matters most on the embedded store,
// where every statement waits for the single connection. Which attempts are shown is the calls
// table's business ("final"), not this query's: a terminal row of a number never dialled is an
// attempt like any other here. A PDS task is not the cloud family's: it is not found here.
const DETAIL_PAGE_SQL = `
WITH task AS (SELECT id, status FROM tasks WHERE id = $1 AND app_id = $2 AND kind = 'robot'),
dialled AS (
  SELECT c.id, c.seq FROM callees c JOIN task t ON c.task_id = t.id
  WHERE EXISTS (SELECT 1 FROM calls x WHERE x.callee_id = c.id AND x.state = 'final')
),
page AS (SELECT id, seq FROM dialled ORDER BY seq LIMIT $3 OFFSET $4)
SELECT t.status AS page_task_status, (SELECT count(*) FROM dialled) AS page_total,
  c.case_id AS page_case_id, c.data AS page_callee_data, c.status AS page_callee_status,
  c.hold_reason AS page_hold_reason,
  EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = k.id AND r.app_id = $2) AS page_recorded,
  ${CALL_COLUMNS.replace(/(\w+)/g, 'k.$1')}
FROM task t
LEFT JOIN (page p JOIN callees c ON c.id = p.id
  JOIN calls k ON k.callee_id = c.id AND k.state = 'final') ON true
ORDER BY p.seq, k.attempt`;

type PageRow = CallRow & {
  page_task_status: TaskStatus;
  page_total: number;
  page_case_id: string;
  page_callee_data: Record<string, unknown>;
  page_callee_status: CalleeRow['status'];
  page_hold_reason: CalleeRow['hold_reason'];
  page_recorded: boolean;
};

/** The call's own columns of a page row. */
const callOf = ({
  page_task_status: _status,
  page_total: _total,
  page_case_id: _case,
  page_callee_data: _data,
  page_callee_status: _calleeStatus,
  page_hold_reason: _holdReason,
  page_recorded: _recorded,
  ...call
}: PageRow): CallRow => call;

/**
 * A page of the task's numbers that have an ended attempt, in upload order, with all their
 * ended attempts; undefined when the app has no such task.
 */
export async function detailPage(
  q: Queryable,
  appId: number,
  taskId: string,
  offset: number,
  limit: number,
): Promise<DetailPage | undefined> {
  const rows = await q.query<PageRow>(DETAIL_PAGE_SQL, [taskId, appId, limit, offset]);
  const first = rows[0];
  if (!first) return undefined;
  const records: DetailPageRecord[] = [];
  let current: DetailPageRecord | undefined;
  for (const row of rows) {
    if (row.id === null) continue; // the task's row alone: an empty page
    if (current === undefined || row.callee_id !== current.attempts[0]!.callee_id) {
      current = {
        case_id: row.page_case_id,
        data: row.page_callee_data,
        status: row.page_callee_status,
        hold_reason: row.page_hold_reason,
        attempts: [],
        recorded: false,
      };
      records.push(current);
    }
    current.attempts.push(callOf(row));
    current.recorded = row.page_recorded; // rows come oldest first: the last one stands
  }
  return { task_status: first.page_task_status, total: first.page_total, records };
}
