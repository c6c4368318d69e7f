import type { Queryable } from '../../../store/db.ts';
import type { AgentStateService } from '../../agents/agent-state.service.ts';
import type { CallRow } from '../../tasks/call-access.ts';
import { interruptedEnd } from '../../tasks/call-finalizer.ts';
import { callFacts } from '../webhooks/pds-events.ts';
import { HANGUP_REASON } from './hangup-reasons.ts';
import { pdsCallRows } from './pds-calls.repository.ts';
import { finalizePdsCalls, type PdsEnding } from './pds-finalize.ts';

// PDS calls nobody holds any more (their worker vanished, or this worker lost track of them): they
// end interrupted through the PDS finalizer, so the number is dialled again, the HANGUP webhook
// goes out with hangupReason 0 (Unknown), and the agent the call held (calls.pds.agentId, written
// with the reservation) is released or sent to after-call work instead of staying held for ever.

export async function endLostCalls(
  tx: Queryable,
  agentStates: AgentStateService,
  calls: ReadonlyArray<Pick<CallRow, 'id' | 'task_id' | 'callee_id' | 'started_at'>>,
  now: Date,
): Promise<number> {
  if (calls.length === 0) return 0;
  const rows = new Map(
    (
      await pdsCallRows(
        tx,
        calls.map((c) => c.id),
      )
    ).map((r) => [r.call_id, r]),
  );
  let ended = 0;
  for (const [taskId, ofTask] of Map.groupBy(calls, (c) => c.task_id)) {
    const items: PdsEnding[] = ofTask.flatMap((call) => {
      const row = rows.get(call.id);
      if (!row) return [];
      const agentId = row.call_pds?.agentId ?? undefined;
      return [
        {
          call,
          appId: Number(row.app_id),
          end: interruptedEnd(call.started_at, now),
          facts: callFacts(row),
          pds: {
            hangupReason: HANGUP_REASON.unknown,
            abandoned: false,
            agentName: null,
            agentId: null,
          },
          ...(agentId != null ? { agentId: Number(agentId) } : {}),
          ...(row.pds.acwSeconds != null ? { acwSeconds: row.pds.acwSeconds } : {}),
        },
      ];
    });
    ended += (await finalizePdsCalls(tx, agentStates, taskId, items, now)).length;
  }
  return ended;
}
