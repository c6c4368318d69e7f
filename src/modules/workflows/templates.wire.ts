import { formatDateTime } from '../../shared/time.ts';
import { toMermaid } from './mermaid.ts';
import type { WorkflowTemplate } from './templates.service.ts';

// The wire shapes of a template: Tiller's /v1 answers and the workflow family's template list
// (spec/workflow-api.md §4), times in the caller's zone.

/** A template version as /v1 lists it. */
export function templateWire(t: WorkflowTemplate, zone: string) {
  return {
    workflow_template_id: t.id,
    name: t.name,
    version: t.version,
    builtin: t.builtin,
    ...(t.graph.business_line ? { business_line: t.graph.business_line } : {}),
    ...(t.graph.description ? { description: t.graph.description } : {}),
    created_at: formatDateTime(t.createdAt, zone),
  };
}

/** One version with its graph and its Mermaid drawing. */
export function templateDetailWire(t: WorkflowTemplate, zone: string) {
  const graph: Record<string, unknown> = { ...t.graph };
  return { ...templateWire(t, zone), graph, mermaid: toMermaid(t.graph) };
}

/** An entry of `GET /service/cloud/workflow/templates`. */
export function cloudTemplateWire(t: WorkflowTemplate, zone: string) {
  return {
    workflow_template_id: t.id,
    workflow_template_name: t.name,
    version: t.version,
    created_at: formatDateTime(t.createdAt, zone),
    mermaid: toMermaid(t.graph),
  };
}
