import { formatDateTime } from '../../shared/time.ts';
import { callObject } from '../tasks/call-object.ts';
import type { Callee } from '../tasks/tasks.schema.ts';
import type { WorkflowCall } from '../tasks/workflow-calls.ts';
import type {
  RunRow,
  WorkflowListRow,
  InstanceOfRecordRow,
} from './workflow-queries.repository.ts';
import { batchStatus } from './workflow-queries.input.ts';
import {
  type NodeTaskView,
  type Paged,
  type RunCall,
  type WabaMessageView,
  type WorkflowQueryService,
} from './workflow-queries.service.ts';

// The Workflow family's wire shapes of the query answers (spec/workflow-api.md §9-16): snake_case,
// times "YYYY-MM-DD HH:MM:SS" in the caller's zone. The routes apply these to the service's values.

type Answer<M extends keyof WorkflowQueryService> = Awaited<ReturnType<WorkflowQueryService[M]>>;

const pageOf = <T, W>(page: Paged<T>, render: (item: T) => W) => ({
  total: page.total,
  list: page.items.map(render),
});

const workflowKeys = (run: RunRow) => ({
  workflow_id: run.workflow_id,
  workflow_name: run.workflow_name,
  nodetask_id: run.nodetask_id,
  nodetask_name: run.nodetask_name,
});

export const instancesWire = (page: Answer<'instances'>, zone: string) =>
  pageOf(page, (w: WorkflowListRow) => ({
    workflow_id: w.id,
    workflow_name: w.name,
    workflow_template_id: Number(w.template_id),
    workflow_template_name: w.template_name,
    status: w.status as 'Running' | 'Finished' | 'Stopped',
    auto_finish: w.auto_finish,
    end_time: formatDateTime(w.end_time, zone),
    created_at: formatDateTime(w.created_at, zone),
    record_count: w.record_count,
    done_count: w.done_count,
  }));

export const nodeTasksWire = (views: NodeTaskView[]) =>
  views.map((v) => ({
    nodetask_id: v.id,
    nodetask_name: v.name,
    node_type: v.nodeType,
    ...(v.taskId !== undefined ? { task_id: v.taskId } : {}),
    ...(v.taskStatus !== undefined ? { task_status: v.taskStatus } : {}),
  }));

export const taskListWire = (page: Answer<'taskList'>, zone: string) =>
  pageOf(page, ({ run, task }) => ({
    task_id: task.id,
    task_name: task.name,
    nodetask_id: run.nodetask_id,
    nodetask_name: run.nodetask_name,
    status: task.status,
    create_time: formatDateTime(task.createdAt, zone),
    total_count: task.totalCount,
    called_count: task.calledCount,
  }));

export const taskDetailWire = (page: Answer<'taskDetail'>, zone: string) =>
  pageOf(page, ({ run, number, recordingUrl }) => ({
    ...callObject(number.attempts, zone, number.callee),
    case_id: number.caseId,
    callee: number.data as Callee,
    recording_url: recordingUrl,
    ...workflowKeys(run),
  }));

/** One attempt as /callinfo renders it (its number's attempts up to it), with the workflow keys. */
export function runCallWire({ run, call, recordingUrl }: RunCall, zone: string) {
  return {
    ...callObject(call.attempts, zone, call.callee),
    case_id: call.caseId,
    callee: call.data as Callee,
    recording_url: recordingUrl,
    ...workflowKeys(run),
  };
}

export const recordingWire = ({ run, call, recordingUrl }: RunCall, zone: string) => {
  const c: WorkflowCall['call'] = call.call;
  return {
    call_id: c.id,
    task_id: c.task_id,
    nodetask_id: run.nodetask_id,
    nodetask_name: run.nodetask_name,
    call_start_time: formatDateTime(c.started_at, zone),
    call_end_time: formatDateTime(c.ended_at ?? c.started_at, zone),
    recording_url: recordingUrl,
  };
};

export const wabaTasksWire = (page: Answer<'wabaTasks'>, zone: string) =>
  pageOf(page, ({ run, batch }) => ({
    waba_task_id: batch.id,
    nodetask_id: run.nodetask_id,
    nodetask_name: run.nodetask_name,
    waba_template_id: batch.templateId ?? 0,
    waba_template_name: batch.templateName,
    channel_id: batch.channelId,
    status: batchStatus(batch)!,
    create_time: formatDateTime(batch.createdAt, zone),
    total_count: batch.total,
  }));

export const wabaTaskDetailWire = (page: Paged<WabaMessageView>, zone: string) =>
  pageOf(page, (v) => ({
    msg_id: v.message.id,
    callee: v.callee,
    case_id: v.caseId,
    wfdetail_uuid: v.recordId,
    status: v.message.status,
    send_time: v.message.sentAt ? formatDateTime(v.message.sentAt, zone) : '',
    waba_template_name: v.batch.templateName,
    waba_template_id: v.batch.templateId ?? 0,
    channel_id: v.batch.channelId,
    call_id: v.chatbotCallId,
  }));

export const detailInstancesWire = (rows: InstanceOfRecordRow[], zone: string) =>
  rows.map((r) => ({
    workflow_id: r.workflow_id,
    workflow_name: r.workflow_name,
    case_id: r.case_id,
    callee: r.callee,
    wfdetail_uuid: r.record_id,
    created_at: formatDateTime(r.created_at, zone),
  }));
