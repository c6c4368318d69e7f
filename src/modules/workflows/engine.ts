import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { resolveZone } from '../../shared/callee-zone.ts';
import { localMoment, addDays, instantAtOrAfter } from '../../shared/zoned-time.ts';
import { PermanentJobError } from '../../queue/job-types.ts';
import type { PdsNodeTasks } from '../pds/tasks/pds-node-tasks.ts';
import type { Db } from '../../store/db.ts';
import { appZone } from '../auth/app-directory.ts';
import { recordEvents } from '../webhooks/outbox.ts';
import { chooseBranch } from './conditions.ts';
import type { RecordFacts } from './facts.ts';
import {
  nodeTaskId,
  nodeName,
  type CallNode,
  type PdsNode,
  type WabaNode,
  type WaitNode,
  type WorkflowGraph,
  type WorkflowNode,
} from './graph.ts';
import {
  sendSms,
  sendTemplates,
  startCalls,
  startPdsCalls,
  undialledCall,
  type ActionContext,
} from './node-actions.ts';
import { apiPush, listCompleted } from './workflow-outbox.ts';
import { finishIfComplete } from './workflow-lifecycle.ts';
import { scheduleStep } from './workflows.jobs.ts';
import * as stepLog from './workflow-steps.repository.ts';
import * as repo from './workflows.repository.ts';

// The workflow engine (docs/workflows.md, "Running a workflow"): a `workflow.step` job claims a
// workflow's records whose time came (ready ones, and waiting ones whose wait timed out) and walks
// each through the graph until it has to wait: for a call's end, a template's outcome, a timer,
// or the end. Everything a step does (the node tasks it makes, the messages it queues, the pushes
// it records, the step log, where each record is now) commits in one transaction; the step log's
// key (record, step) makes entering a node happen once even if the job runs again.

/** Records one step job walks; more are left to the job it enqueues next. */
export const STEP_BATCH = 500;
/** A walk longer than this is a loop with no wait: refused at import, so a bug here. */
const MAX_STEPS_PER_WALK = 200;

/** Where a record stands while a step walks it. */
interface Walk {
  record: repo.RecordRow;
  node: string;
  state: repo.RecordState;
  due: Date;
  step: number;
  facts: RecordFacts;
  waitRef: string | null;
  waitsForCall: boolean;
  steps: stepLog.NewStep[];
}

export interface EngineOptions {
  db: Db;
  clock: Clock;
  callerNumber: (line: string | undefined) => string;
  /** Makes a pds node's PDS task (the pds module); without it a pds node dials no one. */
  pdsNodes?: PdsNodeTasks;
}

export class WorkflowEngine {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #callerNumber: (line: string | undefined) => string;
  readonly #pdsNodes: PdsNodeTasks | undefined;

  constructor(options: EngineOptions) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#callerNumber = options.callerNumber;
    this.#pdsNodes = options.pdsNodes;
  }

  /** Runs one step of a workflow: its due records, up to STEP_BATCH. Safe to run again. */
  async step(workflowId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const now = this.#clock.now();
      const found = await repo.workflowWithGraph(tx, workflowId);
      // At its end_time a workflow walks no one further: the workflow.end job stops what is left
      // (a node task that expired at the same instant must not send its records on).
      if (!found || found.workflow.status !== 'Running' || found.workflow.end_time <= now) return;
      const { workflow, graph } = found;
      const records = await repo.claimDueRecords(tx, workflowId, now, STEP_BATCH);
      if (records.length > 0) {
        const ctx: ActionContext = {
          tx,
          events: [],
          workflow,
          zone: await appZone(tx, workflow.app_id),
          now,
          callerNumber: this.#callerNumber,
          ...(this.#pdsNodes ? { pdsNodes: this.#pdsNodes } : {}),
        };
        await walkRecords(ctx, graph, records);
      }
      // Due records this step did not take: more than a batch, or rows another transaction held
      // (SKIP LOCKED passed them: a template status being applied to one). Nothing else would
      // wake them, so the next step is due now.
      const taken = records.map((r) => r.id);
      if (records.length === STEP_BATCH || (await repo.hasDueBesides(tx, workflowId, now, taken)))
        await scheduleStep(tx, workflowId, now, `again:${newId()}`);
    });
  }
}

/** Walks claimed records through the graph and writes where each one is now. */
export async function walkRecords(
  ctx: ActionContext,
  graph: WorkflowGraph,
  records: readonly repo.RecordRow[],
): Promise<void> {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodeOf = (id: string): WorkflowNode => {
    const node = nodes.get(id);
    if (!node) throw new PermanentJobError(`the workflow's graph has no node "${id}"`);
    return node;
  };
  const walks = records.map((record): Walk => {
    const walk: Walk = {
      record,
      node: record.node,
      state: 'ready',
      due: ctx.now,
      step: record.step,
      facts: record.facts,
      waitRef: null,
      waitsForCall: false,
      steps: [],
    };
    // A wait that timed out (a template with no outcome in time): on with what is known.
    if (record.state === 'waiting')
      walk.node = (nodeOf(record.node) as CallNode | PdsNode | WabaNode).next;
    return walk;
  });
  const atCall = new Map<string, Walk[]>();
  const atWaba = new Map<string, Walk[]>();
  for (const walk of walks) {
    await walkOne(ctx, graph, walk, nodeOf, (node, w) => {
      const batches = node.type === 'waba' ? atWaba : atCall;
      const batch = batches.get(node.id);
      if (batch) batch.push(w);
      else batches.set(node.id, [w]);
    });
  }
  for (const [id, batch] of atCall) await enterCalls(ctx, nodeOf(id) as CallNode | PdsNode, batch);
  for (const [id, batch] of atWaba) await enterWaba(ctx, nodeOf(id) as WabaNode, batch);
  await save(ctx, graph, walks);
}

/** Moves one record through nodes that take no time, up to one that waits or batches. */
async function walkOne(
  ctx: ActionContext,
  graph: WorkflowGraph,
  walk: Walk,
  nodeOf: (id: string) => WorkflowNode,
  batch: (node: CallNode | PdsNode | WabaNode, walk: Walk) => void,
): Promise<void> {
  for (let n = 0; n < MAX_STEPS_PER_WALK; n++) {
    const node = nodeOf(walk.node);
    const enter = (output: unknown = null, taskId: string | null = null) =>
      logStep(ctx, walk, node, output, taskId);
    switch (node.type) {
      case 'start':
        enter();
        walk.node = node.next;
        continue;
      case 'branch': {
        const chosen = chooseBranch(node, {
          callee: walk.record.callee,
          case_id: walk.record.case_id,
          attributes: walk.record.attributes,
          facts: walk.facts,
        });
        enter({ rule: chosen.rule, next: chosen.next });
        walk.node = chosen.next;
        continue;
      }
      case 'api': {
        const payload = apiPush(ctx, graph, node, walk.record, walk.facts);
        enter({ payload });
        walk.node = node.next;
        continue;
      }
      case 'sms': {
        const sms = await sendSms(ctx, node, walk.record);
        enter({ batch_id: sms.batch_id, message_id: sms.message_id }, sms.batch_id || null);
        walk.facts = {
          ...walk.facts,
          sms: { message_id: sms.message_id, status: sms.status, nodetask_id: sms.nodetask_id },
        };
        walk.node = node.next;
        continue;
      }
      case 'wait':
        enter();
        walk.node = node.next;
        walk.due = waitUntil(node, walk.record.callee, ctx);
        return;
      case 'end':
        enter();
        walk.state = 'done';
        return;
      case 'call':
      case 'pds':
      case 'waba':
        batch(node, walk);
        return;
    }
  }
  throw new PermanentJobError(
    `record ${walk.record.id} walked ${MAX_STEPS_PER_WALK} nodes without a wait`,
  );
}

function logStep(
  ctx: ActionContext,
  walk: Walk,
  node: WorkflowNode,
  output: unknown,
  taskId: string | null,
): void {
  walk.step += 1;
  walk.steps.push({
    record_id: walk.record.id,
    step: walk.step,
    workflow_id: ctx.workflow.id,
    node: node.id,
    node_type: node.type,
    nodetask_id: nodeTaskId(ctx.workflow.id, node.id),
    task_id: taskId,
    output,
  });
}

/**
 * Records entering a call or pds node: one node task for all of them (a robot task, or a PDS
 * task whose answered calls go to agents); they wait for their call's end.
 */
async function enterCalls(
  ctx: ActionContext,
  node: CallNode | PdsNode,
  batch: Walk[],
): Promise<void> {
  const runNumber = (await stepLog.runCountOf(ctx.tx, nodeTaskId(ctx.workflow.id, node.id))) + 1;
  const records = batch.map((w) => w.record);
  const made =
    node.type === 'call'
      ? await startCalls(ctx, node, records, runNumber)
      : await startPdsCalls(ctx, node, records, runNumber);
  for (const walk of batch) {
    if ('error' in made) {
      logStep(ctx, walk, node, { error: made.error }, null);
      walk.facts = { ...walk.facts, call: undialledCall(node, ctx.workflow.id, made.error) };
      walk.node = node.next;
      continue;
    }
    logStep(ctx, walk, node, { task_id: made.taskId }, made.taskId);
    walk.state = 'waiting';
    walk.waitRef = made.taskId;
    walk.waitsForCall = true;
    // The call's end moves it on (workflow-subscribers.ts); the workflow's end stops it before this.
    walk.due = new Date(ctx.workflow.end_time.getTime() + 86_400_000);
  }
}

/** Records entering a WABA node: one template send for all; they wait for its outcome. */
async function enterWaba(ctx: ActionContext, node: WabaNode, batch: Walk[]): Promise<void> {
  const facts = await sendTemplates(
    ctx,
    node,
    batch.map((w) => w.record),
  );
  for (const walk of batch) {
    const waba = facts.get(walk.record.id)!;
    walk.facts = { ...walk.facts, waba };
    if (waba.status === 'failed') {
      logStep(ctx, walk, node, { error: waba.error_code }, null);
      walk.node = node.next;
      continue;
    }
    logStep(
      ctx,
      walk,
      node,
      { waba_task_id: waba.waba_task_id, msg_id: waba.msg_id },
      waba.waba_task_id,
    );
    walk.state = 'waiting';
    walk.waitRef = waba.msg_id;
    walk.due = new Date(ctx.now.getTime() + (node.timeout_minutes ?? 1440) * 60_000);
  }
}

/** Writes the steps taken and where each record is now; schedules the steps due next. */
async function save(ctx: ActionContext, graph: WorkflowGraph, walks: Walk[]): Promise<void> {
  const steps = walks.flatMap((w) => w.steps);
  const logged = await stepLog.insertSteps(ctx.tx, steps, ctx.now);
  if (logged.size !== steps.length) {
    // A step this walk took was already logged: another run did it; undo everything of this one.
    throw new Error('workflow step already taken by another run; retrying');
  }
  await stepLog.ensureNodeTasks(
    ctx.tx,
    [...new Map(steps.map((s) => [s.node, s])).values()].map((s) => ({
      id: s.nodetask_id,
      workflow_id: ctx.workflow.id,
      node: s.node,
      node_type: s.node_type,
      name: nodeName(graph.nodes.find((n) => n.id === s.node)!),
    })),
    ctx.now,
  );
  await repo.saveRecords(
    ctx.tx,
    walks.map((w) => ({
      id: w.record.id,
      node: w.node,
      state: w.state,
      due_at: w.due,
      step: w.step,
      facts: w.facts,
      wait_ref: w.state === 'waiting' ? w.waitRef : null,
      finished: w.state === 'done',
    })),
    ctx.now,
  );
  await recordEvents(ctx.tx, ctx.events);
  const done = walks.filter((w) => w.state === 'done');
  if (done.length > 0) {
    await listCompleted(
      ctx,
      graph,
      done.map((w) => w.record.id),
    );
    await finishIfComplete(ctx.tx, ctx.workflow.id, done.length, ctx.now);
  }
  // Records due later (a wait, a template's timeout) or now (moved past a send that failed): a
  // step job at that time. A record waiting for its call has no timer: the call's end moves it.
  const timed = walks.filter(
    (w) => w.state === 'ready' || (w.state === 'waiting' && !w.waitsForCall),
  );
  const dues = new Set(timed.map((w) => w.due.getTime()));
  for (const due of dues) {
    const first = timed.find((w) => w.due.getTime() === due)!;
    await scheduleStep(
      ctx.tx,
      ctx.workflow.id,
      new Date(due),
      `due:${first.record.id}:${first.step}`,
    );
  }
}

/** When a record leaves a wait node: after its minutes, or at the next HH:MM in its own zone. */
export function waitUntil(
  node: WaitNode,
  callee: string,
  ctx: Pick<ActionContext, 'now' | 'zone'>,
): Date {
  if (node.minutes !== undefined) return new Date(ctx.now.getTime() + node.minutes * 60_000);
  const [h = 0, m = 0] = (node.until ?? '00:00').split(':').map(Number);
  const zone = resolveZone(callee, undefined, ctx.zone).zone;
  const today = localMoment(ctx.now, zone);
  const at = instantAtOrAfter(today, h * 3600 + m * 60, zone);
  return at > ctx.now ? at : instantAtOrAfter(addDays(today, 1), h * 3600 + m * 60, zone);
}
