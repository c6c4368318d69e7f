import { AppError } from '../../../shared/errors.ts';
import type { Queryable } from '../../../store/db.ts';
import type { AgentStateService, Disposition } from '../../agents/agent-state.service.ts';
import type { CallEnd, CallRow } from '../../tasks/call-access.ts';
import { finalizeCalls } from '../../tasks/call-finalizer.ts';
import { lockTaskRow } from '../../tasks/task-access.ts';
import { recordEvents } from '../../webhooks/outbox.ts';
import { contactStatus, type PdsCallFacts } from '../webhooks/pds-events.ts';
import { stillDialing, writeFinalPds, type CallPds } from './pds-calls.repository.ts';

// The end of PDS calls, one transaction per task and batch: the normal finalizer (outcome, times,
// redial or final, call.final, the task's end) with what the PDS adds in that same transaction:
// the ContactStatus HANGUP webhook, calls.pds, and the agent's hangup into after-call work
// (whose agent.state_changed makes the AgentStatus HANGUP webhook), then a simulated agent's form
// (the TALKRESULT). Re-running it for calls already ended does nothing.

export interface PdsEnding {
  call: Pick<CallRow, 'id' | 'task_id' | 'callee_id' | 'started_at'>;
  appId: number;
  end: CallEnd;
  facts: PdsCallFacts;
  /** calls.pds at the end: over what the call wrote on the way. */
  pds: CallPds;
  /** The agent the call may still hold (reserved or talking): released or hung up here. */
  agentId?: number;
  /** The after-call work of the agent's hangup (the task's acwTime, else the group's). */
  acwSeconds?: number;
  /** A simulated agent's result form, filed with the hangup. */
  disposition?: Disposition;
}

/** Ends the batch's calls that are still up; answers their ids. */
export async function finalizePdsCalls(
  tx: Queryable,
  agentStates: AgentStateService,
  taskId: string,
  items: readonly PdsEnding[],
  now: Date,
): Promise<string[]> {
  // The task's lock first, as the finalizer takes it: what is still up cannot change under us.
  await lockTaskRow(tx, taskId);
  const open = await stillDialing(
    tx,
    items.map((i) => i.call.id),
  );
  const ending = items.filter((i) => open.has(i.call.id));
  if (ending.length === 0) return [];
  // Before the finalizer's own events: a task's end (TaskStatus) is recorded after its calls'.
  await recordEvents(
    tx,
    ending.flatMap((i) =>
      contactStatus(i.facts, 'HANGUP', now, {
        hangupReason: i.pds.hangupReason ?? 0,
        ...(i.pds.agentName ? { agentName: i.pds.agentName } : {}),
      }),
    ),
  );
  await finalizeCalls(
    tx,
    taskId,
    ending.map((i) => ({ call: i.call, end: i.end })),
    now,
  );
  await writeFinalPds(
    tx,
    ending.map((i) => ({
      callId: i.call.id,
      defaults: {
        agentName: null,
        agentId: null,
        answeredAt: null,
        bridgedAt: null,
        customizeResults: [],
        talkremarks: '',
        phoneTag: i.facts.phoneTag,
        mainNumber: i.facts.mainNumber,
        abandoned: false,
      },
      final: i.pds,
    })),
  );
  for (const item of ending) if (item.agentId !== undefined) await freeAgent(tx, agentStates, item);
  return ending.map((i) => i.call.id);
}

/**
 * The call's agent goes to after-call work (talking) or back to ready (only reserved). An agent
 * that no longer holds this call (it hung up from the desktop) is left alone: every agent action
 * names the call, so neither can touch the agent's next call.
 */
async function freeAgent(tx: Queryable, states: AgentStateService, item: PdsEnding) {
  const { appId, call, agentId, disposition } = item;
  const acw = item.acwSeconds === undefined ? {} : { acwSeconds: item.acwSeconds };
  const conflict = (error: unknown) =>
    error instanceof AppError && error.key === 'agent_state_conflict';
  try {
    // With no after-call work the agent is ready at once: the form goes in while it still talks.
    if (disposition && item.acwSeconds === 0)
      await states.dispose(appId, agentId!, disposition, tx);
    await states.hangup(appId, agentId!, call.id, acw, tx);
    if (disposition && item.acwSeconds !== 0)
      await states.dispose(appId, agentId!, disposition, tx);
    return;
  } catch (error) {
    if (!conflict(error)) throw error;
  }
  try {
    await states.release(appId, agentId!, call.id, tx);
  } catch (error) {
    if (!conflict(error)) throw error;
  }
}
