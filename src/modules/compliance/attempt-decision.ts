// The decision behind every contact attempt, whatever asks for it: the calling window in the
// contact's zone(s) and the contact caps over the counts the ledger gave. Pure: the counts are
// read by the caller, in one statement for a whole batch.
import { resolveZone, type ZoneResolution } from '../../shared/callee-zone.ts';
import { buildAuditRecord, type ComplianceAudit } from './audit.ts';
import { evaluateWindowAcross } from './calling-window.ts';
import {
  DEFAULT_CAPS,
  evaluateCaps,
  parseCaps,
  type AttemptCounts,
  type CountInput,
} from './caps.ts';
import { resolveRules } from './window-rules.ts';

export interface AttemptContext {
  appId: number;
  /** E.164, as stored on the callee. */
  number: string;
  /** The callee's case_id ('' = none). */
  caseId: string;
  /** The contact's own `timezone` field, whatever was sent (ignored unless a valid zone). */
  contactZone: unknown;
  /** apps.timezone: the last resort for a number that cannot be placed. */
  appZone: string;
  /** apps.calling_windows and tasks.calling_windows as stored (null = none). */
  appWindows: unknown;
  taskWindows: unknown;
  /** apps.contact_caps as stored (null = DEFAULT_CAPS). */
  contactCaps: unknown;
  /** The task being claimed and its own attempts-per-day cap (a plan round's; null = none). */
  taskId?: string;
  taskAttemptsPerDay?: number | null;
  now: Date;
}

export interface AttemptCheck {
  allowed: boolean;
  /** When not allowed: the earliest instant worth trying again (undefined: no window opens). */
  nextOpen?: Date;
  audit: ComplianceAudit;
}

/** The attempts a batch has allowed so far, to add to the stored counts of the next contacts. */
export class BatchAttempts {
  readonly #made = new Map<string, number>();
  #count(key: string) {
    return this.#made.get(key) ?? 0;
  }
  record(ctx: AttemptContext) {
    for (const key of this.#keys(ctx)) if (key !== '') this.#made.set(key, this.#count(key) + 1);
  }
  addTo(ctx: AttemptContext, counts: AttemptCounts): AttemptCounts {
    const [byNumber, byCase, byTask] = this.#keys(ctx).map((key) => this.#count(key));
    if (!byNumber && !byCase) return counts;
    const at = ctx.now.getTime();
    return {
      ...counts,
      number_day: counts.number_day + byNumber!,
      number_7d: counts.number_7d + byNumber!,
      case_day: counts.case_day + byCase!,
      case_7d: counts.case_7d + byCase!,
      task_day: counts.task_day + byTask!,
      number_starts: [...counts.number_starts, ...Array<number>(byNumber!).fill(at)],
      case_starts: [...counts.case_starts, ...Array<number>(byCase!).fill(at)],
    };
  }
  #keys(ctx: AttemptContext): [string, string, string] {
    return [
      `n:${ctx.number}`,
      // No case: nothing is shared by case.
      ctx.caseId === '' ? '' : `c:${ctx.caseId}`,
      `t:${ctx.taskId ?? ''}:${ctx.number}`,
    ];
  }
}

/** Each contact's zone and what to count for it: the question the caps statement answers. */
export function countQuestions(ctxs: readonly AttemptContext[]): {
  zones: ZoneResolution[];
  inputs: CountInput[];
} {
  const zones = ctxs.map((ctx) => resolveZone(ctx.number, ctx.contactZone, ctx.appZone));
  const inputs = ctxs.map((ctx, i) => ({
    number: ctx.number,
    caseId: ctx.caseId,
    zone: zones[i]!.zone,
    now: ctx.now,
    ...(ctx.taskId ? { taskId: ctx.taskId } : {}),
  }));
  return { zones, inputs };
}

/**
 * Decides a batch in order: an attempt allowed earlier in the batch counts for the later ones to
 * the same number or case, exactly as if each had been checked after the previous one was
 * written. A contact whose counts are undefined (blocked for another reason) is not decided.
 */
export function decideInOrder(
  ctxs: readonly AttemptContext[],
  zones: readonly ZoneResolution[],
  counts: ReadonlyArray<AttemptCounts | undefined>,
): Array<AttemptCheck | undefined> {
  const madeNow = new BatchAttempts();
  return ctxs.map((ctx, i) => {
    const stored = counts[i];
    if (!stored) return undefined;
    const check = decide(ctx, zones[i]!, madeNow.addTo(ctx, stored));
    if (check.allowed) madeNow.record(ctx);
    return check;
  });
}

export function decide(
  ctx: AttemptContext,
  zone: ZoneResolution,
  counts: AttemptCounts,
): AttemptCheck {
  const rules = resolveRules({
    country: zone.country,
    appOverride: ctx.appWindows,
    taskOverride: ctx.taskWindows,
  });
  const window = evaluateWindowAcross(rules, zone.zone, zone.otherZones, ctx.now);
  // Unreadable caps fall back to the defaults rather than to no caps at all.
  const parsedCaps = parseCaps(ctx.contactCaps);
  const caps = parsedCaps.ok ? parsedCaps.value : DEFAULT_CAPS;
  const taskPerDay = ctx.taskAttemptsPerDay ?? null;
  const capDecision = evaluateCaps(caps, counts, taskPerDay);
  const allowed = window.allowed && capDecision.allowed;

  let nextOpen: Date | undefined;
  if (!allowed && (window.allowed || window.nextOpen)) {
    // Caps only loosen as time passes, so the later of the two openings, moved to the next
    // window if it falls outside one, is the first moment both can agree.
    const later = Math.max(
      window.nextOpen?.getTime() ?? 0,
      capDecision.nextOpen?.getTime() ?? 0,
      ctx.now.getTime(),
    );
    const then = evaluateWindowAcross(rules, zone.zone, zone.otherZones, new Date(later));
    nextOpen = then.allowed ? new Date(later) : then.nextOpen;
  }
  const audit = buildAuditRecord({
    checkedAt: ctx.now,
    zone,
    rules,
    window,
    caps,
    counts,
    taskPerDay,
    capDecision,
    ...(parsedCaps.ok ? {} : { capsIgnored: parsedCaps.error }),
    ...(nextOpen ? { nextOpen } : {}),
  });
  return { allowed, ...(nextOpen ? { nextOpen } : {}), audit };
}
