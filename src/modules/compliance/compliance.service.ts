// The one call the dialer makes per claimed contact, inside its claim transaction: may this
// number be dialled now, and if not, when? The answer carries the audit record to store on the
// call row. nextOpen is a scheduling hint only: the check runs again at every claim.
import { resolveZone, type ZoneResolution } from '../../shared/callee-zone.ts';
import type { Queryable } from '../../store/db.ts';
import { buildAuditRecord, type ComplianceAudit } from './audit.ts';
import { evaluateWindowAcross } from './calling-window.ts';
import {
  DEFAULT_CAPS,
  countAttemptsMany,
  evaluateCaps,
  parseCaps,
  type AttemptCounts,
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

export async function checkAttempt(q: Queryable, ctx: AttemptContext): Promise<AttemptCheck> {
  const [check] = await checkAttempts(q, [ctx]);
  return check!;
}

/**
 * checkAttempt for a claim's batch, in order, with one query for the counters: an attempt
 * allowed earlier in the batch counts for the later ones to the same number or case, exactly as
 * if each had been checked after the previous one was written.
 */
export async function checkAttempts(
  q: Queryable,
  ctxs: readonly AttemptContext[],
): Promise<AttemptCheck[]> {
  if (ctxs.length === 0) return [];
  const zones = ctxs.map((ctx) => resolveZone(ctx.number, ctx.contactZone, ctx.appZone));
  const stored = await countAttemptsMany(
    q,
    ctxs[0]!.appId,
    ctxs.map((ctx, i) => ({
      number: ctx.number,
      caseId: ctx.caseId,
      zone: zones[i]!.zone,
      now: ctx.now,
      ...(ctx.taskId ? { taskId: ctx.taskId } : {}),
    })),
  );
  const madeNow = new BatchAttempts();
  return ctxs.map((ctx, i) => {
    const check = decide(ctx, zones[i]!, madeNow.addTo(ctx, stored[i]!));
    if (check.allowed) madeNow.record(ctx);
    return check;
  });
}

/** The attempts a batch has allowed so far, to add to the stored counts of the next contacts. */
class BatchAttempts {
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

function decide(ctx: AttemptContext, zone: ZoneResolution, counts: AttemptCounts): AttemptCheck {
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

/** A number of a task being created: its E.164 number and its own `timezone` field, if any. */
export interface WindowQuestion {
  number: string;
  contactZone: unknown;
}

/**
 * For each number: does its calling window (in the callee's own zone, the same rules the dialer
 * applies) open at some instant in [from, until)? Task creation warns of those where it does not.
 * Caps are not looked at: they depend on attempts not made yet. The answer depends on the
 * number's country and area code, which lie in its leading digits, and on the contact's own zone:
 * numbers sharing both (the first 8 digits) share one evaluation, so a 100,000-number upload
 * parses a few thousand numbers, not all of them. It is advice (a warning), never the dial
 * decision, which checkAttempts makes per number at every claim.
 */
export function windowOpensBetween(
  questions: readonly WindowQuestion[],
  settings: { appZone: string; appWindows: unknown; taskWindows: unknown },
  from: Date,
  until: Date,
): boolean[] {
  const byPrefix = new Map<string, boolean>();
  const byZone = new Map<string, boolean>();
  return questions.map((q) => {
    const prefixKey = `${q.number.slice(0, 9)}\u0000${typeof q.contactZone === 'string' ? q.contactZone : ''}`;
    const known = byPrefix.get(prefixKey);
    if (known !== undefined) return known;
    const zone = resolveZone(q.number, q.contactZone, settings.appZone);
    const zoneKey = [zone.country ?? '', zone.zone, ...zone.otherZones].join('\u0000');
    let opens = byZone.get(zoneKey);
    if (opens === undefined) {
      const rules = resolveRules({
        country: zone.country,
        appOverride: settings.appWindows,
        taskOverride: settings.taskWindows,
      });
      const window = evaluateWindowAcross(rules, zone.zone, zone.otherZones, from);
      opens = window.allowed || (window.nextOpen !== undefined && window.nextOpen < until);
      byZone.set(zoneKey, opens);
    }
    byPrefix.set(prefixKey, opens);
    return opens;
  });
}
