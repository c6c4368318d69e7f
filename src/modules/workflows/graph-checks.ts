import type { WorkflowNode } from './graph.ts';

// The checks of a graph as a whole, once each node's own fields are known good enough to follow
// its edges: one start, an end, no dangling edge, every node reachable and able to finish, and no
// loop a record could spin in without pause (a cycle must hold a wait node).

/** A node as far as its edges go: `edges` are [label, target] pairs. */
export interface EdgeNode {
  id: string;
  type: WorkflowNode['type'];
  edges: Array<[string, string]>;
}

export function graphProblems(nodes: EdgeNode[]): string[] {
  const problems: string[] = [];
  const byId = new Map<string, EdgeNode>();
  for (const node of nodes) {
    if (byId.has(node.id)) problems.push(`node ${node.id}: the id is used by another node`);
    else byId.set(node.id, node);
  }
  const starts = nodes.filter((n) => n.type === 'start');
  if (starts.length === 0) problems.push('the graph has no start node');
  if (starts.length > 1)
    problems.push(`the graph has ${starts.length} start nodes (${ids(starts)}), it needs one`);
  if (!nodes.some((n) => n.type === 'end')) problems.push('the graph has no end node');

  for (const node of byId.values()) {
    for (const [label, target] of node.edges) {
      if (!byId.has(target))
        problems.push(`node ${node.id}: ${label} "${target}" is not a node of the graph`);
      else if (byId.get(target)!.type === 'start')
        problems.push(`node ${node.id}: ${label} leads back to the start node "${target}"`);
    }
  }
  if (problems.length > 0) return problems; // the walks below need a sound skeleton

  const next = (id: string) => byId.get(id)!.edges.map(([, target]) => target);
  const reached = walk([starts[0]!.id], next);
  for (const id of byId.keys()) {
    if (!reached.has(id)) problems.push(`node ${id}: not reachable from the start`);
  }

  const previous = new Map<string, string[]>([...byId.keys()].map((id) => [id, []]));
  for (const node of byId.values()) {
    for (const [, target] of node.edges) previous.get(target)!.push(node.id);
  }
  const ends = [...byId.values()].filter((n) => n.type === 'end').map((n) => n.id);
  const finishing = walk(ends, (id) => previous.get(id)!);
  for (const id of byId.keys()) {
    if (reached.has(id) && !finishing.has(id))
      problems.push(`node ${id}: no path from it reaches an end node`);
  }

  // Without its wait nodes the graph must be acyclic: any loop left is one a record could spin
  // in without pause (a loop through a wait elsewhere does not excuse it).
  const isWait = (id: string) => byId.get(id)!.type === 'wait';
  const notWaits = [...byId.keys()].filter((id) => !isWait(id));
  for (const cycle of cycles(notWaits, (id) => next(id).filter((t) => !isWait(t)))) {
    problems.push(
      `nodes ${cycle.join(', ')}: a cycle without a wait node (records would loop without pause)`,
    );
  }
  return problems;
}

const ids = (nodes: EdgeNode[]) => nodes.map((n) => n.id).join(', ');

function walk(from: string[], next: (id: string) => string[]): Set<string> {
  const seen = new Set(from);
  const stack = [...from];
  while (stack.length > 0) {
    for (const target of next(stack.pop()!)) {
      if (!seen.has(target)) {
        seen.add(target);
        stack.push(target);
      }
    }
  }
  return seen;
}

/**
 * The strongly connected components that hold a cycle (more than one node, or a node that leads
 * to itself), by Tarjan's algorithm, iteratively so that a long chain cannot overflow the stack.
 */
export function cycles(nodes: string[], next: (id: string) => string[]): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; edges: string[]; i: number }> = [];
    const open = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter += 1;
      stack.push(id);
      onStack.add(id);
      work.push({ id, edges: next(id), i: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.i < frame.edges.length) {
        const target = frame.edges[frame.i++]!;
        if (!index.has(target)) open(target);
        else if (onStack.has(target))
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(target)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) !== index.get(frame.id)) continue;
      const component: string[] = [];
      let id: string;
      do {
        id = stack.pop()!;
        onStack.delete(id);
        component.push(id);
      } while (id !== frame.id);
      if (component.length > 1 || next(frame.id).includes(frame.id))
        found.push(component.reverse());
    }
  }
  return found;
}
