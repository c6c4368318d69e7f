import { AppError } from '../../shared/errors.ts';
import { withSavepoint, type Queryable } from '../../store/db.ts';
import { sendSmsIn } from '../messaging/sms-sends.ts';
import { sendTemplatesIn } from '../messaging/template-sends.ts';
import type { PdsNodeTasks } from '../pds/tasks/pds-node-tasks.ts';
import type { NewEvent } from '../webhooks/outbox.ts';
import { usableRobot } from '../robots/robots.service.ts';
import { createTaskInTx } from '../tasks/tasks.service.ts';
import type { CallFact, SmsFact, WabaFact } from './facts.ts';
import {
  nodeName,
  nodeTaskId,
  type CallNode,
  type PdsNode,
  type SmsNode,
  type WabaNode,
} from './graph.ts';
import type { RecordRow, WorkflowRow } from './workflows.repository.ts';
import * as steps from './workflow-steps.repository.ts';

// What the nodes that reach outside do, for a batch of records at one node, in the step's
// transaction: a call node makes one node task (an ordinary task with the workflow as parent)
// for the batch, a pds node one PDS task; a WABA node sends the template to the batch as one WABA task; an SMS node sends
// each record its text. Channels check compliance (windows, caps, DNC, opt-out) when they dial
// or send, through the contact ledger, so a record that opted out on WhatsApp is not called next.

export interface ActionContext {
  tx: Queryable;
  /** Notifications the step makes, written to the outbox in one statement when it saves. */
  events: NewEvent[];
  workflow: WorkflowRow;
  zone: string;
  now: Date;
  callerNumber: (line: string | undefined) => string;
  /** Makes a pds node's PDS task; absent where the PDS module is not wired (then not dialled). */
  pdsNodes?: PdsNodeTasks;
}

/** The node's node task (a subtask of the instance), made the first time a record enters it. */
async function nodeTaskOf(
  ctx: ActionContext,
  node: CallNode | PdsNode | WabaNode | SmsNode,
): Promise<string> {
  const id = nodeTaskId(ctx.workflow.id, node.id);
  await steps.ensureNodeTasks(
    ctx.tx,
    [
      {
        id,
        workflow_id: ctx.workflow.id,
        node: node.id,
        node_type: node.type,
        name: nodeName(node),
      },
    ],
    ctx.now,
  );
  return id;
}

/** Fills {{field}} from the record: its variables, attributes, custom_attribute, callee, case_id. */
export function fillPlaceholders(text: string, record: RecordRow): string {
  const fields: Record<string, unknown> = {
    ...(record.attributes.custom_attribute ?? {}),
    ...record.attributes,
    ...(record.attributes.variables ?? {}),
    callee: record.callee,
    callee_number: record.callee,
    case_id: record.case_id,
  };
  return text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_all, name: string) => {
    const value = fields[name];
    return value === undefined || value === null || typeof value === 'object' ? '' : String(value);
  });
}

/** A call node: one node task for the batch. Answers the task id, or the reason none was made. */
export async function startCalls(
  ctx: ActionContext,
  node: CallNode,
  records: readonly RecordRow[],
  runNumber: number,
): Promise<{ taskId: string } | { error: string }> {
  const { tx, workflow, now } = ctx;
  return madeOrRefused(async () => {
    const robotId = Number(node.robot_id);
    if (!(await usableRobot(tx, workflow.app_id, robotId)))
      throw new AppError('robot_not_found', `robot_id ${node.robot_id} of node ${node.id}`);
    const nodetask = await nodeTaskOf(ctx, node);
    const { task_id } = await createTaskInTx(tx, { appId: workflow.app_id, timezone: ctx.zone }, {
      task_name: nodeTaskName(ctx, node, runNumber),
      robot_id: robotId,
      start: now,
      end: workflow.end_time,
      redial_times: node.redial_times ?? 0,
      redial_interval_s: (node.redial_interval ?? 0) * 60,
      caller_number: ctx.callerNumber(node.caller_number),
      max_concurrency: null,
      callees: nodeCallees(records),
      workflow_id: workflow.id,
    } as Parameters<typeof createTaskInTx>[2]);
    await steps.insertNodeRun(
      tx,
      { id: task_id, nodetask_id: nodetask, workflow_id: workflow.id, kind: 'call' },
      now,
    );
    return { taskId: task_id };
  }, tx);
}

/**
 * A pds node: one PDS task for the batch (docs/pds.md), whose answered calls the robot opens and
 * an agent of the node's group takes. Its calls end as a call node's do, so the records wait the
 * same way. Answers the task id, or the reason none was made.
 */
export async function startPdsCalls(
  ctx: ActionContext,
  node: PdsNode,
  records: readonly RecordRow[],
  runNumber: number,
): Promise<{ taskId: string } | { error: string }> {
  const { tx, workflow, now, pdsNodes } = ctx;
  if (!pdsNodes) return { error: 'the predictive dialer is not available on this server' };
  return madeOrRefused(async () => {
    const nodetask = await nodeTaskOf(ctx, node);
    const { taskId } = await pdsNodes.createInTx(tx, {
      appId: workflow.app_id,
      timezone: ctx.zone,
      workflowId: workflow.id,
      taskName: nodeTaskName(ctx, node, runNumber),
      groupName: node.group_name,
      ...(node.robot_id !== undefined ? { robotId: Number(node.robot_id) } : {}),
      ...(node.dialing_mode !== undefined ? { dialingMode: node.dialing_mode } : {}),
      ...(node.max_lost_rate !== undefined ? { maxLostRatePercent: node.max_lost_rate } : {}),
      ...(node.acw_time !== undefined ? { acwSeconds: node.acw_time } : {}),
      repeatTimes: node.redial_times ?? 0,
      callIntervalSeconds: (node.redial_interval ?? 0) * 60,
      callerNumber: ctx.callerNumber(node.caller_number),
      start: now,
      end: workflow.end_time,
      callees: nodeCallees(records),
    });
    await steps.insertNodeRun(
      tx,
      { id: taskId, nodetask_id: nodetask, workflow_id: workflow.id, kind: 'call' },
      now,
    );
    return { taskId };
  }, tx);
}

/** A node task's name: the workflow's and the node's, numbered from the node's second run. */
function nodeTaskName(ctx: ActionContext, node: CallNode | PdsNode, runNumber: number): string {
  return `${ctx.workflow.name}_${nodeName(node)}${runNumber > 1 ? `_${runNumber}` : ''}`;
}

/** The records as a node task's numbers; `wfdetail_uuid` leads each call's end back to its record. */
function nodeCallees(records: readonly RecordRow[]) {
  return records.map((r, seq) => ({
    seq,
    case_id: r.case_id,
    callee_number: r.callee,
    data: {
      ...r.attributes,
      case_id: r.case_id,
      callee_number: r.callee,
      wfdetail_uuid: r.id,
    },
  }));
}

/** Runs a node task's creation in a savepoint: a refusal (AppError) undoes it and is answered. */
async function madeOrRefused(
  make: () => Promise<{ taskId: string }>,
  tx: Queryable,
): Promise<{ taskId: string } | { error: string }> {
  try {
    return await withSavepoint(tx, make);
  } catch (error) {
    if (error instanceof AppError) return { error: error.message };
    throw error;
  }
}

/** The call fact of a record whose node task could not be made: not dialled, with the reason. */
export function undialledCall(
  node: CallNode | PdsNode,
  workflowId: string,
  reason: string,
): CallFact {
  return {
    task_id: '',
    call_id: '',
    connected: false,
    end_reason: 'not_dialled',
    error: reason,
    nodetask_id: nodeTaskId(workflowId, node.id),
    nodetask_name: nodeName(node),
  };
}

/** A WABA node: the template to every record of the batch, as one WABA task. */
export async function sendTemplates(
  ctx: ActionContext,
  node: WabaNode,
  records: readonly RecordRow[],
): Promise<Map<string, WabaFact>> {
  const { tx, workflow, now } = ctx;
  const nodetask = await nodeTaskOf(ctx, node);
  const base = {
    waba_task_id: '',
    msg_id: '',
    status: '',
    send_time: '',
    waba_template_name: '',
    waba_template_id: node.template_id,
    channel_id: node.channel_id,
    replied: false,
    error_code: '',
    nodetask_id: nodetask,
    nodetask_name: nodeName(node),
  };
  try {
    return await withSavepoint(tx, async () => {
      const sent = await sendTemplatesIn(
        tx,
        workflow.app_id,
        {
          channelId: node.channel_id,
          templateId: node.template_id,
          ...(node.robot_id ? { robotId: node.robot_id } : {}),
          users: records.map((r) => ({
            id: r.callee,
            variables: templateVariables(node, r),
            custom: { wfdetail_uuid: r.id, workflow_id: workflow.id },
          })),
        },
        now,
      );
      await steps.insertNodeRun(
        tx,
        { id: sent.wabaTaskId, nodetask_id: nodetask, workflow_id: workflow.id, kind: 'waba' },
        now,
      );
      return new Map(
        records.map((r, i) => [
          r.id,
          {
            ...base,
            waba_task_id: sent.wabaTaskId,
            msg_id: sent.messages[i]!.templateMsgId,
            waba_template_name: sent.templateName,
            channel_id: sent.channelId,
          },
        ]),
      );
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // The send was refused whole (template not approved, channel gone, a variable missing): the
    // records move on with the failure as their WABA fact, for a branch to route.
    return new Map(
      records.map((r) => [r.id, { ...base, status: 'failed', error_code: error.message }]),
    );
  }
}

/** The template's variables for a record: the node's mapping filled, else the record's own. */
function templateVariables(node: WabaNode, record: RecordRow): Record<string, string> {
  if (!node.variables) return { ...(record.attributes.variables ?? {}) };
  return Object.fromEntries(
    Object.entries(node.variables).map(([name, text]) => [name, fillPlaceholders(text, record)]),
  );
}

/** An SMS node: the record's text from the node's sender. */
export async function sendSms(
  ctx: ActionContext,
  node: SmsNode,
  record: RecordRow,
): Promise<SmsFact & { batch_id: string }> {
  const { tx, workflow, now } = ctx;
  const nodetask = await nodeTaskOf(ctx, node);
  try {
    return await withSavepoint(tx, async () => {
      const { messageId } = await sendSmsIn(
        tx,
        workflow.app_id,
        { to: [record.callee], message: fillPlaceholders(node.message, record), from: node.from },
        now,
      );
      await steps.insertNodeRun(
        tx,
        { id: messageId, nodetask_id: nodetask, workflow_id: workflow.id, kind: 'sms' },
        now,
      );
      return {
        message_id: messageId,
        batch_id: messageId,
        status: 'queued',
        nodetask_id: nodetask,
      };
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      message_id: '',
      batch_id: '',
      status: 'failed',
      error: error.message,
      nodetask_id: nodetask,
    };
  }
}
