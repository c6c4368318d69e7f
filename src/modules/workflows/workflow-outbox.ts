import type { Queryable } from '../../store/db.ts';
import { taskStatuses } from '../tasks/workflow-tasks.ts';
import { recordEvents, type NewEvent } from '../webhooks/outbox.ts';
import type { RecordFacts } from './facts.ts';
import { nodeName, nodeTaskId, wireNodeId, type ApiNode, type WorkflowGraph } from './graph.ts';
import * as notifications from './notifications.ts';
import type { ActionContext } from './node-actions.ts';
import * as stepLog from './workflow-steps.repository.ts';
import * as repo from './workflows.repository.ts';

// The workflow's notifications (spec §17, §23) into the webhook outbox, in the transaction of
// the change they report: AIRudder style (User-Agent: Airudder, X-AIRudder-Sign, retried every
// minute, 5 times), to the API node's url for pushes and to the template's notify_url (else the
// app's webhook URL) for the rest. A record's events share an ordering group, so its
// notifications arrive in the order its steps happened.

declare module '../webhooks/outbox.ts' {
  interface WebhookEventTypes {
    'workflow.call': 'a call of a workflow node ended (§17.1)';
    'workflow.api_push': "an API node pushed a record's data (§17.2)";
    'workflow.list_completed': 'a record left the workflow (§17.3)';
    'workflow.status': "a workflow's status changed (§17.4)";
    'workflow.waba_status': 'a template message of a workflow changed status (§17.5)';
    'workflow.chatbot_end': "a workflow's chatbot session ended (§17.6)";
  }
}

interface RecordRef {
  id: string;
  case_id: string;
  callee: string;
  attributes: repo.RecordRow['attributes'];
}

const notifyDelivery = (graph: WorkflowGraph) => ({
  ...(graph.notify_url ? { url: graph.notify_url } : {}),
  style: 'airudder' as const,
});

/** §17.2: an API node pushes the record's data; answers the payload (kept for §16). */
export function apiPush(
  ctx: Pick<ActionContext, 'events' | 'workflow' | 'now'>,
  _graph: WorkflowGraph,
  node: ApiNode,
  record: RecordRef,
  facts: RecordFacts,
): Record<string, unknown> {
  const payload = notifications.apiPushPayload({
    workflow: { id: ctx.workflow.id, name: ctx.workflow.name },
    node: { node_id: wireNodeId(ctx.workflow.template_id, node.id), node_name: nodeName(node) },
    record,
    facts,
    timestamp: ctx.now,
  });
  ctx.events.push({
    appId: ctx.workflow.app_id,
    type: 'workflow.api_push',
    subjectId: record.id,
    group: record.id,
    payload,
    delivery: { url: node.url, style: 'airudder' },
  });
  return payload;
}

/** §17.3: records that left the graph, with the nodes each passed. */
export async function listCompleted(
  ctx: Pick<ActionContext, 'tx' | 'workflow' | 'now'>,
  graph: WorkflowGraph,
  recordIds: readonly string[],
): Promise<void> {
  const steps = Map.groupBy(await stepLog.stepsOf(ctx.tx, recordIds), (s) => s.record_id);
  const records = await repo.recordRefs(ctx.tx, recordIds);
  await recordEvents(
    ctx.tx,
    records.map((record): NewEvent => ({
      appId: ctx.workflow.app_id,
      type: 'workflow.list_completed',
      subjectId: record.id,
      group: record.id,
      payload: notifications.listCompletionPayload({
        workflow: { id: ctx.workflow.id, name: ctx.workflow.name },
        record,
        rows: (steps.get(record.id) ?? []).map((s) => ({
          nodetask_id: s.nodetask_id,
          nodetask_name: nodeName(
            graph.nodes.find((n) => n.id === s.node) ?? { id: s.node, type: 'end' },
          ),
          node_type: s.node_type,
          task_id: s.task_id,
        })),
      }),
      delivery: notifyDelivery(graph),
    })),
  );
}

/** §17.4: the workflow's status changed, with its node tasks. */
export async function statusChanged(
  tx: Queryable,
  workflow: repo.WorkflowRow,
  _now: Date,
): Promise<void> {
  const graph = await repo.graphOfTemplate(tx, workflow.template_id);
  const nodeTasks = await stepLog.nodeTasksOf(tx, workflow.id);
  const statuses = await taskStatuses(
    tx,
    nodeTasks.flatMap((t) => (t.run_id ? [t.run_id] : [])),
  );
  await recordEvents(tx, [
    {
      appId: workflow.app_id,
      type: 'workflow.status',
      subjectId: workflow.id,
      group: workflow.id,
      payload: notifications.statusChangePayload({
        workflow: { id: workflow.id, name: workflow.name },
        status: workflow.status,
        actions: nodeTasks.map((t) => ({
          nodetask_id: t.id,
          nodetask_name: t.name,
          node_type: t.node_type,
          task_id: t.run_id,
          task_status: t.run_id ? (statuses.get(t.run_id) ?? null) : null,
        })),
      }),
      delivery: graph ? notifyDelivery(graph) : { style: 'airudder' },
    },
  ]);
}

interface RecordWithFacts extends RecordRef {
  node: string;
}

/** The WABA node that sent the record's template: the one whose node task its fact names. */
function wabaNodeOf(workflow: repo.WorkflowRow, graph: WorkflowGraph, facts: RecordFacts) {
  const node = graph.nodes.find((n) => nodeTaskId(workflow.id, n.id) === facts.waba?.nodetask_id);
  return node
    ? { node_id: wireNodeId(workflow.template_id, node.id), node_name: nodeName(node) }
    : { node_id: '', node_name: facts.waba?.nodetask_name ?? '' };
}

/** §17.1: a node task's call ended (standard format; the combined form pushes calls at API nodes). */
export function callCompleted(
  sink: NewEvent[],
  workflow: repo.WorkflowRow,
  graph: WorkflowGraph,
  record: RecordWithFacts,
  facts: RecordFacts,
): void {
  if (graph.notify_format === 'combined' || !facts.call) return;
  sink.push({
    appId: workflow.app_id,
    type: 'workflow.call',
    subjectId: String(facts.call.call_id),
    group: record.id,
    payload: notifications.callCompletionPayload({
      workflow: { id: workflow.id, name: workflow.name },
      record,
      call: facts.call,
    }),
    delivery: notifyDelivery(graph),
  });
}

/**
 * A template message's outcome: its status changed (§17.5) or the chatbot session it opened
 * ended (§17.6); in the combined form (§23) both are the §17.2 structure typed by dimension.
 */
export function templateOutcome(
  sink: NewEvent[],
  dimension: 'waba_template' | 'chatbot',
  workflow: repo.WorkflowRow,
  graph: WorkflowGraph,
  record: RecordWithFacts,
  facts: RecordFacts,
  now: Date,
): void {
  const ref = { id: workflow.id, name: workflow.name };
  const standard = () =>
    dimension === 'waba_template'
      ? notifications.wabaStatusPayload({
          workflow: ref,
          record,
          waba: facts.waba!,
          timestamp: now,
        })
      : notifications.chatbotEndPayload({
          workflow: ref,
          record,
          waba: facts.waba,
          chatbot: facts.chatbot!,
          timestamp: now,
        });
  sink.push({
    appId: workflow.app_id,
    type: dimension === 'waba_template' ? 'workflow.waba_status' : 'workflow.chatbot_end',
    subjectId:
      dimension === 'waba_template'
        ? facts.waba!.msg_id
        : String(facts.chatbot!['call_id'] ?? record.id),
    group: record.id,
    payload:
      graph.notify_format === 'combined'
        ? notifications.combinedPayload(dimension, {
            workflow: ref,
            node: wabaNodeOf(workflow, graph, facts),
            record,
            facts,
            timestamp: now,
          })
        : standard(),
    delivery: notifyDelivery(graph),
  });
}
