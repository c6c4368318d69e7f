import { nodeName, type WorkflowGraph, type WorkflowNode } from './graph.ts';
import { conditionText } from './template-conditions.ts';

// A template drawn as a Mermaid flowchart (docs/workflows.md): what the API answers and the docs
// show. Mermaid node ids are n0, n1, … in the graph's order, not the graph's own ids: a graph id
// such as `end` or `a-b` is a keyword or an arrow to Mermaid. Every label is quoted and escaped.

/** `flowchart TD` text for a (validated) graph. */
export function toMermaid(graph: WorkflowGraph): string {
  const key = new Map(graph.nodes.map((node, i) => [node.id, `n${i}`]));
  const lines = ['flowchart TD'];
  for (const node of graph.nodes) lines.push(`  ${key.get(node.id)}${shape(node)}`);
  for (const node of graph.nodes) {
    const from = key.get(node.id)!;
    for (const [label, target] of edges(node)) {
      const to = key.get(target);
      if (to === undefined) continue; // a validated graph has none; a stored one is shown as it is
      lines.push(label ? `  ${from} -->|"${escape(label)}"| ${to}` : `  ${from} --> ${to}`);
    }
  }
  return lines.join('\n') + '\n';
}

function shape(node: WorkflowNode): string {
  const detail = detailOf(node);
  const label = `"${escape(`${nodeName(node)} (${node.type})`)}${detail ? `<br/>${escape(detail)}` : ''}"`;
  switch (node.type) {
    case 'start':
    case 'end':
      return `([${label}])`;
    case 'branch':
      return `{${label}}`;
    default:
      return `[${label}]`;
  }
}

/** The one thing worth reading on the node itself. */
function detailOf(node: WorkflowNode): string {
  switch (node.type) {
    case 'call':
      return `robot ${node.robot_id}`;
    case 'pds':
      return `agents of ${node.group_name}`;
    case 'waba':
      return `template ${node.template_id}${node.robot_id ? `, chatbot ${node.robot_id}` : ''}`;
    case 'sms':
      return `from ${node.from}`;
    case 'api':
      return hostOf(node.url);
    case 'wait':
      return node.until !== undefined ? `until ${node.until}` : `wait ${node.minutes} min`;
    default:
      return '';
  }
}

function edges(node: WorkflowNode): Array<[string, string]> {
  switch (node.type) {
    case 'end':
      return [];
    case 'branch':
      return [
        ...node.rules.map((rule): [string, string] => [
          rule.when.map(conditionText).join(' and '),
          rule.next,
        ]),
        ['default', node.default],
      ];
    default:
      return [['', node.next]];
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Mermaid's entity codes for what would end or break a quoted label: `#` first (it starts an
 * entity), then quotes, angle brackets (HTML in labels) and line breaks.
 */
export function escape(text: string): string {
  return text
    .replaceAll('#', '#35;')
    .replaceAll('"', '#quot;')
    .replaceAll('<', '#lt;')
    .replaceAll('>', '#gt;')
    .replaceAll('|', '#124;')
    .replace(/[\r\n]+/g, ' ');
}
