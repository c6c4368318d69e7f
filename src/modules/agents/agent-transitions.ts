import type { Queryable } from '../../store/db.ts';
import { emitStateChanged } from './agent-events.ts';
import { nextState, type AgentAction, type AgentState } from './agent-states.ts';
import { insertStateChange, setAgentState, type HeldCall } from './agent-state.repository.ts';
import type { AgentRow } from './agents.repository.ts';

// One state change of a locked agent, whole: the new state, its history row and the
// agent.state_changed event, all in the caller's transaction.

/** States in which the agent holds a call (reserved for it, on it, or wrapping it up). */
const HOLDS_A_CALL: readonly AgentState[] = ['reserved', 'talking', 'acw'];

export interface Moved {
  state: AgentState;
  seq: number;
  call: HeldCall | null;
}

/**
 * Applies `action` to `agent` (locked by the caller) at `now`; agent_state_conflict when its
 * state does not allow it. `call` is the call a reservation takes; other actions keep the held
 * call while the new state holds one, and drop it otherwise.
 */
export async function move(
  tx: Queryable,
  agent: AgentRow,
  action: AgentAction,
  now: Date,
  options: { call?: HeldCall; acwUntil?: Date } = {},
): Promise<Moved> {
  const to = nextState(agent.name, agent.state, action);
  const held: HeldCall | null = agent.call_ref
    ? { ref: agent.call_ref, groupId: agent.call_group_id, data: agent.call_data }
    : null;
  const call = HOLDS_A_CALL.includes(to) ? (options.call ?? held) : null;
  const seq = await setAgentState(tx, agent.id, {
    state: to,
    now,
    call,
    acwUntil: to === 'acw' ? (options.acwUntil ?? null) : null,
  });
  const callRef = call?.ref ?? held?.ref ?? null;
  await insertStateChange(tx, {
    appId: agent.app_id,
    agentId: agent.id,
    from: agent.state,
    to,
    reason: action,
    callRef,
    at: now,
  });
  await emitStateChanged(tx, {
    appId: agent.app_id,
    agentId: agent.id,
    agentName: agent.name,
    from: agent.state,
    to,
    reason: action,
    callRef,
    groupId: call?.groupId ?? held?.groupId ?? null,
    seq,
    at: now,
  });
  return { state: to, seq, call };
}
