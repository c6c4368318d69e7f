import type { DomainEvent, TransactionSubscriber } from '../../../queue/domain-events.ts';
import type { Queryable } from '../../../store/db.ts';
import type { AgentDispositionFiled, AgentStateChanged } from '../../agents/agent-events.ts';
import type { TaskFinished } from '../../tasks/task-events.ts';
import { recordEvents, type NewEvent } from '../../webhooks/outbox.ts';
import { HANGUP_REASON } from '../dialer/hangup-reasons.ts';
import { mergeCallPds, pdsCallRows, pdsTasksByIds } from '../dialer/pds-call-access.ts';
import {
  agentStatus,
  callFacts,
  resultsObject,
  taskStatus,
  type PdsCallFacts,
} from './pds-events.ts';
import type { RecLinks } from './rec-links.ts';

// The PDS webhooks written from other modules' events, in the transaction of the change
// (docs/domain-events.md): an agent connected to or hung up from a PDS call (agent.state_changed),
// an agent's result form (agent.disposition_filed, which also lands in calls.pds), and the end of
// a PDS task (task.finished). The dialer writes the call's own states (CALLING ... HANGUP) itself.

async function factsOf(tx: Queryable, callIds: string[]): Promise<Map<string, PdsCallFacts>> {
  const rows = await pdsCallRows(tx, [...new Set(callIds)]);
  return new Map(rows.map((row) => [row.call_id, callFacts(row)]));
}

/** AgentStatus ANSWERED when an agent is connected to a PDS call, HANGUP when its call ends. */
export const pdsAgentWebhooks: TransactionSubscriber<AgentStateChanged> = {
  name: 'webhooks.pds_agent',
  async handle(tx, events) {
    const relevant = events.filter(
      ({ data }) => data.callRef && (data.reason === 'connect' || data.reason === 'hangup'),
    );
    if (relevant.length === 0) return;
    const facts = await factsOf(
      tx,
      relevant.map(({ data }) => data.callRef!),
    );
    const out: NewEvent[] = relevant.flatMap(({ data }) => {
      const call = facts.get(data.callRef!);
      if (!call) return [];
      return data.reason === 'connect'
        ? agentStatus(call, 'ANSWERED', data.at, { agentName: data.agentName })
        : agentStatus(call, 'HANGUP', data.at, {
            agentName: data.agentName,
            hangupReason: HANGUP_REASON.talked,
          });
    });
    await recordEvents(tx, out);
  },
};

/** The agent's form on a PDS call: kept in calls.pds and sent as AgentStatus TALKRESULT. */
export function pdsTalkResults(recLinks: RecLinks): TransactionSubscriber<AgentDispositionFiled> {
  return {
    name: 'webhooks.pds_talkresult',
    async handle(tx, events: ReadonlyArray<DomainEvent<AgentDispositionFiled>>) {
      const facts = await factsOf(
        tx,
        events.map(({ data }) => data.callRef),
      );
      const ofPds = events.filter(({ data }) => facts.has(data.callRef));
      if (ofPds.length === 0) return;
      await mergeCallPds(
        tx,
        ofPds.map(({ data }) => ({
          callId: data.callRef,
          pds: { customizeResults: data.customizeResults, talkremarks: data.remarks },
        })),
      );
      const out: NewEvent[] = [];
      for (const { data } of ofPds) {
        out.push(
          ...agentStatus(facts.get(data.callRef)!, 'TALKRESULT', data.at, {
            agentName: data.agentName,
            customizeResults: resultsObject(data.customizeResults),
            talkremarks: data.remarks,
            recLink: await recLinks.of(data.callRef),
          }),
        );
      }
      await recordEvents(tx, out);
    },
  };
}

/** TaskStatus Finished (or Cancelled, for a stopped task) when a PDS task ends. */
export const pdsTaskWebhooks: TransactionSubscriber<TaskFinished> = {
  name: 'webhooks.pds_task',
  async handle(tx, events, at) {
    const tasks = await pdsTasksByIds(
      tx,
      events.map(({ data }) => data.task.id),
    );
    await recordEvents(
      tx,
      tasks.flatMap((task) =>
        taskStatus(
          {
            appId: Number(task.app_id),
            taskId: task.id,
            taskName: task.task_name,
            groupName: task.pds.groupName,
          },
          task.pds.callbackUrl,
          task.status === 'Stopped' ? 'Cancelled' : 'Finished',
          at,
        ),
      ),
    );
  },
};
