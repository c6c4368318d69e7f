import type { TransactionSubscriber } from '../../queue/domain-events.ts';
import type { Queryable } from '../../store/db.ts';
import type { ChatSessionReported } from '../chatbot/chat-events.ts';
import type { MessageReceived, MessageStatusChanged } from '../messaging/messaging-events.ts';
import { callObject } from '../tasks/call-object.ts';
import type { CallFinal } from '../tasks/task-events.ts';
import type { CallFact, RecordFacts, WabaFact } from './facts.ts';
import { nodeName, nodeTaskId, type WorkflowGraph, type WorkflowNode } from './graph.ts';
import { callCompleted, templateOutcome } from './workflow-outbox.ts';
import { recordEvents, type NewEvent } from '../webhooks/outbox.ts';
import { scheduleStep } from './workflows.jobs.ts';
import * as repo from './workflows.repository.ts';

// How the outside world moves a workflow's records on (docs/workflows.md): subscribers of the
// tasks', messaging's and chatbot's domain events, run in the transaction that made the fact
// true. A record waiting at a node gets its outcome as a fact and is made ready at the node's
// next, and a `workflow.step` job walks it on; the workflow's notifications of the fact are
// written to the outbox in the same transaction.

interface Context {
  tx: Queryable;
  now: Date;
  workflows: Map<string, { workflow: repo.WorkflowRow; graph: WorkflowGraph }>;
}

async function contextOf(tx: Queryable, now: Date, records: readonly repo.RecordRow[]) {
  const ctx: Context = { tx, now, workflows: new Map() };
  for (const id of new Set(records.map((r) => r.workflow_id))) {
    const found = await repo.workflowWithGraph(tx, id);
    if (found) ctx.workflows.set(id, found);
  }
  return ctx;
}

const nodeIn = (graph: WorkflowGraph, id: string): WorkflowNode | undefined =>
  graph.nodes.find((n) => n.id === id);

/**
 * Writes the records' new facts; those whose outcome ends their wait leave for their node's
 * next, ready now, and a step job keyed by `cause` walks them on. (Walking them here, in the
 * outcome's transaction, was measured slower: the dialer's and the statuses' transactions grew,
 * and records came in batches too small to share a node task or a template send.)
 */
async function settle(
  ctx: Context,
  changes: ReadonlyArray<{ record: repo.RecordRow; facts: RecordFacts; moveOn: boolean }>,
  cause: string,
): Promise<void> {
  const rows = [];
  const moved = new Set<string>();
  for (const { record, facts, moveOn } of changes) {
    const entry = ctx.workflows.get(record.workflow_id);
    if (!entry || entry.workflow.status !== 'Running') continue;
    const node = nodeIn(entry.graph, record.node);
    const leaving = moveOn && record.state === 'waiting' && node !== undefined && 'next' in node;
    if (leaving) moved.add(record.workflow_id);
    rows.push({
      ...record,
      node: leaving ? node.next : record.node,
      state: leaving ? ('ready' as const) : record.state,
      due_at: leaving ? ctx.now : record.due_at,
      facts,
      wait_ref: leaving ? null : record.wait_ref,
      finished: false,
    });
  }
  await repo.saveRecords(ctx.tx, rows, ctx.now);
  for (const workflowId of moved) await scheduleStep(ctx.tx, workflowId, ctx.now, cause);
}

/** call.final: a node task's number is final; its record takes the call and moves on. */
export const workflowCalls: TransactionSubscriber<CallFinal> = {
  name: 'workflows.calls',
  async handle(tx, events, at) {
    const byRecord = new Map(
      events.flatMap((e) => {
        const id = e.data.callee.data['wfdetail_uuid'];
        return typeof id === 'string' ? [[id, e.data] as const] : [];
      }),
    );
    if (byRecord.size === 0) return;
    const records = (await repo.lockRecordsById(tx, [...byRecord.keys()])).filter(
      (r) => r.state === 'waiting' && r.wait_ref === byRecord.get(r.id)!.taskId,
    );
    if (records.length === 0) return;
    const ctx = await contextOf(tx, at, records);
    const changes = records.map((record) => {
      const final = byRecord.get(record.id)!;
      const entry = ctx.workflows.get(record.workflow_id);
      const node = entry && nodeIn(entry.graph, record.node);
      const call = callObject(final.attempts, final.zone, final.callee);
      const fact: CallFact = {
        ...call,
        connected: call.end_reason === 'connected',
        nodetask_id: nodeTaskId(record.workflow_id, record.node),
        nodetask_name: node ? nodeName(node) : record.node,
      };
      return { record, facts: { ...record.facts, call: fact }, moveOn: true };
    });
    const notes: NewEvent[] = [];
    for (const change of changes) {
      const entry = ctx.workflows.get(change.record.workflow_id);
      if (entry) callCompleted(notes, entry.workflow, entry.graph, change.record, change.facts);
    }
    await recordEvents(tx, notes);
    await settle(ctx, changes, `call:${records[0]!.id}:${records[0]!.step}`);
  },
};

/** Statuses that end a template's wait when no chatbot is bound: delivered, read or failed. */
const FINAL_WITHOUT_CHAT = new Set(['delivery', 'read', 'failed']);

/** message.status_changed: a workflow's template message moved on (sent, delivered, read, failed). */
export const workflowTemplateStatuses: TransactionSubscriber<MessageStatusChanged> = {
  name: 'workflows.template_statuses',
  async handle(tx, events, at) {
    const templated = events.filter((e) => e.data.wabaTaskId);
    if (templated.length === 0) return;
    const byMsg = new Map(templated.map((e) => [e.data.messageId, e.data]));
    const records = await repo.lockByTemplateMessage(tx, [...byMsg.keys()]);
    if (records.length === 0) return;
    const ctx = await contextOf(tx, at, records);
    const changes = [];
    const notes: NewEvent[] = [];
    for (const record of records) {
      const change = byMsg.get(record.facts.waba!.msg_id)!;
      const status = wireStatus(change.status);
      const waba: WabaFact = {
        ...record.facts.waba!,
        status,
        ...(change.errorCode ? { error_code: change.errorCode } : {}),
      };
      const entry = ctx.workflows.get(record.workflow_id);
      const node = entry && nodeIn(entry.graph, record.node);
      const chatBound = node?.type === 'waba' && node.robot_id !== undefined;
      const atThisNode = record.state === 'waiting' && record.wait_ref === waba.msg_id;
      const moveOn =
        atThisNode && (status === 'failed' || (!chatBound && FINAL_WITHOUT_CHAT.has(status)));
      const facts = { ...record.facts, waba };
      if (entry)
        templateOutcome(
          notes,
          'waba_template',
          entry.workflow,
          entry.graph,
          record,
          facts,
          ctx.now,
        );
      changes.push({ record, facts, moveOn });
    }
    await recordEvents(tx, notes);
    await settle(ctx, changes, `status:${templated[0]!.id}`);
  },
};

/** The wire's status words (§17.5): the seed says `delivery` for delivered. */
const wireStatus = (status: string) => (status === 'delivered' ? 'delivery' : status);

/** message.received: the person answered a workflow's template. */
export const workflowTemplateReplies: TransactionSubscriber<MessageReceived> = {
  name: 'workflows.template_replies',
  async handle(tx, events, at) {
    const answers = events.flatMap((e) => (e.data.template ? [e.data.template.templateMsgId] : []));
    if (answers.length === 0) return;
    const records = (await repo.lockByTemplateMessage(tx, answers)).filter(
      (r) => !r.facts.waba?.replied,
    );
    if (records.length === 0) return;
    const ctx = await contextOf(tx, at, records);
    await settle(
      ctx,
      records.map((record) => ({
        record,
        facts: { ...record.facts, waba: { ...record.facts.waba!, replied: true } },
        moveOn: false,
      })),
      'reply',
    );
  },
};

/** chat.session_reported: the chatbot session a workflow's template opened ended. */
export const workflowChats: TransactionSubscriber<ChatSessionReported> = {
  name: 'workflows.chats',
  async handle(tx, events, at) {
    const byMsg = new Map(
      events.flatMap((e) =>
        e.data.templateMsgId ? [[e.data.templateMsgId, e.data] as const] : [],
      ),
    );
    if (byMsg.size === 0) return;
    const records = await repo.lockByTemplateMessage(tx, [...byMsg.keys()]);
    if (records.length === 0) return;
    const ctx = await contextOf(tx, at, records);
    const changes = [];
    const notes: NewEvent[] = [];
    for (const record of records) {
      const reported = byMsg.get(record.facts.waba!.msg_id)!;
      const facts = { ...record.facts, chatbot: reported.report };
      const entry = ctx.workflows.get(record.workflow_id);
      if (entry)
        templateOutcome(notes, 'chatbot', entry.workflow, entry.graph, record, facts, ctx.now);
      changes.push({
        record,
        facts,
        moveOn: record.state === 'waiting' && record.wait_ref === record.facts.waba!.msg_id,
      });
    }
    await recordEvents(tx, notes);
    await settle(ctx, changes, `chat:${events[0]!.id}`);
  },
};
