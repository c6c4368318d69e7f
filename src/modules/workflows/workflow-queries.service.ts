import { AppError } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import type { Db } from '../../store/db.ts';
import type { Caller } from '../auth/auth.service.ts';
import { BatchViews, type BatchMessage, type BatchSummary } from '../messaging/batch-views.ts';
import type { RecordingService } from '../recordings/recordings.service.ts';
import {
  WorkflowCalls,
  type WorkflowCall,
  type WorkflowNumber,
  type WorkflowTaskSummary,
} from '../tasks/workflow-calls.ts';
import { wireNodeId } from './graph.ts';
import {
  batchStatus,
  chatbotCallOf,
  e164,
  numberFilter,
  paging,
  timeBound,
  timeOf,
} from './workflow-queries.input.ts';
import * as repo from './workflow-queries.repository.ts';
import type {
  ApiNoticeBody,
  CaseQuery,
  DetailInstancesBody,
  InstancesQuery,
  RecordingsQuery,
  TaskDetailBody,
  TaskListBody,
  WabaTaskDetailQuery,
  WabaTasksQuery,
} from './workflow-queries.schema.ts';

// The read side of the Workflow family (spec/workflow-api.md §9-16, docs/workflow-api.md "Query
// endpoints"). The workflow tables say which tasks and batches a workflow's nodes ran; the tasks
// and messaging modules read their own rows for those ids (WorkflowCalls, BatchViews). Answers
// are domain values; workflow-queries.wire.ts renders them in the family's shapes.

export interface Paged<T> {
  total: number;
  items: T[];
}

export interface NodeTaskView {
  id: string;
  name: string;
  nodeType: string;
  taskId?: string;
  taskStatus?: string;
}

/** A workflow call with the node task that ran it and its recording link ('' without one). */
export interface RunCall {
  run: repo.RunRow;
  call: WorkflowCall;
  recordingUrl: string;
}

export interface WabaMessageView {
  message: BatchMessage;
  batch: BatchSummary;
  caseId: string;
  recordId: string;
  callee: string;
  chatbotCallId: string;
}

export interface WorkflowQueryDeps {
  db: Db;
  recordings: Pick<RecordingService, 'linksFor'>;
}

export class WorkflowQueryService {
  readonly #db: Db;
  readonly #recordings: Pick<RecordingService, 'linksFor'>;
  readonly #calls: WorkflowCalls;
  readonly #batches: BatchViews;

  constructor(deps: WorkflowQueryDeps) {
    this.#db = deps.db;
    this.#recordings = deps.recordings;
    this.#calls = new WorkflowCalls(deps.db);
    this.#batches = new BatchViews(deps.db);
  }

  /** §9: the app's workflows, newest first. */
  async instances(caller: Caller, query: InstancesQuery): Promise<Paged<repo.WorkflowListRow>> {
    const { offset, limit } = paging(query);
    const { total, rows } = await repo.listWorkflows(this.#db, caller.appId, {
      ...(query.workflow_template_id !== undefined
        ? { templateId: query.workflow_template_id }
        : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...timeBound('start_time', query.start_time, caller.timezone, 'createdFrom'),
      ...timeBound('end_time', query.end_time, caller.timezone, 'createdTo'),
      offset,
      limit,
    });
    return { total, items: rows };
  }

  /** §10: one entry per node task, with its latest call task or batch and that one's status. */
  async nodeTasks(caller: Caller, workflowId: string): Promise<NodeTaskView[]> {
    await this.#workflow(caller, workflowId);
    const rows = await repo.nodeTasksOf(this.#db, workflowId);
    const runIds = (kind: repo.RunKind) =>
      rows.filter((r) => r.run_kind === kind).map((r) => r.run_id!);
    const tasks = await this.#calls.summaries(caller.appId, runIds('call'));
    const batches = await this.#batches.summaries(caller.appId, [
      ...runIds('waba'),
      ...runIds('sms'),
    ]);
    return rows.map((r) => {
      const view: NodeTaskView = { id: r.id, name: r.name, nodeType: r.node_type };
      if (r.run_id === null) return view;
      const status =
        r.run_kind === 'call' ? tasks.get(r.run_id)?.status : batchStatus(batches.get(r.run_id));
      return { ...view, taskId: r.run_id, ...(status ? { taskStatus: status } : {}) };
    });
  }

  /** §11: the call tasks the workflow's call nodes ran, newest first. */
  async taskList(
    caller: Caller,
    body: TaskListBody,
  ): Promise<Paged<{ run: repo.RunRow; task: WorkflowTaskSummary }>> {
    await this.#workflow(caller, body.workflow_id);
    const { offset, limit } = paging(body);
    const { total, rows } = await repo.runsOf(
      this.#db,
      body.workflow_id,
      'call',
      body.nodetask_id,
      offset,
      limit,
    );
    const tasks = await this.#calls.summaries(
      caller.appId,
      rows.map((r) => r.id),
    );
    return {
      total,
      items: rows.flatMap((run) => {
        const task = tasks.get(run.id);
        return task ? [{ run, task }] : [];
      }),
    };
  }

  /** §12/§13: a call task's numbers with their attempts, as the legacy detail page. */
  async taskDetail(
    caller: Caller,
    body: TaskDetailBody,
  ): Promise<Paged<{ run: repo.RunRow; number: WorkflowNumber; recordingUrl: string }>> {
    await this.#workflow(caller, body.workflow_id);
    const run = await this.#callRun(caller, body.task_id, body.workflow_id);
    const { offset, limit } = paging(body);
    const { total, numbers } = await this.#calls.detailPage(
      caller.appId,
      run.id,
      numberFilter(body),
      offset,
      limit,
    );
    const lastOf = (n: WorkflowNumber) => n.attempts.at(-1)!.id;
    const links = await this.#recordings.linksFor(caller.appId, numbers.map(lastOf));
    return {
      total,
      items: numbers.map((number) => ({
        run,
        number,
        recordingUrl: links.get(lastOf(number)) ?? '',
      })),
    };
  }

  /** §14a: every ended attempt to a number or case, in one call task or the whole workflow. */
  async calls(caller: Caller, query: CaseQuery): Promise<RunCall[]> {
    const filter = numberFilter(query);
    if (filter.callee === undefined && filter.caseId === undefined)
      throw new AppError('bad_request', 'give callee or case_id');
    let runs: repo.RunRow[];
    if (query.task_id !== undefined) {
      if (query.workflow_id !== undefined) await this.#workflow(caller, query.workflow_id);
      runs = [await this.#callRun(caller, query.task_id, query.workflow_id)];
    } else if (query.workflow_id !== undefined) {
      await this.#workflow(caller, query.workflow_id);
      runs = await repo.allRunsOf(this.#db, query.workflow_id, 'call');
    } else {
      throw new AppError('bad_request', 'give task_id or workflow_id');
    }
    return this.#withRuns(caller, runs, filter);
  }

  /** §14b: one ended attempt of a workflow's call task. */
  async call(caller: Caller, callId: string): Promise<RunCall> {
    const call = isId(callId) ? await this.#calls.callById(caller.appId, callId) : undefined;
    const run = call && (await repo.findRun(this.#db, caller.appId, call.call.task_id, 'call'));
    if (!call || !run) throw new AppError('call_not_found');
    const links = await this.#recordings.linksFor(caller.appId, [call.call.id]);
    return { run, call, recordingUrl: links.get(call.call.id) ?? '' };
  }

  /** §14c: the recorded attempts to a number or case in the workflow, oldest first. */
  async recordings(caller: Caller, query: RecordingsQuery): Promise<RunCall[]> {
    const filter = numberFilter(query);
    if (filter.callee === undefined && filter.caseId === undefined)
      throw new AppError('bad_request', 'give callee or case_id');
    await this.#workflow(caller, query.workflow_id);
    const runs = await repo.allRunsOf(this.#db, query.workflow_id, 'call');
    return (await this.#withRuns(caller, runs, filter)).filter((c) => c.recordingUrl !== '');
  }

  /** §14d: the template batches the workflow's WABA nodes sent, newest first. */
  async wabaTasks(
    caller: Caller,
    query: WabaTasksQuery,
  ): Promise<Paged<{ run: repo.RunRow; batch: BatchSummary }>> {
    await this.#workflow(caller, query.workflow_id);
    const { offset, limit } = paging(query);
    const { total, rows } = await repo.runsOf(
      this.#db,
      query.workflow_id,
      'waba',
      query.nodetask_id,
      offset,
      limit,
    );
    const batches = await this.#batches.summaries(
      caller.appId,
      rows.map((r) => r.id),
    );
    return {
      total,
      items: rows.flatMap((run) => {
        const batch = batches.get(run.id);
        return batch ? [{ run, batch }] : [];
      }),
    };
  }

  /** §14e: a WABA batch's messages with the record each went to. */
  async wabaTaskDetail(
    caller: Caller,
    query: WabaTaskDetailQuery,
  ): Promise<Paged<WabaMessageView>> {
    const run = isId(query.waba_task_id)
      ? await repo.findRun(this.#db, caller.appId, query.waba_task_id, 'waba')
      : undefined;
    if (!run) throw new AppError('task_not_found');
    const filter = numberFilter(query);
    const { offset, limit } = paging(query);
    const messageIds =
      filter.caseId === undefined
        ? undefined
        : await repo.messagesOfCase(this.#db, run.workflow_id, run.id, filter.caseId);
    const page = await this.#batches.messages(
      caller.appId,
      run.id,
      {
        ...(filter.callee !== undefined ? { callee: filter.callee } : {}),
        ...(messageIds !== undefined ? { messageIds } : {}),
      },
      offset,
      limit,
    );
    if (!page) throw new AppError('task_not_found');
    const records = await repo.recordsOfMessages(
      this.#db,
      run.workflow_id,
      run.id,
      page.messages.map((m) => m.id),
    );
    return {
      total: page.total,
      items: page.messages.map((message) => {
        const record = records.get(message.id);
        return {
          message,
          batch: page.batch,
          caseId: record?.case_id ?? '',
          recordId: record?.record_id ?? '',
          callee: record?.callee ?? message.callee,
          chatbotCallId: chatbotCallOf(record?.facts.chatbot, run.id, message.id),
        };
      }),
    };
  }

  /** §15: the app's records of a case and/or number created in a window, newest first. */
  async detailInstances(
    caller: Caller,
    body: DetailInstancesBody,
  ): Promise<repo.InstanceOfRecordRow[]> {
    const filter = numberFilter(body);
    if (filter.callee === undefined && filter.caseId === undefined)
      throw new AppError('bad_request', 'give case_id or callee');
    const from = timeOf('start_time', body.start_time, caller.timezone);
    const to = timeOf('end_time', body.end_time, caller.timezone);
    if (to < from) throw new AppError('bad_request', 'end_time is before start_time');
    return repo.recordsByKey(this.#db, caller.appId, filter, from, to);
  }

  /** §16: the body an API node pushed for a record. */
  async apiNotice(caller: Caller, body: ApiNoticeBody): Promise<Record<string, unknown>> {
    const workflow = await this.#workflow(caller, body.workflow_id);
    const callee = e164('callee', body.callee);
    const node = workflow.graph.nodes.find(
      (n) => n.type === 'api' && wireNodeId(workflow.template_id, n.id) === body.node_id,
    );
    if (!node) throw new AppError('workflow_node_not_reached', `no API node ${body.node_id}`);
    const output = await repo.stepOutputAt(this.#db, workflow.id, node.id, callee, body.case_id);
    if (
      output === undefined &&
      !(await repo.hasRecord(this.#db, workflow.id, callee, body.case_id))
    )
      throw new AppError('workflow_record_not_found');
    const payload = output?.['payload'];
    // Entered but not pushed yet (the push is the step's work): the record has not passed it.
    if (!payload || typeof payload !== 'object') throw new AppError('workflow_node_not_reached');
    return payload as Record<string, unknown>;
  }

  async #workflow(caller: Caller, workflowId: string): Promise<repo.WorkflowRow> {
    const found = isId(workflowId)
      ? await repo.findWorkflow(this.#db, caller.appId, workflowId)
      : undefined;
    if (!found) throw new AppError('workflow_not_found');
    return found;
  }

  /** A call task of the app's workflows (of this one, when named). */
  async #callRun(caller: Caller, taskId: string, workflowId?: string): Promise<repo.RunRow> {
    const run = isId(taskId)
      ? await repo.findRun(this.#db, caller.appId, taskId, 'call')
      : undefined;
    if (!run || (workflowId !== undefined && run.workflow_id !== workflowId))
      throw new AppError('task_not_found');
    return run;
  }

  async #withRuns(
    caller: Caller,
    runs: repo.RunRow[],
    filter: { callee?: string; caseId?: string },
  ): Promise<RunCall[]> {
    const byId = new Map(runs.map((r) => [r.id, r]));
    const calls = await this.#calls.callsOf(caller.appId, [...byId.keys()], filter);
    const links = await this.#recordings.linksFor(
      caller.appId,
      calls.map((c) => c.call.id),
    );
    return calls.map((call) => ({
      run: byId.get(call.call.task_id)!,
      call,
      recordingUrl: links.get(call.call.id) ?? '',
    }));
  }
}
