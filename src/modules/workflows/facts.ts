// What a workflow knows of a record (docs/workflows.md): its attributes, as the list gave them,
// and the facts its nodes produced, as the spec's notification objects carry them. Branches read
// facts by path (graph.ts, Condition); the notifications (notifications.ts) render them.

/** A list record's attributes (spec §3 details[]; echoed as the `callee` object of pushes). */
export interface RecordAttributes {
  case_id?: string;
  callee_name?: string;
  callee_gender?: string;
  platform_name?: string;
  comments?: string;
  borrowed_date?: string;
  due_date?: string;
  borrowed_amount?: string;
  total_owing_amount?: string;
  currency_unit?: string;
  extra_a?: string;
  extra_b?: string;
  extra_c?: string;
  extra?: Array<{ Question: string; Content: string }>;
  /** Template/robot variables of this record. */
  variables?: Record<string, string>;
  /** Free map echoed as the top-level `custom_attribute` of pushes. */
  custom_attribute?: Record<string, unknown>;
  /** Any other key the client sent is kept and echoed. */
  [key: string]: unknown;
}

/**
 * The record's latest call, as the tasks module's call object (spec §17.1 call fields), with
 * `connected` (the number's end_reason is 'connected') for branches.
 */
export interface CallFact extends Record<string, unknown> {
  task_id: string;
  call_id: string;
  connected: boolean;
  end_reason: string;
  nodetask_id: string;
  nodetask_name: string;
}

/** The record's latest WABA template message (spec §17.5). */
export interface WabaFact extends Record<string, unknown> {
  waba_task_id: string;
  msg_id: string;
  /** 'sent' | 'delivery' | 'read' | 'failed' ('' while queued). */
  status: string;
  send_time: string;
  waba_template_name: string;
  waba_template_id: number;
  channel_id: string;
  /** The person answered the template (a message quoting it, or a button). */
  replied: boolean;
  error_code: string;
  nodetask_id: string;
  nodetask_name: string;
}

/**
 * The record's latest chatbot session, once ended: the chatbot module's session report (spec
 * §9.13: call_id, channel, channel_id, robot_id, waba_task_id, template_msg_id, status,
 * session_start_time, session_end_time, session_end_reason, intention, talk_round, ner_slots,
 * event_label, variables, messages).
 */
export type ChatbotFact = Record<string, unknown>;

export interface SmsFact extends Record<string, unknown> {
  message_id: string;
  status: string;
  nodetask_id: string;
}

export interface RecordFacts {
  call?: CallFact;
  waba?: WabaFact;
  chatbot?: ChatbotFact;
  sms?: SmsFact;
}

/**
 * What a step (workflow_steps.output) keeps of what its node did, by node type:
 * call `{task_id}`; waba `{waba_task_id, msg_id}`; sms `{batch_id, message_id}`;
 * api `{payload}` (the body pushed, what apinoticeinfo answers); others null.
 * workflow_steps.task_id is the call task, WABA batch or SMS batch id; workflow_node_runs has one
 * row per such task/batch (id = that id) with its nodetask_id and kind.
 */
export type StepOutput =
  | { task_id: string }
  | { waba_task_id: string; msg_id: string }
  | { batch_id: string; message_id: string }
  | { payload: Record<string, unknown> };
