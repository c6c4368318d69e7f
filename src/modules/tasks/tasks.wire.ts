import { formatDateTime } from '../../shared/time.ts';
import { callObject } from './call-object.ts';
import type { Callee } from './tasks.schema.ts';
import type { CallInfo, DetailPage, NumberRecord, Page, TaskSummary } from './task-views.ts';

// The cloud family's wire shapes of the task answers (spec/calls-api.md §6): snake_case, times in
// the caller's zone as `YYYY-MM-DD HH:MM:SS`. The routes apply these to what TaskService returns.

export function taskSummaryWire(t: TaskSummary, zone: string) {
  return {
    task_id: t.id,
    task_name: t.name,
    robot_id: String(t.robotId),
    status: t.status,
    plan_id: t.planId ?? '',
    round: t.round,
    create_time: formatDateTime(t.createdAt, zone),
    start_time: formatDateTime(t.startTime, zone),
    end_time: formatDateTime(t.endTime, zone),
    total_count: t.totalCount,
    called_count: t.calledCount,
    connected_count: t.connectedCount,
  };
}

export function taskListWire(page: Page<TaskSummary>, zone: string) {
  return {
    total: page.total,
    page: page.page,
    page_size: page.pageSize,
    list: page.items.map((t) => taskSummaryWire(t, zone)),
  };
}

function numberRecordWire(record: NumberRecord, zone: string) {
  return {
    ...callObject(record.attempts, zone, record.callee),
    case_id: record.caseId,
    callee: record.data as Callee,
    recording_url: record.recordingUrl,
  };
}

export function detailPageWire(page: DetailPage, zone: string) {
  return {
    total: page.total,
    page: page.page,
    page_size: page.pageSize,
    task_status: page.taskStatus,
    list: page.items.map((r) => numberRecordWire(r, zone)),
  };
}

export function callInfoWire(info: CallInfo, zone: string) {
  return {
    ...callObject(info.attempts, zone, info.callee),
    end_reason: info.endReason,
    case_id: info.caseId,
    callee: info.data as Callee,
    recording_url: info.recordingUrl,
    compliance: info.compliance,
  };
}
