import { AppError, type ErrorKey } from '../../../shared/errors.ts';
import { dateTimeProblem, parseDateTime } from '../../../shared/time.ts';
import { absent, readNumber, readText, readYesNo, refuse } from './pds-fields.ts';
import {
  TASK_TIME_COLUMNS,
  type DetailFilter,
  type TaskListFilter,
  type TaskTimeField,
} from './pds-tasks.repository.ts';
import { readState, statusesOf } from './pds-states.ts';

// The filters of querytasklist (errors 10606) and querytaskdetail (10607), both answering 10705
// for a limit over the maximum (docs/pds-api.md).

export const MAX_LIST_LIMIT = 1_000;
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_DETAIL_LIMIT = 50_000;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** `YYYY-MM-DD HH:MM:SS` in the app's zone (or with an offset), or ISO 8601 with its zone. */
function readTime(key: ErrorKey, field: string, value: unknown, zone: string): Date | undefined {
  if (absent(value)) return undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  const date = ISO.test(text) ? new Date(text) : parseDateTime(text, zone);
  // The years parseDateTime allows: outside them the store refuses the bound (a 500, not a 10607).
  const year = date?.getUTCFullYear() ?? NaN;
  if (!date || Number.isNaN(date.getTime()) || year < 1970 || year > 9998)
    throw refuse(key, field, value, dateTimeProblem(text) ?? 'not a date and time');
  return date;
}

function readLimit(key: ErrorKey, value: unknown, max: number, fallback: number): number {
  if (absent(value)) return fallback;
  const n = readNumber(key, 'limit', value, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
  });
  if (n > max) throw new AppError('query_limit_exceeded', `limit ${n}: at most ${max}`);
  return n;
}

function readTimeField(field: string, value: unknown, fallback: TaskTimeField): TaskTimeField {
  if (absent(value)) return fallback;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  const found = (Object.keys(TASK_TIME_COLUMNS) as TaskTimeField[]).find(
    (f) => f.toLowerCase() === text,
  );
  if (!found)
    throw refuse('task_query_invalid', field, value, Object.keys(TASK_TIME_COLUMNS).join(' | '));
  return found;
}

/** querytasklist's filters; `empty` when the state filter can match nothing (Creating). */
export function readTaskListQuery(
  body: Record<string, unknown>,
  zone: string,
): TaskListFilter & { empty: boolean } {
  const key = 'task_query_invalid';
  const from = readTime(key, 'minstarttime', body.minstarttime, zone);
  const to = readTime(key, 'maxstarttime', body.maxstarttime, zone);
  let statuses: TaskListFilter['statuses'];
  if (!absent(body.state)) {
    const state = typeof body.state === 'string' ? readState(body.state) : undefined;
    if (!state)
      throw refuse(
        key,
        'state',
        body.state,
        'Creating, Not Started, Running, Paused, Cancelled or Finished',
      );
    statuses = statusesOf(state);
  }
  return {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    filterTime: readTimeField('filterTime', body.filterTime, 'startTime'),
    orderBy: readTimeField('orderBy', body.orderBy, 'CreatedAt'),
    ...(absent(body.taskName) ? {} : { taskName: readText(key, 'taskName', body.taskName, 200) }),
    ...(statuses ? { statuses } : {}),
    limit: readLimit(key, body.limit, MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT),
    empty: statuses !== undefined && statuses.length === 0,
  };
}

const LIKE_FIELDS = { callid: 'callIdLike', phonenumber: 'numberLike' } as const;

/** querytaskdetail's filters and whether to add each call's customerInfo. */
export function readDetailQuery(
  body: Record<string, unknown>,
  zone: string,
): DetailFilter & { needCustomerInfo: boolean } {
  const key = 'detail_query_invalid';
  if (!absent(body.orderBy) && String(body.orderBy).trim().toLowerCase() !== 'calltime')
    throw refuse(key, 'orderBy', body.orderBy, 'calltime (the only order)');
  const from = readTime(key, 'minstarttime', body.minstarttime, zone);
  const to = readTime(key, 'maxstarttime', body.maxstarttime, zone);
  const filter: DetailFilter & { needCustomerInfo: boolean } = {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    callIdLike: [],
    numberLike: [],
    offset: absent(body.offset)
      ? 0
      : readNumber(key, 'offset', body.offset, { min: 0, max: 1e9, integer: true }),
    limit: readLimit(key, body.limit, MAX_DETAIL_LIMIT, MAX_DETAIL_LIMIT),
    needCustomerInfo: absent(body.needCustomerInfo)
      ? false
      : readYesNo(key, 'needCustomerInfo', body.needCustomerInfo),
  };
  const likes = absent(body.like) ? [] : Array.isArray(body.like) ? body.like : [body.like];
  for (const item of likes) {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<
      string,
      unknown
    >;
    const get = (name: string) =>
      Object.entries(entry).find(([k]) => k.toLowerCase() === name)?.[1];
    const field = String(get('field') ?? '').toLowerCase() as keyof typeof LIKE_FIELDS;
    const pattern = get('pattern');
    if (!(field in LIKE_FIELDS) || typeof pattern !== 'string' || pattern.length > 100)
      throw refuse(
        key,
        'like',
        item,
        '{field: "callid" or "phoneNumber", pattern: a LIKE pattern}',
      );
    filter[LIKE_FIELDS[field]].push(pattern);
  }
  return filter;
}
