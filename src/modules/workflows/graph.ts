import { createHash } from 'node:crypto';

// The workflow graph format (docs/workflows.md): what a template is, as imported (JSON or YAML)
// and stored. Nodes name their successors by id; a branch node picks one by the record's facts.
// template-graph.ts validates a graph; the engine (engine.ts) runs records through it.

export type NodeType =
  'start' | 'call' | 'pds' | 'waba' | 'sms' | 'api' | 'wait' | 'branch' | 'end';

interface NodeBase {
  /** Unique in the graph; edges name it. Letters, digits, '_' and '-'. */
  id: string;
  /** Shown as nodetask_name / node_name; default: the id. */
  name?: string;
}

export interface StartNode extends NodeBase {
  type: 'start';
  next: string;
}

/** Calls the record with a robot, through a node task on the ordinary dialer. */
export interface CallNode extends NodeBase {
  type: 'call';
  robot_id: string;
  /** Redials of the same task for a number not reached (the task's redial_times). */
  redial_times?: number;
  /** Minutes between redials. */
  redial_interval?: number;
  /** Caller id in E.164; default: the server's default caller number. */
  caller_number?: string;
  next: string;
}

/**
 * Calls the record through the predictive dialer (docs/pds.md): a PDS node task whose answered
 * calls the robot opens and a ready agent of `group_name` takes.
 */
export interface PdsNode extends NodeBase {
  type: 'pds';
  /** The skill group whose agents take the calls. */
  group_name: string;
  /** The robot that opens each answered call; default: the app's PDS opening robot. */
  robot_id?: string;
  dialing_mode?: 'preview' | 'progressive' | 'predictive';
  /** Percent of live answers that may be abandoned (default 3). */
  max_lost_rate?: number;
  /** After-call work in seconds; default: the group's. */
  acw_time?: number;
  /** Redials of a number not reached. */
  redial_times?: number;
  /** Minutes between redials. */
  redial_interval?: number;
  /** Caller id in E.164; default: the server's default caller number. */
  caller_number?: string;
  next: string;
}

/** Sends a WhatsApp template; with `robot_id`, a reply starts that chatbot's session. */
export interface WabaNode extends NodeBase {
  type: 'waba';
  /** The WABA account (channel_id) the template is sent from. */
  channel_id: string;
  template_id: number;
  /** The chatbot bound to the template. */
  robot_id?: string;
  /**
   * Template variables: name → text with {{field}} placeholders filled from the record
   * (its attributes, variables and custom_attribute). Default: the record's variables.
   */
  variables?: Record<string, string>;
  /**
   * How long the record waits for the outcome (a status that ends it, or the chat's end) before
   * it moves on with what is known. Minutes; default 1440 (the 24-hour window).
   */
  timeout_minutes?: number;
  next: string;
}

export interface SmsNode extends NodeBase {
  type: 'sms';
  /** The SMS sender (its channel_id or number). */
  from: string;
  /** The text, with {{field}} placeholders filled from the record. */
  message: string;
  next: string;
}

/** Pushes the record's accumulated data (spec §17.2) to `url`. */
export interface ApiNode extends NodeBase {
  type: 'api';
  url: string;
  next: string;
}

/** Waits a duration, or until a local time of day in the callee's zone. */
export interface WaitNode extends NodeBase {
  type: 'wait';
  minutes?: number;
  /** "HH:MM": the next such time in the callee's zone (from the number, else the app's zone). */
  until?: string;
  next: string;
}

export type Operator =
  'eq' | 'ne' | 'in' | 'not_in' | 'exists' | 'missing' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains';

/**
 * One test on a fact of the record, by path: `call.connected`, `call.intention`,
 * `call.hangup_type`, `call.end_reason`, `call.multi_label.<label>`, `call.ner_slots.<slot>`,
 * `call.asr_ptp`, `waba.status`, `waba.replied`, `chatbot.intention`,
 * `chatbot.session_end_reason`, `chatbot.ner_slots.<slot>`, `chatbot.event_label.<label>`,
 * `sms.status`, `record.<field>` (any attribute, `record.variables.<name>`,
 * `record.custom_attribute.<key>`).
 */
export interface Condition {
  field: string;
  op: Operator;
  /** Absent for exists/missing; a list for in/not_in. */
  value?: string | number | boolean | Array<string | number | boolean>;
}

export interface BranchRule {
  /** Every condition must hold (AND). */
  when: Condition[];
  next: string;
}

/** The first rule that holds picks the next node; none: `default` (every branch is covered). */
export interface BranchNode extends NodeBase {
  type: 'branch';
  rules: BranchRule[];
  default: string;
}

export interface EndNode extends NodeBase {
  type: 'end';
}

export type WorkflowNode =
  StartNode | CallNode | PdsNode | WabaNode | SmsNode | ApiNode | WaitNode | BranchNode | EndNode;

export interface WorkflowGraph {
  /** The template's name; importing it again adds a version. */
  name: string;
  description?: string;
  /** 'collection' | 'marketing' | 'infocheck': which business line it serves (built-ins). */
  business_line?: string;
  /**
   * Where the workflow notifications (§17.1, §17.3-17.6) go; default: the app's webhook URL.
   * API nodes push to their own url.
   */
  notify_url?: string;
  /**
   * 'standard': each notification in its own shape (§17). 'combined': the J&T form (§23): WABA
   * status and chatbot-end notifications in the §17.2 shape with `type` naming the dimension.
   */
  notify_format?: 'standard' | 'combined';
  nodes: WorkflowNode[];
}

/** The node ids a node leads to. */
export function successors(node: WorkflowNode): string[] {
  switch (node.type) {
    case 'end':
      return [];
    case 'branch':
      return [...node.rules.map((r) => r.next), node.default];
    default:
      return [node.next];
  }
}

export const nodeName = (node: WorkflowNode): string => node.name ?? node.id;

const hex32 = (text: string) => createHash('md5').update(text).digest('hex');

/** A node's `node_id` on the wire (32 hex), stable for a template version and the node's id. */
export const wireNodeId = (templateId: number, nodeId: string): string =>
  hex32(`node:${templateId}:${nodeId}`);

/** The `nodetask_id` of a node in one workflow instance (32 hex), stable, so never stored twice. */
export const nodeTaskId = (workflowId: string, nodeId: string): string =>
  hex32(`nodetask:${workflowId}:${nodeId}`);
