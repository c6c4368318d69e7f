import { defineJob, enqueue, handleJob, intField } from '../../queue/job-types.ts';
import { QUEUES } from '../../queue/names.ts';
import type { Queryable } from '../../store/db.ts';

// The agents module's job (docs/agents.md): `agent.acw_end` puts an agent back to ready when its
// after-call work time is up. It names the change that started the acw (`seq`): an agent who
// ended it early, or is in a later acw, is left alone.

export interface AcwEndJob extends Record<string, unknown> {
  agent_id: number;
  seq: number;
}

export const AGENT_ACW_END = defineJob<AcwEndJob>(QUEUES.agentAcwEnd, {
  decode: (stored) => ({ agent_id: intField(stored, 'agent_id'), seq: intField(stored, 'seq') }),
});

export async function scheduleAcwEnd(
  tx: Queryable,
  agentId: number,
  seq: number,
  at: Date,
): Promise<void> {
  await enqueue(
    tx,
    AGENT_ACW_END,
    { agent_id: agentId, seq },
    { runAt: at, key: `${QUEUES.agentAcwEnd}:${agentId}:${seq}` },
  );
}

export const agentAcwEndJob = (agents: {
  acwTimeUp(agentId: number, seq: number): Promise<void>;
}) => handleJob(AGENT_ACW_END, ({ agent_id, seq }) => agents.acwTimeUp(agent_id, seq));
