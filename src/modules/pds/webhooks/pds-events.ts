import type { NewEvent } from '../../webhooks/outbox.ts';
import type { PdsCallRow } from '../dialer/pds-call-access.ts';

// The PDS webhooks (spec/workflow-api.md §18): `{type, body}` posted to the task's decoded
// callback URL in the AIRudder style (X-AIRudder-Sign, User-Agent Airudder, retried every minute
// at most 5 times). Each call's events form one ordering group of barriers, so a receiver gets
// them one after another in the order they were recorded (docs/pds-dialer.md, "Webhooks").

declare module '../../webhooks/outbox.ts' {
  interface WebhookEventTypes {
    /** A PDS task started dialing, paused, resumed or ended (§18). */
    TaskStatus: 'pds task';
    /** A PDS call was placed, rang, was answered or ended (§18). */
    ContactStatus: 'pds call';
    /** An agent took a PDS call, hung up, or filed its result (§18). */
    AgentStatus: 'pds agent';
  }
}

export type ContactState = 'CALLING' | 'RINGING' | 'ANSWERED' | 'HANGUP';
export type AgentState = 'ANSWERED' | 'HANGUP' | 'TALKRESULT';
export type TaskState = 'Running' | 'Paused' | 'Finished' | 'Cancelled';

/** What every event about one call says of it. */
export interface PdsCallFacts {
  appId: number;
  taskId: string;
  taskName: string;
  groupName: string;
  /** null: the task sends no webhooks. */
  callbackUrl: string | null;
  callId: string;
  phoneNumber: string;
  mainNumber: string;
  phoneTag: string;
  customerInfo: Record<string, unknown>;
  /** Contact attributes of §18 found in the contact's data (contactName, address, info1...). */
  attributes: Record<string, string>;
  nthCall: number;
}

/** The §18 contact attributes copied to the body when the contact's data has them. */
const ATTRIBUTES = ['contactName', 'address', 'info1', 'info2', 'info3', 'remark', 'privateData'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A call's facts from its callee's data as the PDS API stores it (docs/pds-api.md, "Contacts"):
 * `phone_tag` (the key the number was read from), `customer_info` (the contact's map as sent,
 * whose contactName, address, info1-3, remark and privateData the bodies also carry), and the
 * contact's number as `mainNumber` (a contact has one number).
 */
export function callFacts(
  row: Pick<
    PdsCallRow,
    'call_id' | 'app_id' | 'task_id' | 'attempt' | 'callee_number' | 'task_name' | 'pds' | 'data'
  >,
): PdsCallFacts {
  const data = row.data ?? {};
  const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  const info = isRecord(data.customer_info) ? data.customer_info : {};
  const attributes: Record<string, string> = {};
  for (const key of ATTRIBUTES) {
    const value = typeof info[key] === 'string' ? (info[key] as string) : text(key);
    if (value !== undefined) attributes[key] = value;
  }
  // A contact named under another key (name, customerName...): createtask kept it as callee_name.
  const name = text('callee_name');
  if (attributes.contactName === undefined && name !== undefined) attributes.contactName = name;
  return {
    appId: Number(row.app_id),
    taskId: row.task_id,
    taskName: row.task_name,
    groupName: row.pds.groupName,
    callbackUrl: row.pds.callbackUrl,
    callId: row.call_id,
    phoneNumber: row.callee_number,
    mainNumber: text('callee_number') ?? row.callee_number,
    phoneTag: text('phone_tag') ?? '',
    customerInfo: info,
    attributes,
    nthCall: Number(row.attempt),
  };
}

function callEvent(
  facts: PdsCallFacts,
  type: 'ContactStatus' | 'AgentStatus',
  body: Record<string, unknown>,
): NewEvent[] {
  if (!facts.callbackUrl) return [];
  return [
    {
      appId: facts.appId,
      type,
      subjectId: facts.callId,
      group: `pds-call:${facts.callId}`,
      barrier: true,
      delivery: { url: facts.callbackUrl, style: 'airudder' },
      payload: {
        type,
        body: {
          taskId: facts.taskId,
          taskName: facts.taskName,
          groupName: facts.groupName,
          callid: facts.callId,
          phoneNumber: facts.phoneNumber,
          mainNumber: facts.mainNumber,
          phoneTag: facts.phoneTag,
          ...facts.attributes,
          customerInfo: facts.customerInfo,
          nthCall: facts.nthCall,
          ...body,
        },
      },
    },
  ];
}

/** ContactStatus: none when the task has no callback URL. `at` is the business clock's. */
export function contactStatus(
  facts: PdsCallFacts,
  state: ContactState,
  at: Date,
  extra: { hangupReason?: number; agentName?: string } = {},
): NewEvent[] {
  return callEvent(facts, 'ContactStatus', { state, timestamp: at.getTime(), ...extra });
}

/** AgentStatus (`State` with a capital S, as §18 has it). */
export function agentStatus(
  facts: PdsCallFacts,
  state: AgentState,
  at: Date,
  extra: {
    agentName: string;
    hangupReason?: number;
    customizeResults?: Record<string, string>;
    talkremarks?: string;
    recLink?: string;
  },
): NewEvent[] {
  return callEvent(facts, 'AgentStatus', { State: state, timestamp: at.getTime(), ...extra });
}

/** TaskStatus, ordered per task. */
export function taskStatus(
  task: { appId: number; taskId: string; taskName: string; groupName: string },
  callbackUrl: string | null,
  state: TaskState,
  at: Date,
): NewEvent[] {
  if (!callbackUrl) return [];
  return [
    {
      appId: task.appId,
      type: 'TaskStatus',
      subjectId: task.taskId,
      group: `pds-task:${task.taskId}`,
      barrier: true,
      delivery: { url: callbackUrl, style: 'airudder' },
      payload: {
        type: 'TaskStatus',
        body: {
          taskId: task.taskId,
          taskName: task.taskName,
          groupName: task.groupName,
          state,
          timestamp: at.getTime(),
        },
      },
    },
  ];
}

/** customizeResults as AgentStatus sends them: an object of title → value. */
export function resultsObject(
  results: ReadonlyArray<{ title: string; value: string }>,
): Record<string, string> {
  return Object.fromEntries(results.map((r) => [r.title, r.value]));
}
