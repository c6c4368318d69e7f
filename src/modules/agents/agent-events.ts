import { defineEvent, publish } from '../../queue/domain-events.ts';
import { EVENTS } from '../../queue/names.ts';
import type { Queryable } from '../../store/db.ts';
import type { CustomizeResult } from './agent-state.repository.ts';
import type { AgentState } from './agent-states.ts';

// The agents module's domain event (docs/domain-events.md): every state change of a dialer
// agent, published in the transaction that makes it, so the PDS AgentStatus webhooks and a
// supervisor's live view can be built on it without reading the agents' tables.

/** `agent.state_changed`: the agent moved from `from` to `to` at `at`. */
export interface AgentStateChanged {
  appId: number;
  agentId: number;
  agentName: string;
  from: AgentState;
  to: AgentState;
  /** The action that moved it (agent-states.ts): login, reserve, hangup, acw_timer... */
  reason: string;
  /** The call the change is about (reserve, connect, release, hangup, acw end), if any. */
  callRef: string | null;
  /** The skill group the call came through, if any. */
  groupId: number | null;
  /** The agent's change count after this change: with agentId, the event's id. */
  seq: number;
  at: Date;
}

export const AGENT_STATE_CHANGED = defineEvent<AgentStateChanged>(EVENTS.agentStateChanged);

export async function emitStateChanged(tx: Queryable, data: AgentStateChanged): Promise<void> {
  await publish(tx, AGENT_STATE_CHANGED, [{ id: `${data.agentId}:${data.seq}`, data }], data.at);
}

/** `agent.disposition_filed`: the agent filed the result form of a call (the PDS TALKRESULT). */
export interface AgentDispositionFiled {
  appId: number;
  agentId: number;
  agentName: string;
  callRef: string;
  dispositionId: number;
  customizeResults: CustomizeResult[];
  remarks: string;
  at: Date;
}

export const AGENT_DISPOSITION_FILED = defineEvent<AgentDispositionFiled>(
  EVENTS.agentDispositionFiled,
);

export async function emitDispositionFiled(
  tx: Queryable,
  data: AgentDispositionFiled,
): Promise<void> {
  await publish(tx, AGENT_DISPOSITION_FILED, [{ id: String(data.dispositionId), data }], data.at);
}
