import { notify, type Db } from '../../../store/db.ts';
import type { AgentStateService } from '../../agents/agent-state.service.ts';
import type { Agent } from '../../agents/agents.service.ts';
import { pdsCallRows } from './pds-calls.repository.ts';
import { PDS_HANGUP_CHANNEL } from './pds-channel.ts';

// What the agent desktop asks of a PDS call (docs/pds-dialer.md, "A real agent"): the agent hangs
// up. The agent goes to after-call work at once, for the task's acwTime (the group's without
// one), in a transaction that also wakes the dialer holding the call, in whichever process: it
// hangs the line up and writes the call's end.

export class PdsCallService {
  readonly #db: Db;
  readonly #states: AgentStateService;

  constructor(db: Db, states: AgentStateService) {
    this.#db = db;
    this.#states = states;
  }

  /** POST /v1/agents/:id/hangup; agent_state_conflict unless the agent is talking. */
  async hangupByAgent(appId: number, agentId: number): Promise<Agent> {
    const agent = await this.#states.currentCall(appId, agentId);
    const callRef = agent.call_ref ?? '';
    return this.#db.transaction(async (tx) => {
      const [call] = callRef ? await pdsCallRows(tx, [callRef]) : [];
      const acwSeconds = call?.pds.acwSeconds;
      const moved = await this.#states.hangup(
        appId,
        agentId,
        callRef,
        acwSeconds != null ? { acwSeconds } : {},
        tx,
      );
      if (call) await notify(tx, PDS_HANGUP_CHANNEL, callRef);
      return moved;
    });
  }
}
