// TEMPORARY (lead): replaced by helper B's builders at merge.
import type { RecordFacts } from './facts.ts';

interface Ref {
  id: string;
  name: string;
}
interface Rec {
  id: string;
  case_id: string;
  callee: string;
  attributes: Record<string, unknown>;
}

export function apiPushPayload(input: {
  workflow: Ref;
  node: { node_id: string; node_name: string };
  record: Rec;
  facts: RecordFacts;
  timestamp: number;
}): Record<string, unknown> {
  return {
    workflow_id: input.workflow.id,
    workflow_name: input.workflow.name,
    node_id: input.node.node_id,
    node_name: input.node.node_name,
    type: 'call',
    timestamp: input.timestamp,
    callee: {
      ...input.record.attributes,
      case_id: input.record.case_id,
      callee_number: input.record.callee,
    },
    custom_attribute: input.record.attributes.custom_attribute ?? {},
    call: input.facts.call ?? {},
    waba_template: input.facts.waba ?? {},
    chatbot: input.facts.chatbot ?? {},
  };
}

export function listCompletionPayload(input: {
  workflow: Ref;
  record: Rec;
  steps: Array<{
    nodetask_id: string;
    nodetask_name: string;
    node_type: string;
    task_id: string | null;
  }>;
}): Record<string, unknown> {
  return {
    workflow_id: input.workflow.id,
    workflow_name: input.workflow.name,
    case_id: input.record.case_id,
    callee_number: input.record.callee,
    rows: input.steps.map((s) => ({
      nodetask_id: s.nodetask_id,
      nodetask_name: s.nodetask_name,
      node_type: s.node_type,
      ...(s.task_id ? { task_id: s.task_id } : {}),
    })),
  };
}

export function statusChangePayload(input: {
  workflow: Ref;
  status: string;
  actions: Array<{
    nodetask_id: string;
    nodetask_name: string;
    node_type: string;
    task_id: string | null;
    task_status: string | null;
  }>;
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

export function callCompletionPayload(input: {
  workflow: Ref;
  record: Rec;
  call: Record<string, unknown>;
}) {
  return {
    workflow_id: input.workflow.id,
    workflow_name: input.workflow.name,
    case_id: input.record.case_id,
    ...input.call,
  };
}
export function combinedPayload(
  type: 'waba_template' | 'chatbot',
  input: Parameters<typeof apiPushPayload>[0],
): Record<string, unknown> {
  return { ...apiPushPayload(input), type };
}
export function wabaStatusPayload(input: {
  workflow: Ref;
  record: Rec;
  waba: Record<string, unknown>;
}) {
  return {
    workflow_id: input.workflow.id,
    workflow_name: input.workflow.name,
    ...input.waba,
    callee: input.record.callee,
    case_id: input.record.case_id,
  };
}
export function chatbotEndPayload(input: {
  workflow: Ref;
  record: Rec;
  waba: Record<string, unknown>;
  report: Record<string, unknown>;
}) {
  return {
    workflow_id: input.workflow.id,
    workflow_name: input.workflow.name,
    ...input.report,
    callee: input.record.callee,
  };
}
