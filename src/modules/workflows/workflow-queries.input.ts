import { AppError } from '../../shared/errors.ts';
import { toE164 } from '../../shared/phone.ts';
import { dateTimeProblem, parseDateTime } from '../../shared/time.ts';
import type { BatchSummary } from '../messaging/batch-views.ts';

// How the workflow queries read their input (pages, numbers, times) and derive the few values
// the tables do not hold (a batch's status, the chatbot session of a template message).

export function paging(query: { page?: number; page_size?: number }) {
  const page = query.page ?? 1;
  const size = query.page_size ?? 20;
  return { offset: (page - 1) * size, limit: size };
}

export function e164(field: string, text: string): string {
  const number = toE164(text);
  if (!number) throw new AppError('bad_request', `${field} "${text}" is not a phone number`);
  return number;
}

export function numberFilter(query: { callee?: string; case_id?: string }) {
  return {
    ...(query.callee !== undefined ? { callee: e164('callee', query.callee) } : {}),
    ...(query.case_id !== undefined ? { caseId: query.case_id } : {}),
  };
}

export function timeOf(field: string, text: string, zone: string): Date {
  const date = parseDateTime(text, zone);
  if (!date) throw new AppError('bad_request', `${field} "${text}" ${dateTimeProblem(text)}`);
  return date;
}

export function timeBound<K extends string>(
  field: string,
  text: string | undefined,
  zone: string,
  key: K,
): Partial<Record<K, Date>> {
  return text === undefined ? {} : ({ [key]: timeOf(field, text, zone) } as Record<K, Date>);
}

/** A batch is running while a message waits to be sent. */
export function batchStatus(batch: BatchSummary | undefined): 'Running' | 'Finished' | undefined {
  if (!batch) return undefined;
  return batch.pending > 0 ? 'Running' : 'Finished';
}

/** The chatbot session a template message started, from the record's latest session fact. */
export function chatbotCallOf(
  chatbot: Record<string, unknown> | undefined,
  batchId: string,
  messageId: string,
): string {
  if (!chatbot || typeof chatbot['call_id'] !== 'string') return '';
  const msg = chatbot['template_msg_id'];
  const matches =
    typeof msg === 'string' && msg !== '' ? msg === messageId : chatbot['waba_task_id'] === batchId;
  return matches ? chatbot['call_id'] : '';
}
