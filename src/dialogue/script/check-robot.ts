import { Value } from 'typebox/value';
import { RobotDefinition, RobotNode } from './robot-script.ts';
import { choiceProblems } from './choices.ts';
import { variableProblems } from './variables.ts';

const NODE_ID = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * Every problem of a robot definition, as `path: message` lines; empty means valid. Shape errors
 * first (per node, against that node type's schema, so the messages name one field), then the
 * graph: references resolve, every node is reachable, every path can end.
 */
export function checkRobot(input: unknown): string[] {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return ['robot: must be an object'];
  const raw = input as Record<string, unknown>;
  const nodes = raw.nodes;
  if (typeof nodes === 'object' && nodes !== null && !Array.isArray(nodes)) {
    for (const [id, node] of Object.entries(nodes)) {
      if (!NODE_ID.test(id))
        problems.push(`nodes.${id}: node ids are letters, digits and _, starting with a letter`);
      problems.push(...nodeShapeProblems(id, node));
    }
  }
  const nodeless = { ...raw, nodes: {} };
  for (const e of Value.Errors(RobotDefinition, nodeless)) {
    if (e.keyword === 'boolean') continue; // repeats an additionalProperties error
    problems.push(`${pathOf(e.instancePath) || 'robot'}: ${e.message}`);
  }
  if (problems.length > 0) return problems;
  return graphProblems(input as RobotDefinition);
}

function nodeShapeProblems(id: string, node: unknown): string[] {
  const type = (node as { type?: unknown } | null)?.type;
  const variant = RobotNode.anyOf.find((s) => s.properties.type.const === type);
  if (!variant) return [`nodes.${id}.type: must be one of say, ask, collect, verify, handoff, end`];
  return [...Value.Errors(variant, node)]
    .filter((e) => e.keyword !== 'boolean')
    .map(
      (e) =>
        `nodes.${id}${pathOf(e.instancePath) ? `.${pathOf(e.instancePath)}` : ''}: ${e.message}`,
    );
}

function pathOf(instancePath: string): string {
  return instancePath.split('/').filter(Boolean).join('.');
}

/** Where each node can go next. */
export function successors(node: RobotNode): string[] {
  switch (node.type) {
    case 'say':
    case 'handoff':
      return [node.next];
    case 'ask':
      return Object.values(node.next);
    case 'collect':
      return [node.next, ...Object.values(node.on_intent ?? {})];
    case 'verify':
      return [node.next, ...(node.next_mismatch ? [node.next_mismatch] : [])];
    case 'end':
      return [];
  }
}

function graphProblems(robot: RobotDefinition): string[] {
  const problems: string[] = [];
  const ids = new Set(Object.keys(robot.nodes));
  if (!ids.has(robot.start)) problems.push(`start: no node "${robot.start}"`);
  for (const [id, node] of Object.entries(robot.nodes)) {
    for (const target of successors(node)) {
      if (!ids.has(target)) problems.push(`nodes.${id}: goes to "${target}", which is not a node`);
    }
    if (node.type === 'ask') {
      for (const intent of Object.keys(node.intents)) {
        if (!(intent in node.next))
          problems.push(`nodes.${id}.next: no branch for intent "${intent}"`);
      }
      for (const key of Object.keys(node.next)) {
        if (key !== 'no_match' && !(key in node.intents))
          problems.push(`nodes.${id}.next.${key}: not an intent of the node`);
      }
      for (const key of Object.keys(node.labels ?? {})) {
        if (!(key in node.intents))
          problems.push(`nodes.${id}.labels.${key}: not an intent of the node`);
      }
      problems.push(...choiceProblems(id, node));
    }
    if (node.type === 'collect') {
      for (const key of Object.keys(node.on_intent ?? {})) {
        if (!(key in (node.intents ?? {})))
          problems.push(`nodes.${id}.on_intent.${key}: not an intent of the node`);
      }
      for (const key of Object.keys(node.intents ?? {})) {
        if (!(key in (node.on_intent ?? {})))
          problems.push(`nodes.${id}.on_intent: no branch for intent "${key}"`);
      }
    }
    if (node.type === 'end' && node.labels?.Opt_Out !== undefined && !node.say_when_not_listed)
      problems.push(
        `nodes.${id}.say_when_not_listed: required on an Opt_Out end node, for apps that do not list verbal opt-outs (docs/dnc.md)`,
      );
  }
  if (robot.handoff) {
    const target = robot.nodes[robot.handoff.node];
    if (!target) problems.push(`handoff.node: no node "${robot.handoff.node}"`);
    else if (target.type !== 'handoff')
      problems.push(
        `handoff.node: "${robot.handoff.node}" is a ${target.type} node, not a handoff node`,
      );
  }
  problems.push(...variableProblems(robot));
  if (problems.length > 0) return problems;

  const reachable = walk(robot, robot.start);
  for (const id of ids) {
    if (!reachable.has(id)) problems.push(`nodes.${id}: cannot be reached from start`);
    else if (![...walk(robot, id)].some((n) => robot.nodes[n]?.type === 'end')) {
      problems.push(`nodes.${id}: no path from it reaches an end node`);
    }
  }
  const letters = [
    ...Object.values(robot.outcomes).map((l) => l.intention),
    ...Object.values(robot.nodes).flatMap((n) => (n.type === 'end' ? [n.intention] : [])),
  ];
  for (const letter of new Set(letters)) {
    if (!(letter in robot.intentions))
      problems.push(`intentions: letter ${letter} is used but not described`);
  }
  return problems;
}

/** Whether a node waits for an answer (and so can hear a request for a person). */
export function isQuestion(node: RobotNode): boolean {
  return node.type === 'ask' || node.type === 'collect' || node.type === 'verify';
}

function walk(robot: RobotDefinition, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = robot.nodes[id];
    if (!node) continue;
    todo.push(...successors(node));
    // Every question can hand over on a request for a person.
    if (robot.handoff && isQuestion(node)) todo.push(robot.handoff.node);
  }
  return seen;
}
