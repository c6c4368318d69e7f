import type { CallFact, ChatbotFact, RecordAttributes, RecordFacts, WabaFact } from './facts.ts';

// The bodies of a workflow's notifications (spec/workflow-api.md §17, §23), made from a record
// and its facts: pure functions, no database. One rule for every body: each object a spec
// example shows is always present with every key the example has, in the example's value types
// ('' / 0 / [] / {} when there is nothing to say), so a client parses one structure. An object
// with no fact yet (no call, no template, no chatbot session so far) is `{}`.

/** The workflow as notifications name it. */
export interface NotifiedWorkflow {
  id: string;
  name: string;
}

/** A list record as notifications show it (workflow_records: id, case_id, callee, attributes). */
export interface NotifiedRecord {
  /** wfdetail_uuid. */
  id: string;
  case_id: string;
  /** The record's number (E.164). */
  callee: string;
  attributes: RecordAttributes;
}

/** A node task as the list, status and WABA notifications name it. */
export interface NodeTaskRef {
  nodetask_id: string;
  nodetask_name: string;
}

// ---- the callee object (§23) ----

/** The §23 callee's string attributes, in the seed's order (callee_number comes from the record). */
const CALLEE_TEXT_BEFORE = [
  'case_id',
  'callee_name',
  'callee_gender',
  'callee_number',
  'platform_name',
  'extra_a',
  'extra_b',
  'extra_c',
] as const;
const CALLEE_TEXT_AFTER = [
  'comments',
  'borrowed_date',
  'due_date',
  'borrowed_amount',
  'total_owing_amount',
  'currency_unit',
] as const;
/** Attributes that are not echoed as themselves: the number, and what goes elsewhere. */
const NOT_ECHOED = new Set<string>([
  ...CALLEE_TEXT_BEFORE,
  ...CALLEE_TEXT_AFTER,
  'callee',
  'extra',
  'extend',
  'variables',
  'pds_variables',
  'custom_attribute',
]);

/** A text attribute: numbers and booleans as their text (a list may give 20000 for "20000"). */
const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

const plainObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * The record as the §23 `callee` object: every seed key, then any other attribute the list gave
 * (kept as given). `extend.detail_source` is 'api': Tiller's records come from the API (the
 * seed's 'web' marks records uploaded in AIRudder's console, which Tiller has not). `extend` is
 * always the seed's three keys: what a list sends in its own `extend` (the simulator's
 * `simulation` persona) is for Tiller, not echoed.
 */
export function recordCallee(record: NotifiedRecord): Record<string, unknown> {
  const a = record.attributes;
  const value = (key: string) =>
    key === 'callee_number' ? record.callee : key === 'case_id' ? record.case_id : text(a[key]);
  const extra = Array.isArray(a.extra)
    ? a.extra.map((e) => ({ Content: text(e?.Content), Question: text(e?.Question) }))
    : [];
  const others = Object.fromEntries(Object.entries(a).filter(([k]) => !NOT_ECHOED.has(k)));
  return {
    ...Object.fromEntries(CALLEE_TEXT_BEFORE.map((k) => [k, value(k)])),
    extra,
    extend: {
      variables: plainObject(a.variables),
      detail_source: 'api',
      pds_variables: plainObject(a.pds_variables),
    },
    ...Object.fromEntries(CALLEE_TEXT_AFTER.map((k) => [k, value(k)])),
    ...others,
  };
}

// ---- the call, waba_template and chatbot objects (§17.1, §23) ----

/**
 * The §17.1 call fields, in the seed's order: exactly the keys of the seed's `call` object.
 * The call fact's other keys are the engine's helpers and are not sent: `connected` and
 * `end_reason` (what branches read), `nodetask_id` and `nodetask_name` (the node that made the
 * call, sent as workflow keys of §17.1 instead), and anything else it may carry.
 */
export const CALL_KEYS = [
  'task_id',
  'call_id',
  'robot_id',
  'callee_number',
  'call_start_time',
  'call_end_time',
  'call_times',
  'ring_type',
  'hangup_type',
  'intention',
  'ner_slots',
  'slots',
  'talk_round',
  'ring_time',
  'question_answer',
  'multi_label',
  'intention_description',
  'asr_ptp',
  'asr_result',
  'redial_call',
  'caller_number',
] as const;

/** §23 waba_template: the §17.5 subset. */
export const WABA_KEYS = [
  'waba_task_id',
  'status',
  'msg_id',
  'send_time',
  'waba_template_name',
  'waba_template_id',
  'channel_id',
] as const;

/** §23 chatbot: the §17.6 subset (the §9.13 report without `user`). */
export const CHATBOT_KEYS = [
  'waba_task_id',
  'channel',
  'channel_id',
  'template_msg_id',
  'call_id',
  'robot_id',
  'status',
  'session_start_time',
  'session_end_time',
  'session_end_reason',
  'intention',
  'talk_round',
  'ner_slots',
  'event_label',
  'variables',
  'messages',
] as const;

const pick = (from: Record<string, unknown> | undefined, keys: readonly string[]) =>
  from ? Object.fromEntries(keys.filter((k) => k in from).map((k) => [k, from[k]])) : {};

/** The §17.1 call fields of the record's latest call; {} when it has had none. */
export const callFields = (call: CallFact | undefined): Record<string, unknown> =>
  call ? { ...pick(call, CALL_KEYS), question_answer: call.question_answer ?? [] } : {};

export const wabaFields = (waba: WabaFact | undefined): Record<string, unknown> =>
  pick(waba, WABA_KEYS);

export const chatbotFields = (chatbot: ChatbotFact | undefined): Record<string, unknown> =>
  pick(chatbot, CHATBOT_KEYS);

const unixSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

// ---- §17.2 / §23: the API node's push, and the J&T combined pushes ----

export interface PushInput {
  workflow: NotifiedWorkflow;
  /** The node that pushes: the API node (§17.2), or the WABA node of a combined push (§23). */
  node: { node_id: string; node_name: string };
  record: NotifiedRecord;
  facts: RecordFacts;
  /** When the push is made (business clock); sent as Unix seconds. */
  timestamp: Date;
}

/**
 * §17.2: what an API node pushes (and apinoticeinfo answers) for a record: `type` 'call', the
 * callee, its custom_attribute, and the latest call, template and chatbot session ({} for those
 * it has not had).
 */
export function apiPushPayload(input: PushInput): Record<string, unknown> {
  return pushPayload('call', input);
}

/**
 * §23 (J&T): the §17.2 structure for a template's status change (`waba_template`) or a chatbot
 * session's end (`chatbot`), to the one URL that also gets the API node's pushes; `node` is the
 * WABA node's.
 */
export function combinedPayload(
  type: 'waba_template' | 'chatbot',
  input: PushInput,
): Record<string, unknown> {
  return pushPayload(type, input);
}

function pushPayload(type: string, input: PushInput): Record<string, unknown> {
  const { workflow, node, record, facts } = input;
  return {
    workflow_id: workflow.id,
    workflow_name: workflow.name,
    node_id: node.node_id,
    node_name: node.node_name,
    type,
    timestamp: unixSeconds(input.timestamp),
    callee: recordCallee(record),
    custom_attribute: plainObject(record.attributes.custom_attribute),
    call: callFields(facts.call),
    waba_template: wabaFields(facts.waba),
    chatbot: chatbotFields(facts.chatbot),
  };
}

// ---- §17.1: a call node's call completion ----

/**
 * §17.1, flat: the workflow keys (the node task from the call fact's helper keys) and the call
 * fields. Both spec variants (collection/telemarketing/e-commerce and info check) have this one
 * structure: `question_answer` is [] unless an info-check robot asked its questions.
 */
export function callCompletionPayload(input: {
  workflow: NotifiedWorkflow;
  record: NotifiedRecord;
  call: CallFact;
}): Record<string, unknown> {
  const { workflow, record, call } = input;
  return {
    workflow_id: workflow.id,
    workflow_name: workflow.name,
    nodetask_id: call.nodetask_id,
    nodetask_name: call.nodetask_name,
    case_id: record.case_id,
    ...callFields(call),
  };
}

// ---- §17.3, §17.4: a record's path, a workflow's status ----

export interface PassedNode extends NodeTaskRef {
  node_type: string;
  /** The node's underlying task (call task, WABA or SMS batch); absent for nodes without one. */
  task_id?: string | null;
}

/** §17.3: a record left the graph; `rows` are the nodes it passed, in order. */
export function listCompletionPayload(input: {
  workflow: NotifiedWorkflow;
  record: NotifiedRecord;
  rows: readonly PassedNode[];
}): Record<string, unknown> {
  const { workflow, record } = input;
  return {
    workflow_id: workflow.id,
    workflow_name: workflow.name,
    case_id: record.case_id,
    callee_number: record.callee,
    rows: input.rows.map((r) => ({
      nodetask_id: r.nodetask_id,
      nodetask_name: r.nodetask_name,
      node_type: r.node_type,
      ...(r.task_id ? { task_id: r.task_id } : {}),
    })),
  };
}

export interface NodeAction extends PassedNode {
  task_status?: string | null;
}

/** §17.4: the workflow's status changed; `actions` are its node tasks and their state. */
export function statusChangePayload(input: {
  workflow: NotifiedWorkflow;
  status: string;
  actions: readonly NodeAction[];
}): Record<string, unknown> {
  return {
    workflow_id: input.workflow.id,
    workflow_name: input.workflow.name,
    status: input.status,
    actions: input.actions.map((a) => ({
      nodetask_id: a.nodetask_id,
      nodetask_name: a.nodetask_name,
      node_type: a.node_type,
      ...(a.task_id ? { task_id: a.task_id } : {}),
      ...(a.task_status ? { task_status: a.task_status } : {}),
    })),
  };
}

// ---- §17.5, §17.6: a template's status, a chatbot session's end (standard forms) ----

/**
 * §17.5: a template message of the record changed status. The routing keys the spec lists
 * (workflow, WABA node task, wfdetail_uuid, callee, case_id, timestamp) and the template's
 * fields; the node task comes from the WABA fact's helper keys.
 */
export function wabaStatusPayload(input: {
  workflow: NotifiedWorkflow;
  record: NotifiedRecord;
  waba: WabaFact;
  timestamp: Date;
}): Record<string, unknown> {
  const { workflow, record, waba } = input;
  return {
    workflow_id: workflow.id,
    workflow_name: workflow.name,
    nodetask_id: waba.nodetask_id,
    nodetask_name: waba.nodetask_name,
    wfdetail_uuid: record.id,
    ...wabaFields(waba),
    callee: record.callee,
    case_id: record.case_id,
    timestamp: unixSeconds(input.timestamp),
  };
}

/**
 * §17.6: the record's chatbot session ended (after any agent part): the documented top fields
 * (the WABA node task whose template opened the session, the record, the session id) and the
 * report's fields. `waba` is the record's WABA fact (the node task); its waba_task_id is used
 * when the report has none.
 */
export function chatbotEndPayload(input: {
  workflow: NotifiedWorkflow;
  record: NotifiedRecord;
  waba: WabaFact | undefined;
  chatbot: ChatbotFact;
  timestamp: Date;
}): Record<string, unknown> {
  const { workflow, record, waba, chatbot } = input;
  const fields = chatbotFields(chatbot);
  return {
    workflow_id: workflow.id,
    workflow_name: workflow.name,
    nodetask_id: waba?.nodetask_id ?? '',
    nodetask_name: waba?.nodetask_name ?? '',
    waba_task_id: text(chatbot.waba_task_id) || (waba?.waba_task_id ?? ''),
    wfdetail_uuid: record.id,
    timestamp: unixSeconds(input.timestamp),
    channel: fields.channel ?? 'WhatsApp',
    channel_id: fields.channel_id ?? '',
    callee: record.callee,
    call_id: fields.call_id ?? '',
    template_msg_id: fields.template_msg_id ?? '',
    robot_id: fields.robot_id ?? '',
    status: fields.status ?? 'closed',
    session_start_time: fields.session_start_time ?? '',
    session_end_time: fields.session_end_time ?? '',
    session_end_reason: fields.session_end_reason ?? '',
    intention: fields.intention ?? '',
    talk_round: fields.talk_round ?? 0,
    ner_slots: fields.ner_slots ?? {},
    event_label: fields.event_label ?? {},
    variables: fields.variables ?? {},
    messages: fields.messages ?? [],
  };
}
