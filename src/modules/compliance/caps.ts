// Contact caps: how many attempts one number, and one case, may receive per local day and per
// rolling 7 days, counted over every task of the app and every channel (the contact ledger).
// Configured per app in apps.contact_caps (jsonb, null = DEFAULT_CAPS).
import { addDays, localMoment, startOfLocalDay } from '../../shared/zoned-time.ts';
import type { Queryable } from '../../store/db.ts';
import { contactHistory, type ContactHistoryRow } from './ledger.repository.ts';

/** A limit of null means "no cap" for that period. */
export interface CapLimits {
  day: number | null;
  rolling_7_days: number | null;
}

export interface ContactCaps {
  per_number: CapLimits;
  per_case: CapLimits;
}

/** task_day: a plan round's own attempts per day (tasks.attempts_per_day), per number. */
export type CapName = 'number_day' | 'number_7d' | 'case_day' | 'case_7d' | 'task_day';

// Seven in seven days echoes Regulation F's call-frequency presumption (12 CFR 1006.14(b)(2)),
// which is per debt; three a day keeps a day's redials from spending the week's budget.
export const DEFAULT_CAPS: ContactCaps = {
  per_number: { day: 3, rolling_7_days: 7 },
  per_case: { day: 3, rolling_7_days: 7 },
};

/** The rolling cap's window: 168 hours. */
export const WEEK_MS = 7 * 86_400_000;

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const isCapLimit = (n: number) => Number.isInteger(n) && n >= 1 && n <= 1000;

/** Validates apps.contact_caps; absent keys take the default, null disables a cap. */
export function parseCaps(value: unknown): Parsed<ContactCaps> {
  if (value === null || value === undefined) return { ok: true, value: DEFAULT_CAPS };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'contact_caps must be an object' };
  }
  const out = structuredClone(DEFAULT_CAPS);
  for (const [scope, limits] of Object.entries(value)) {
    if (scope !== 'per_number' && scope !== 'per_case') {
      return { ok: false, error: `contact_caps.${scope} is not per_number or per_case` };
    }
    if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
      return { ok: false, error: `contact_caps.${scope} must be an object` };
    }
    for (const [period, limit] of Object.entries(limits)) {
      if (period !== 'day' && period !== 'rolling_7_days') {
        return { ok: false, error: `contact_caps.${scope}.${period} is not day or rolling_7_days` };
      }
      if (limit !== null && !(typeof limit === 'number' && isCapLimit(limit))) {
        return { ok: false, error: `contact_caps.${scope}.${period} must be 1-1000 or null` };
      }
      out[scope][period] = limit;
    }
  }
  return { ok: true, value: out };
}

/** What the ledger says of one contact (ledger.repository.ts), with the callee's day around now. */
export type AttemptCounts = Omit<ContactHistoryRow, 'listed'> & {
  /** The callee's local midnight that began today, and the next one. */
  day_start: Date;
  next_day_start: Date;
};

export interface CountInput {
  number: string;
  caseId: string;
  zone: string;
  now: Date;
  taskId?: string;
}

/**
 * Counts the attempts that reached (or are reaching) a number and a case, across all tasks of
 * the app and every channel: the allowed rows of the contact ledger, except those void by our
 * own failure (a call `interrupted`); numbers that ended never dialled have no allowed row.
 * "Day" is the callee's local calendar day in `zone`; "7 days" is the last 168 hours. Attempts
 * dated after `now` (another worker's clock running ahead) count too. Run it inside the claim
 * transaction, after lockContacts, so that concurrent claims see each other's attempts.
 */
export async function countAttempts(
  q: Queryable,
  appId: number,
  input: CountInput,
): Promise<AttemptCounts> {
  const [counts] = await countAttemptsMany(q, appId, [input]);
  return counts!;
}

/** countAttempts for many contacts in one statement (a dial claim's batch); results in order. */
export async function countAttemptsMany(
  q: Queryable,
  appId: number,
  inputs: readonly CountInput[],
): Promise<AttemptCounts[]> {
  return (await contactStates(q, appId, inputs)).map(({ listed: _listed, ...counts }) => counts);
}

/** The counts of countAttemptsMany and each number's do-not-call listing, in one statement. */
export async function contactStates(
  q: Queryable,
  appId: number,
  inputs: readonly CountInput[],
): Promise<Array<AttemptCounts & { listed: string | null }>> {
  if (inputs.length === 0) return [];
  const days = inputs.map((input) => {
    const today = localMoment(input.now, input.zone);
    return {
      start: startOfLocalDay(today, input.zone),
      next: startOfLocalDay(addDays(today, 1), input.zone),
    };
  });
  const rows = await contactHistory(
    q,
    appId,
    inputs.map((input, i) => ({
      number: input.number,
      caseId: input.caseId === '' ? null : input.caseId,
      dayStart: days[i]!.start,
      since: new Date(input.now.getTime() - WEEK_MS),
      taskId: input.taskId ?? null,
    })),
  );
  return rows.map((row, i) => ({
    ...row,
    day_start: days[i]!.start,
    next_day_start: days[i]!.next,
  }));
}

export interface CapDecision {
  allowed: boolean;
  /** The cap that keeps the contact waiting longest (all exceeded ones are in `exceededAll`). */
  exceeded?: CapName;
  exceededAll?: CapName[];
  /** When the caps next allow an attempt, if no other attempt is made meanwhile. */
  nextOpen?: Date;
}

/** Whether one more attempt stays within every cap; an attempt is allowed while count < limit. */
export function evaluateCaps(
  caps: ContactCaps,
  counts: AttemptCounts,
  taskPerDay: number | null = null,
): CapDecision {
  // The rolling cap frees up when enough of the counted attempts are older than 7 days.
  const rollingOpen = (starts: number[], limit: number) =>
    new Date((starts[Math.max(0, starts.length - limit)] ?? 0) + WEEK_MS);
  const checks: Array<[CapName, number | null, number, () => Date]> = [
    ['number_day', caps.per_number.day, counts.number_day, () => counts.next_day_start],
    [
      'number_7d',
      caps.per_number.rolling_7_days,
      counts.number_7d,
      () => rollingOpen(counts.number_starts, caps.per_number.rolling_7_days ?? 0),
    ],
    ['case_day', caps.per_case.day, counts.case_day, () => counts.next_day_start],
    [
      'case_7d',
      caps.per_case.rolling_7_days,
      counts.case_7d,
      () => rollingOpen(counts.case_starts, caps.per_case.rolling_7_days ?? 0),
    ],
    ['task_day', taskPerDay, counts.task_day, () => counts.next_day_start],
  ];
  let decision: CapDecision = { allowed: true };
  const exceededAll: CapName[] = [];
  for (const [name, limit, count, opensAt] of checks) {
    if (limit === null || count < limit) continue;
    exceededAll.push(name);
    const nextOpen = opensAt();
    if (!decision.nextOpen || nextOpen > decision.nextOpen) {
      decision = { allowed: false, exceeded: name, nextOpen };
    }
  }
  return exceededAll.length ? { ...decision, exceededAll } : decision;
}

/**
 * Serialises claims of the same number or case across tasks and workers until the transaction
 * ends, so two claims cannot both take the last attempt under a cap. Keys are taken in sorted
 * order, so two transactions locking overlapping sets cannot deadlock.
 */
export async function lockContacts(
  q: Queryable,
  appId: number,
  contacts: ReadonlyArray<{ number: string; caseId: string }>,
): Promise<void> {
  const keys = new Set<string>();
  for (const c of contacts) {
    keys.add(`tiller:caps:${appId}:n:${c.number}`);
    if (c.caseId !== '') keys.add(`tiller:caps:${appId}:c:${c.caseId}`);
  }
  if (keys.size === 0) return;
  // One statement; the sort makes the rows (and so the locks) come in key order.
  await q.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
     FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS sorted`,
    [[...keys].sort()],
  );
}
