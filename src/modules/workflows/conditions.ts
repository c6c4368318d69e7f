import type { RecordAttributes, RecordFacts } from './facts.ts';
import type { BranchNode, Condition } from './graph.ts';

// Branch conditions over a record (graph.ts, Condition): a path into its facts or attributes, an
// operator, a value. Pure, so a branch decides the same way on every re-run.

export interface BranchSubject {
  callee: string;
  case_id: string;
  attributes: RecordAttributes;
  facts: RecordFacts;
}

/** The value at a condition's path, or undefined when the record has none there. */
export function factAt(subject: BranchSubject, path: string): unknown {
  const [root = '', ...rest] = path.split('.');
  let value: unknown;
  switch (root) {
    case 'call':
      value = subject.facts.call;
      break;
    case 'waba':
      value = subject.facts.waba;
      break;
    case 'chatbot':
      value = subject.facts.chatbot;
      break;
    case 'sms':
      value = subject.facts.sms;
      break;
    case 'record':
      value = { ...subject.attributes, callee: subject.callee, case_id: subject.case_id };
      break;
    default:
      return undefined;
  }
  for (const key of rest) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const comparable = (value: unknown): number | string | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
};

/** Loose equality the way a template author means it: "1" equals 1, "true" equals true. */
const same = (a: unknown, b: unknown) =>
  a === b || (a !== undefined && a !== null && b !== undefined && String(a) === String(b));

export function holds(subject: BranchSubject, condition: Condition): boolean {
  const actual = factAt(subject, condition.field);
  const expected = condition.value;
  const present = actual !== undefined && actual !== null && actual !== '';
  switch (condition.op) {
    case 'exists':
      return present;
    case 'missing':
      return !present;
    case 'eq':
      return same(actual, expected);
    case 'ne':
      return !same(actual, expected);
    case 'in':
      return Array.isArray(expected) && expected.some((v) => same(actual, v));
    case 'not_in':
      return Array.isArray(expected) && !expected.some((v) => same(actual, v));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((v) => same(v, expected));
      if (actual && typeof actual === 'object') return String(expected) in actual;
      return typeof actual === 'string' && actual.includes(String(expected));
    default: {
      // gt/gte/lt/lte: numbers as numbers, dates (YYYY-MM-DD...) as text, which orders them.
      const a = comparable(actual);
      const b = comparable(expected);
      if (a === undefined || b === undefined || typeof a !== typeof b) return false;
      if (condition.op === 'gt') return a > b;
      if (condition.op === 'gte') return a >= b;
      if (condition.op === 'lt') return a < b;
      return a <= b;
    }
  }
}

/** The branch's next node for a record, and which rule chose it (-1: the default). */
export function chooseBranch(
  node: BranchNode,
  subject: BranchSubject,
): { next: string; rule: number } {
  const rule = node.rules.findIndex((r) => r.when.every((c) => holds(subject, c)));
  return rule === -1 ? { next: node.default, rule } : { next: node.rules[rule]!.next, rule };
}
