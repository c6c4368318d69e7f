import { formatDateTime } from '../../shared/time.ts';
import type { StateChangeRow } from './agent-state.repository.ts';
import type { AgentRow, GroupRow } from './agents.repository.ts';

// The /v1 shapes of groups, agents and their states, times in the caller's zone like every /v1
// time.

export function groupWire(g: GroupRow, zone: string) {
  return {
    group_id: g.id,
    name: g.name,
    acw_seconds: g.acw_seconds,
    agent_count: g.agent_count,
    created_at: formatDateTime(g.created_at, zone),
  };
}

export function agentWire(a: AgentRow, zone: string) {
  return {
    agent_id: a.id,
    name: a.name,
    group_ids: a.group_ids,
    state: a.state,
    state_since: formatDateTime(a.state_since, zone),
    simulated: a.simulated,
    talk_median_seconds: a.talk_median_seconds,
    talk_sigma: a.talk_sigma,
    acw_median_seconds: a.acw_median_seconds,
    created_at: formatDateTime(a.created_at, zone),
  };
}

/** The call the agent holds, for the desktop's screen; `call` is null when it holds none. */
export function currentCallWire(a: AgentRow, zone: string) {
  return {
    agent_id: a.id,
    state: a.state,
    call: a.call_ref
      ? {
          call_id: a.call_ref,
          group_id: a.call_group_id,
          contact: a.call_data ?? {},
          since: formatDateTime(a.state_since, zone),
          acw_until: a.acw_until ? formatDateTime(a.acw_until, zone) : null,
        }
      : null,
  };
}

export function stateChangeWire(c: StateChangeRow, zone: string) {
  return {
    from: c.from_state,
    to: c.to_state,
    reason: c.reason,
    call_id: c.call_ref,
    at: formatDateTime(c.at, zone),
  };
}
