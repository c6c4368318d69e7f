import type { Queryable } from '../../store/db.ts';
import type { AgentState } from './agent-states.ts';

// SQL of an agent's state: the change itself, its history row, and the dispositions agents file.

/** The call an agent holds while reserved, talking or wrapping up; null in the other states. */
export interface HeldCall {
  ref: string;
  groupId: number | null;
  data: Record<string, unknown> | null;
}

/** Moves the agent to `state` at `now` (one more change: state_seq + 1); answers the new seq. */
export async function setAgentState(
  q: Queryable,
  agentId: number,
  change: { state: AgentState; now: Date; call: HeldCall | null; acwUntil: Date | null },
): Promise<number> {
  const [row] = await q.query<{ state_seq: number }>(
    `UPDATE agents SET state = $2, state_since = $3, state_seq = state_seq + 1,
            call_ref = $4, call_group_id = $5, call_data = $6, acw_until = $7
      WHERE id = $1
     RETURNING state_seq`,
    [
      agentId,
      change.state,
      change.now,
      change.call?.ref ?? null,
      change.call?.groupId ?? null,
      change.call?.data ?? null,
      change.acwUntil,
    ],
  );
  return row!.state_seq;
}

export interface StateChangeRow {
  id: number;
  from_state: AgentState;
  to_state: AgentState;
  reason: string;
  call_ref: string | null;
  at: Date;
}

export async function insertStateChange(
  q: Queryable,
  change: {
    appId: number;
    agentId: number;
    from: AgentState;
    to: AgentState;
    reason: string;
    callRef: string | null;
    at: Date;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO agent_state_changes (app_id, agent_id, from_state, to_state, reason, call_ref, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      change.appId,
      change.agentId,
      change.from,
      change.to,
      change.reason,
      change.callRef,
      change.at,
    ],
  );
}

/** The agent's latest changes, newest first. */
export async function stateHistory(
  q: Queryable,
  appId: number,
  agentId: number,
  limit: number,
): Promise<StateChangeRow[]> {
  return q.query<StateChangeRow>(
    `SELECT id, from_state, to_state, reason, call_ref, at FROM agent_state_changes
      WHERE app_id = $1 AND agent_id = $2 ORDER BY id DESC LIMIT $3`,
    [appId, agentId, limit],
  );
}

export interface CustomizeResult {
  title: string;
  groupName: string;
  value: string;
}

export async function insertDisposition(
  q: Queryable,
  disposition: {
    appId: number;
    agentId: number;
    callRef: string;
    results: CustomizeResult[];
    remarks: string;
    at: Date;
  },
): Promise<number> {
  const [row] = await q.query<{ id: number }>(
    `INSERT INTO agent_dispositions (app_id, agent_id, call_ref, customize_results, remarks, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      disposition.appId,
      disposition.agentId,
      disposition.callRef,
      JSON.stringify(disposition.results),
      disposition.remarks,
      disposition.at,
    ],
  );
  return Number(row!.id);
}
