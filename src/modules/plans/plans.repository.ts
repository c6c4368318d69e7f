import type { Queryable } from '../../store/db.ts';
import type { TaskStatus } from '../tasks/task-access.ts';
import type { Round } from './plans.schema.ts';

export interface StrategyRow {
  id: number;
  /** NULL: a built-in strategy, usable by every app and changed by none. */
  app_id: number | null;
  name: string;
  rounds: Round[];
  created_at: Date;
}

export interface PlanRow {
  id: string;
  app_id: number;
  plan_name: string;
  strategy_id: number;
  rounds: Round[];
  robot_id: number | null;
  status: 'Running' | 'Stopped' | 'Finished' | 'Failed';
  current_round: number;
  start_time: Date;
  end_time: Date;
  created_at: Date;
  finished_at: Date | null;
  /** Why the plan ended (empty while it runs). */
  end_reason: string;
  /** The latest error of a round start being retried (empty when none). */
  last_error: string;
}

export type PlanEnd = Exclude<PlanRow['status'], 'Running'>;

const PLAN_COLUMNS = `id, app_id, plan_name, strategy_id, rounds, robot_id, status, current_round, start_time,
  end_time, created_at, finished_at, end_reason, last_error`;

export async function insertStrategy(
  q: Queryable,
  appId: number,
  name: string,
  rounds: Round[],
): Promise<StrategyRow> {
  const [row] = await q.query<StrategyRow>(
    `INSERT INTO strategies (app_id, name, rounds) VALUES ($1, $2, $3)
     RETURNING id, app_id, name, rounds, created_at`,
    [appId, name, JSON.stringify(rounds)],
  );
  return row!;
}

export async function listStrategies(q: Queryable, appId: number): Promise<StrategyRow[]> {
  return q.query<StrategyRow>(
    `SELECT id, app_id, name, rounds, created_at FROM strategies
     WHERE app_id = $1 OR app_id IS NULL ORDER BY app_id NULLS FIRST, id`,
    [appId],
  );
}

export async function findStrategy(
  q: Queryable,
  appId: number,
  id: number,
): Promise<StrategyRow | undefined> {
  const [row] = await q.query<StrategyRow>(
    `SELECT id, app_id, name, rounds, created_at FROM strategies
     WHERE (app_id = $1 OR app_id IS NULL) AND id = $2`,
    [appId, id],
  );
  return row;
}

export async function insertPlan(
  q: Queryable,
  plan: Omit<
    PlanRow,
    'status' | 'current_round' | 'created_at' | 'finished_at' | 'end_reason' | 'last_error'
  >,
) {
  await q.query(
    `INSERT INTO plans (id, app_id, plan_name, strategy_id, rounds, robot_id, start_time, end_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      plan.id,
      plan.app_id,
      plan.plan_name,
      plan.strategy_id,
      JSON.stringify(plan.rounds),
      plan.robot_id,
      plan.start_time,
      plan.end_time,
    ],
  );
}

export async function findPlan(
  q: Queryable,
  appId: number,
  id: string,
): Promise<PlanRow | undefined> {
  const [row] = await q.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM plans WHERE id = $1 AND app_id = $2`,
    [id, appId],
  );
  return row;
}

/** One page of the app's plans, newest first, optionally of one status. */
export async function listPlans(
  q: Queryable,
  appId: number,
  filter: { status?: PlanRow['status'] | undefined; offset: number; limit: number },
): Promise<{ total: number; rows: PlanRow[] }> {
  const where = 'app_id = $1 AND ($2::text IS NULL OR status = $2)';
  const [count] = await q.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM plans WHERE ${where}`,
    [appId, filter.status ?? null],
  );
  const rows = await q.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM plans WHERE ${where}
     ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
    [appId, filter.status ?? null, filter.limit, filter.offset],
  );
  return { total: count?.total ?? 0, rows };
}

/** Locks the plan: round changes, stops and cancellations of one plan are serialised on it. */
export async function lockPlan(q: Queryable, id: string): Promise<PlanRow | undefined> {
  const [row] = await q.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM plans WHERE id = $1 FOR NO KEY UPDATE`,
    [id],
  );
  return row;
}

export async function planNameTaken(q: Queryable, appId: number, name: string): Promise<boolean> {
  return (
    (await q.query('SELECT 1 FROM plans WHERE app_id = $1 AND plan_name = $2', [appId, name]))
      .length > 0
  );
}

/** Moves the plan to its next round (clearing a retried error) or ends it with its reason. */
export async function setPlanState(
  q: Queryable,
  id: string,
  state: { round: number } | { status: PlanEnd; reason: string },
  now: Date,
) {
  const status = 'status' in state ? state.status : null;
  const [row] = await q.query<PlanRow>(
    `UPDATE plans SET status = coalesce($2, status), current_round = coalesce($3, current_round),
       end_reason = coalesce($5, end_reason), last_error = '',
       finished_at = CASE WHEN $2::text IS NULL THEN finished_at ELSE $4 END
     WHERE id = $1 RETURNING ${PLAN_COLUMNS}`,
    [
      id,
      status,
      'round' in state ? state.round : null,
      now,
      'reason' in state ? state.reason : null,
    ],
  );
  return row!;
}

/** Records the error of a round start that will be retried, for /plan/status to show. */
export async function setPlanLastError(q: Queryable, id: string, error: string): Promise<void> {
  await q.query(`UPDATE plans SET last_error = $2 WHERE id = $1 AND status = 'Running'`, [
    id,
    error.slice(0, 2000),
  ]);
}

export interface RoundTask {
  id: string;
  round: number;
  status: TaskStatus;
  start_time: Date;
  end_time: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export async function roundTasks(q: Queryable, planId: string): Promise<RoundTask[]> {
  return q.query<RoundTask>(
    `SELECT id, round, status, start_time, end_time, started_at, finished_at FROM tasks
     WHERE plan_id = $1 ORDER BY round`,
    [planId],
  );
}

export async function addCancellation(
  q: Queryable,
  planId: string,
  number: string,
  caseId: string,
) {
  await q.query(
    'INSERT INTO plan_cancellations (plan_id, callee_number, case_id) VALUES ($1, $2, $3)',
    [planId, number, caseId],
  );
}

/**
 * The numbers of a finished round with how their dialling ended: the last attempt's outcome and
 * intention, or `not_reached` when the window closed or the task stopped before a call ended.
 * Numbers cancelled in the plan are left out.
 */
export async function roundResults(q: Queryable, planId: string, taskId: string) {
  return q.query<{
    seq: number;
    data: Record<string, unknown>;
    outcome: string;
    intention: string;
  }>(
    `SELECT c.seq, c.data,
       coalesce(last.outcome, 'not_reached') AS outcome, coalesce(last.result->>'intention', '') AS intention
     FROM callees c
     LEFT JOIN LATERAL (
       SELECT k.outcome, k.result FROM calls k
       WHERE k.callee_id = c.id AND k.state = 'final' AND k.outcome NOT IN ('interrupted', 'not_dialled')
       ORDER BY k.attempt DESC LIMIT 1) last ON true
     WHERE c.task_id = $2
       AND NOT EXISTS (
         SELECT 1 FROM plan_cancellations x
         WHERE x.plan_id = $1
           AND (x.callee_number = '' OR x.callee_number = c.callee_number)
           AND (x.case_id = '' OR x.case_id = c.case_id))
     ORDER BY c.seq`,
    [planId, taskId],
  );
}
