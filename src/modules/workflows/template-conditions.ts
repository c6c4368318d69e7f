import type { Operator } from './graph.ts';

// The checks of a branch rule's conditions (graph.ts, Condition): the fact paths a branch may read
// and the value each operator takes. A condition that cannot match by construction (a typo in a
// path, `in` with a single value) is refused at import, not found out when records go the wrong way.

const EXACT_FIELDS = new Set([
  'call.connected',
  'call.intention',
  'call.hangup_type',
  'call.end_reason',
  'call.asr_ptp',
  'waba.status',
  'waba.replied',
  'chatbot.intention',
  'chatbot.session_end_reason',
  'sms.status',
]);

/** Paths with a name after them: `call.multi_label.<label>` and the like. */
const PREFIX_FIELDS = [
  'call.multi_label.',
  'call.ner_slots.',
  'chatbot.ner_slots.',
  'chatbot.event_label.',
  'record.',
];

/** Facts that are true or false: a string "false" would never equal them. */
const BOOLEAN_FIELDS = new Set(['call.connected', 'waba.replied']);

export const OPERATORS: readonly Operator[] = [
  'eq',
  'ne',
  'in',
  'not_in',
  'exists',
  'missing',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
];

const CONDITION_KEYS = new Set(['field', 'op', 'value']);
const DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/;

export function isConditionField(field: string): boolean {
  if (EXACT_FIELDS.has(field)) return true;
  return PREFIX_FIELDS.some((prefix) => field.startsWith(prefix) && field.length > prefix.length);
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

/** The problems of one condition, each prefixed with `where` (node and rule). */
export function conditionProblems(where: string, condition: unknown): string[] {
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) {
    return [`${where}: a condition must be an object {field, op, value}`];
  }
  const c = condition as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(c)) {
    if (!CONDITION_KEYS.has(key)) problems.push(`${where}: unknown condition field "${key}"`);
  }
  const { field, op, value } = c;
  if (typeof field !== 'string' || !isConditionField(field)) {
    problems.push(
      `${where}: field ${JSON.stringify(field ?? null)} is not a fact a branch can read ` +
        '(call.*, waba.*, chatbot.*, sms.*, record.*; see docs/workflows.md)',
    );
  }
  if (typeof op !== 'string' || !OPERATORS.includes(op as Operator)) {
    problems.push(
      `${where}: op ${JSON.stringify(op ?? null)} is not one of ${OPERATORS.join(', ')}`,
    );
    return problems;
  }
  const valueProblem = operatorValueProblem(op as Operator, value, 'value' in c);
  if (valueProblem) problems.push(`${where}: ${op} ${valueProblem}`);
  else if (
    typeof field === 'string' &&
    BOOLEAN_FIELDS.has(field) &&
    (op === 'eq' || op === 'ne') &&
    typeof value !== 'boolean'
  ) {
    problems.push(`${where}: ${field} is true or false, so its value must be a boolean`);
  }
  return problems;
}

function operatorValueProblem(op: Operator, value: unknown, given: boolean): string | undefined {
  switch (op) {
    case 'exists':
    case 'missing':
      return given ? 'takes no value' : undefined;
    case 'in':
    case 'not_in':
      return Array.isArray(value) && value.length > 0 && value.every(isScalar)
        ? undefined
        : 'needs a non-empty list of strings, numbers or booleans as value';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && DATE.test(value))
        ? undefined
        : 'needs a number or a date ("YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS") as value';
    case 'contains':
      return typeof value === 'string' && value !== '' ? undefined : 'needs a non-empty string';
    case 'eq':
    case 'ne':
      return isScalar(value) ? undefined : 'needs a string, number or boolean as value';
  }
}

/** A condition as people read it: `call.intention in [A, B]`, `call.connected eq false`. */
export function conditionText(c: { field: string; op: Operator; value?: unknown }): string {
  if (c.value === undefined) return `${c.field} ${c.op}`;
  const shown = Array.isArray(c.value) ? `[${c.value.map(String).join(', ')}]` : String(c.value);
  return `${c.field} ${c.op} ${shown}`;
}
