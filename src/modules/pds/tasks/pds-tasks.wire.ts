import { formatDateTime } from '../../../shared/time.ts';
import type { DetailCallRow, PdsTaskRow, TaskListRow } from './pds-tasks.repository.ts';
import { stateOf } from './pds-states.ts';

// The PDS family's answers: querytasklist items (times `YYYY-MM-DD HH:MM:SS` in the app's zone,
// as createtask takes them) and querytaskdetail items (times `YYYY-MM-DDTHH:MM:SSZ`, UTC, as
// AIRudder's detail answers them). docs/pds-api.md describes every key.

export interface PdsTaskItem {
  taskId: string;
  taskName: string;
  state: string;
  groupName: string;
  dialingMode: string;
  remark: string;
  createdAt: string;
  startTime: string;
  autoEndTime: string;
  actualStartTime: string;
  endTime: string;
  totalCount: number;
  calledCount: number;
  answeredCount: number;
}

const local = (date: Date | null, zone: string) => (date ? formatDateTime(date, zone) : '');

export function taskItemWire(row: TaskListRow, zone: string): PdsTaskItem {
  return {
    taskId: row.id,
    taskName: row.task_name,
    state: stateOf(row.status),
    groupName: row.pds?.groupName ?? '',
    dialingMode: row.pds?.dialingMode ?? '',
    remark: row.pds?.remark ?? '',
    createdAt: local(row.created_at, zone),
    startTime: local(row.start_time, zone),
    autoEndTime: local(row.end_time, zone),
    actualStartTime: local(row.started_at, zone),
    endTime: local(row.finished_at, zone),
    totalCount: Number(row.total_count),
    calledCount: Number(row.called_count),
    answeredCount: Number(row.answered_count),
  };
}

/** `YYYY-MM-DDTHH:MM:SSZ`, or '' for no time (or one the dialer wrote that does not parse). */
export function utcTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value as string | number);
  return Number.isNaN(date.getTime()) ? '' : `${date.toISOString().slice(0, 19)}Z`;
}

export interface CustomizeResult {
  title: string;
  groupName: string;
  value: string;
}

const text = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);

/** The agent's form as a list of {title, groupName, value}; an object form becomes one item per key. */
export function customizeResultsOf(value: unknown): CustomizeResult[] {
  if (Array.isArray(value))
    return value
      .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
      .map((item) => ({
        title: text(item.title),
        groupName: text(item.groupName),
        value: text(item.value),
      }));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).map(([title, v]) => ({ title, groupName: '', value: text(v) }));
  return [];
}

/** What became of a call, in one word (docs/pds-api.md, "callResultType"). */
export function callResultType(row: DetailCallRow): string {
  const pds = row.pds ?? {};
  if (row.state === 'dialing') return 'Calling';
  if (pds.abandoned === true) return 'Abandoned';
  if (pds.bridgedAt) return 'Talked';
  switch (row.outcome) {
    case 'answered':
    case 'hangup':
      return 'Answered';
    case 'voicemail':
      return 'Voicemail';
    case 'no_answer':
      return 'NoAnswer';
    case 'busy':
      return 'Busy';
    case 'invalid':
      return 'Invalid';
    default:
      return 'Failed';
  }
}

const seconds = (from: unknown, to: unknown): number => {
  const a = new Date(from as string).getTime();
  const b = new Date(to as string).getTime();
  return Number.isFinite(a) && Number.isFinite(b) && b > a ? Math.round((b - a) / 1000) : 0;
};

export function detailItemWire(
  row: DetailCallRow,
  task: Pick<PdsTaskRow, 'id' | 'task_name' | 'pds'>,
  link: string,
  needCustomerInfo: boolean,
): Record<string, unknown> {
  const pds = row.pds ?? {};
  const answeredAt =
    pds.answeredAt ??
    ((row.outcome === 'answered' || row.outcome === 'hangup') && row.ring_time !== null
      ? new Date(row.started_at.getTime() + row.ring_time * 1000)
      : null);
  const hangup = Number(pds.hangupReason);
  const data = row.callee_data;
  return {
    callid: row.id,
    taskId: task.id,
    taskName: task.task_name,
    callType: task.pds?.dialingMode ?? '',
    callResultType: callResultType(row),
    phoneNumber: row.callee_number,
    mainNumber: text(pds.mainNumber) || text(data.callee_number) || row.callee_number,
    calltime: utcTime(row.started_at),
    ringtime: utcTime(row.started_at),
    answertime: utcTime(answeredAt),
    talktime: utcTime(pds.bridgedAt),
    endtime: utcTime(row.ended_at),
    ringDuration: row.ring_time ?? 0,
    talkDuration: pds.bridgedAt ? seconds(pds.bridgedAt, row.ended_at) : 0,
    nthCall: row.attempt,
    hangupReason: Number.isInteger(hangup) ? hangup : 0,
    reclink: link,
    customizeResults: customizeResultsOf(pds.customizeResults),
    agentName: text(pds.agentName),
    talkremarks: text(pds.talkremarks),
    phoneTag: text(pds.phoneTag) || text(data.phone_tag),
    ...(needCustomerInfo ? { customerInfo: data.customer_info ?? {} } : {}),
  };
}
