import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { toE164 } from '../../shared/phone.ts';
import type { RecordAttributes } from './facts.ts';
import type { NewRecord } from './workflows.repository.ts';
import { MAX_RECORDS_PER_WORKFLOW, type Detail } from './workflows.schema.ts';

// A list's records as the client sends them (spec §3 details[]), checked whole before anything
// is written: a bad number or a repeated (case_id, callee) refuses the request, naming the row.

/** A text field as text: integrators send case ids and amounts as numbers too. */
export const asText = (value: unknown): string =>
  value === undefined || value === null ? '' : String(value);

export function checkCapacity(existing: number, adding: number): void {
  if (existing + adding > MAX_RECORDS_PER_WORKFLOW) {
    throw new AppError(
      'workflow_too_many_records',
      `${existing} + ${adding} records would exceed ${MAX_RECORDS_PER_WORKFLOW.toLocaleString('en')}`,
    );
  }
}

/** The number in E.164, or invalid_phone naming where it is. */
export function recordCallee(text: string, where: string): string {
  const trimmed = text.trim();
  const number = toE164(trimmed.startsWith('+') ? trimmed : `+${trimmed}`);
  if (!number) throw new AppError('invalid_phone', `${where}: "${text}"`);
  return number;
}

const withoutKeys = (object: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));

/** The attributes a record keeps: everything but its key fields, texts as texts. */
export function attributesOf(detail: Record<string, unknown>): RecordAttributes {
  const rest = withoutKeys(detail, ['callee', 'case_id']);
  const variables = rest['variables'] as Record<string, unknown> | undefined;
  return {
    ...rest,
    ...(variables
      ? { variables: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, asText(v)])) }
      : {}),
  };
}

/** New records from details, numbered from `firstSeq`; refuses a (case_id, callee) given twice. */
export function newRecords(details: readonly Detail[], firstSeq: number): NewRecord[] {
  const seen = new Set<string>();
  return details.map((detail, i) => {
    const callee = recordCallee(detail.callee, `details[${i}].callee`);
    const caseId = asText(detail.case_id);
    const key = `${caseId}\u0000${callee}`;
    if (seen.has(key)) {
      throw new AppError(
        'duplicate_callee',
        `details[${i}]: case_id "${caseId}" and callee ${callee} are already in the list`,
      );
    }
    seen.add(key);
    return {
      id: newId(),
      seq: firstSeq + i,
      case_id: caseId,
      callee,
      attributes: attributesOf(detail as Record<string, unknown>),
    };
  });
}

/** A record's attributes after an update: variables and custom_attribute merge key by key. */
export function mergedAttributes(
  current: RecordAttributes,
  patch: Record<string, unknown>,
): RecordAttributes {
  const next = attributesOf(withoutKeys(patch, ['workflow_id', 'callee', 'case_id']));
  return {
    ...current,
    ...next,
    ...(next.variables ? { variables: { ...current.variables, ...next.variables } } : {}),
    ...(next.custom_attribute
      ? { custom_attribute: { ...current.custom_attribute, ...next.custom_attribute } }
      : {}),
  };
}
