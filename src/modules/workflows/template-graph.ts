import { parse as parseYaml } from 'yaml';
import { AppError } from '../../shared/errors.ts';
import type { NodeType, WorkflowGraph } from './graph.ts';
import { graphProblems, type EdgeNode } from './graph-checks.ts';
import { conditionProblems } from './template-conditions.ts';

// Reading and checking an imported template (docs/workflows.md, "Validation"). Every problem is
// collected and reported at once, each naming its node, so one round of fixes is enough. Unknown
// keys are refused too: in a graph a misspelt key (`redial_time`) would silently do nothing.

const MAX_NODES = 500;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const NUMERIC_ID = /^[0-9]{1,18}$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const TIME_OF_DAY = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

const TOP_KEYS = new Set([
  'name',
  'description',
  'business_line',
  'notify_url',
  'notify_format',
  'nodes',
]);

/** The fields each node type may have besides id, name and type. */
const NODE_KEYS: Record<NodeType, readonly string[]> = {
  start: ['next'],
  call: ['robot_id', 'redial_times', 'redial_interval', 'caller_number', 'next'],
  pds: [
    'group_name',
    'robot_id',
    'dialing_mode',
    'max_lost_rate',
    'acw_time',
    'redial_times',
    'redial_interval',
    'caller_number',
    'next',
  ],
  waba: ['channel_id', 'template_id', 'robot_id', 'variables', 'timeout_minutes', 'next'],
  sms: ['from', 'message', 'next'],
  api: ['url', 'next'],
  wait: ['minutes', 'until', 'next'],
  branch: ['rules', 'default'],
  end: [],
};

/** A template's text, JSON or YAML (JSON is YAML too). Its shape is validateGraph's business. */
export function parseTemplate(text: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    throw new AppError(
      'workflow_template_invalid',
      `not JSON or YAML: ${(error as Error).message}`,
    );
  }
}

/** The graph, checked; throws workflow_template_invalid listing every problem. */
export function validateGraph(input: unknown): WorkflowGraph {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AppError(
      'workflow_template_invalid',
      'a template must be an object with name and nodes',
    );
  }
  const graph = input as Record<string, unknown>;
  const unstorable = unstorableText(graph);
  if (unstorable) problems.push(unstorable);
  for (const key of Object.keys(graph)) {
    if (!TOP_KEYS.has(key)) problems.push(`unknown template field "${key}"`);
  }
  if (!isText(graph.name) || graph.name.length > 128)
    problems.push('name must be a non-empty string of at most 128 characters');
  optional(graph, 'description', (v) => isText(v, true), 'must be a string', problems);
  optional(graph, 'business_line', isText, 'must be a non-empty string', problems);
  optional(graph, 'notify_url', isHttpUrl, 'must be an absolute http(s) URL', problems);
  optional(
    graph,
    'notify_format',
    (v) => v === 'standard' || v === 'combined',
    'must be "standard" or "combined"',
    problems,
  );

  const nodes = graph.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) {
    problems.push('nodes must be a non-empty list');
  } else if (nodes.length > MAX_NODES) {
    problems.push(`a template has at most ${MAX_NODES} nodes, this one ${nodes.length}`);
  } else {
    const skeleton: EdgeNode[] = [];
    nodes.forEach((node, i) => {
      const checked = nodeProblems(node, i, problems);
      if (checked) skeleton.push(checked);
    });
    // The whole-graph rules need every node's id and edges; a node too broken to give them has
    // already been reported, and checking around it would only add confusing problems.
    if (skeleton.length === nodes.length) problems.push(...graphProblems(skeleton));
  }
  if (problems.length > 0) throw new AppError('workflow_template_invalid', problems.join('; '));
  return structuredClone(graph) as unknown as WorkflowGraph;
}

/** Checks one node's own fields; answers its id and edges when they can be followed. */
function nodeProblems(input: unknown, index: number, problems: string[]): EdgeNode | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push(`nodes[${index}]: a node must be an object`);
    return undefined;
  }
  const node = input as Record<string, unknown>;
  const idOk = typeof node.id === 'string' && ID.test(node.id);
  const where = idOk ? `node ${node.id as string}` : `nodes[${index}]`;
  const add = (problem: string) => problems.push(`${where}: ${problem}`);
  if (!idOk) add('id must be 1-64 letters, digits, "_" or "-"');
  if (node.name !== undefined && (!isText(node.name) || node.name.length > 128))
    add('name must be a non-empty string of at most 128 characters');
  const type = node.type;
  if (typeof type !== 'string' || !Object.hasOwn(NODE_KEYS, type)) {
    add(`type ${JSON.stringify(type ?? null)} is not one of ${Object.keys(NODE_KEYS).join(', ')}`);
    return undefined;
  }
  const nodeType = type as NodeType;
  const allowed = new Set(['id', 'name', 'type', ...NODE_KEYS[nodeType]]);
  for (const key of Object.keys(node)) {
    if (!allowed.has(key)) add(`unknown field "${key}" for a ${nodeType} node`);
  }
  fieldProblems(nodeType, node, add);

  const edges: Array<[string, string]> = [];
  let followable = idOk;
  const edge = (label: string, target: unknown) => {
    if (isText(target)) edges.push([label, target]);
    else {
      add(`${label} must name a node id`);
      followable = false;
    }
  };
  if (nodeType === 'branch') {
    if (Array.isArray(node.rules)) {
      node.rules.forEach((rule: unknown, i) => {
        const next = (rule as Record<string, unknown> | null)?.next;
        if (isText(next)) edges.push([`rule ${i + 1} next`, next]);
        else followable = false; // reported by branchProblems
      });
    } else followable = false;
    if (node.default === undefined) {
      add('a branch needs a default (every branch covered): where records no rule matches go');
      followable = false;
    } else edge('default', node.default);
  } else if (nodeType !== 'end') {
    edge('next', node.next);
  }
  return followable ? { id: node.id as string, type: nodeType, edges } : undefined;
}

function fieldProblems(type: NodeType, n: Record<string, unknown>, add: (p: string) => void) {
  const need = (key: string, ok: (v: unknown) => boolean, what: string) => {
    if (n[key] === undefined) add(`${key} is required (${what})`);
    else if (!ok(n[key])) add(`${key} must be ${what}`);
  };
  const may = (key: string, ok: (v: unknown) => boolean, what: string) => {
    if (n[key] !== undefined && !ok(n[key])) add(`${key} must be ${what}`);
  };
  const numericId = (v: unknown) => typeof v === 'string' && NUMERIC_ID.test(v);
  const robot = 'a numeric string such as "4496" (quoted in YAML)';
  /** What a call node and a pds node both take: redials and the caller id. */
  const dialFields = () => {
    may('redial_times', (v) => isInt(v, 0, 10), 'an integer from 0 to 10');
    may('redial_interval', (v) => isInt(v, 0, 10_080), 'whole minutes from 0 to 10080');
    may(
      'caller_number',
      (v) => typeof v === 'string' && E164.test(v),
      'E.164, e.g. +6281234567890',
    );
  };
  switch (type) {
    case 'call':
      need('robot_id', numericId, robot);
      dialFields();
      break;
    case 'pds':
      need('group_name', isText, 'the name of a skill group of the app');
      may('robot_id', numericId, robot);
      may(
        'dialing_mode',
        (v) => v === 'preview' || v === 'progressive' || v === 'predictive',
        'one of preview, progressive, predictive',
      );
      may(
        'max_lost_rate',
        (v) => typeof v === 'number' && v > 0 && v <= 100,
        'a percentage above 0, at most 100',
      );
      may('acw_time', (v) => isInt(v, 0, 3600), 'whole seconds from 0 to 3600');
      dialFields();
      break;
    case 'waba':
      need('channel_id', isText, 'the WABA channel_id, a non-empty string');
      need('template_id', (v) => isInt(v, 1, Number.MAX_SAFE_INTEGER), 'a positive integer');
      may('robot_id', numericId, robot);
      may('variables', isTextMap, 'a map of names to strings');
      may('timeout_minutes', (v) => isInt(v, 1, 43_200), 'whole minutes from 1 to 43200');
      break;
    case 'sms':
      need('from', isText, 'the SMS sender, a non-empty string');
      need('message', isText, 'a non-empty string');
      break;
    case 'api':
      need('url', isHttpUrl, 'an absolute http(s) URL');
      break;
    case 'wait':
      if ((n.minutes === undefined) === (n.until === undefined))
        add('a wait needs exactly one of minutes (a duration) or until ("HH:MM")');
      may('minutes', (v) => isInt(v, 1, 525_600), 'whole minutes from 1 to 525600');
      may(
        'until',
        (v) => typeof v === 'string' && TIME_OF_DAY.test(v),
        'a time of day "HH:MM", 00:00 to 23:59',
      );
      break;
    case 'branch':
      branchProblems(n.rules, add);
      break;
    default:
  }
}

function branchProblems(rules: unknown, add: (p: string) => void) {
  if (!Array.isArray(rules) || rules.length === 0) {
    add('rules must be a non-empty list of {when, next}');
    return;
  }
  rules.forEach((rule: unknown, i) => {
    const where = `rule ${i + 1}`;
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      add(`${where} must be an object {when, next}`);
      return;
    }
    const r = rule as Record<string, unknown>;
    for (const key of Object.keys(r)) {
      if (key !== 'when' && key !== 'next') add(`${where}: unknown field "${key}"`);
    }
    if (!isText(r.next)) add(`${where}: next must name a node id`);
    if (!Array.isArray(r.when) || r.when.length === 0) {
      add(`${where}: when must be a non-empty list of conditions {field, op, value}`);
      return;
    }
    r.when.forEach((c: unknown, j) => {
      for (const p of conditionProblems(`${where} condition ${j + 1}`, c)) add(p);
    });
  });
}

function optional(
  graph: Record<string, unknown>,
  key: string,
  ok: (v: unknown) => boolean,
  what: string,
  problems: string[],
) {
  if (graph[key] !== undefined && !ok(graph[key])) problems.push(`${key} ${what}`);
}

/** A string PostgreSQL can store (no NUL, no lone surrogate); non-empty unless `empty`. */
function isText(v: unknown, empty = false): v is string {
  return (
    typeof v === 'string' &&
    (empty || v.trim() !== '') &&
    !v.includes('\u0000') &&
    v.isWellFormed() &&
    v.length <= 4096
  );
}

/**
 * Strings PostgreSQL cannot keep in jsonb (a NUL, an unpaired surrogate) anywhere in the graph,
 * condition values included: refused here, not as a failed insert. Walked iteratively.
 */
function unstorableText(root: unknown): string | undefined {
  const stack: unknown[] = [root];
  let seen = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    if (++seen > 100_000) return 'the template is too large';
    const texts = typeof value === 'string' ? [value] : [];
    if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        texts.push(key);
        stack.push(child);
      }
    }
    if (texts.some((t) => t.includes('\u0000') || !t.isWellFormed()))
      return 'strings may not contain the NUL character or unpaired surrogates';
  }
  return undefined;
}

const isInt = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function isTextMap(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(([key, value]) => isText(key) && isText(value, true));
}

function isHttpUrl(v: unknown): boolean {
  if (!isText(v)) return false;
  try {
    const url = new URL(v);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
