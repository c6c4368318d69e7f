// The per-attempt compliance record, stored as calls.compliance (jsonb): enough to answer
// "why was this person called at that moment" without re-deriving anything from rules or
// tables that may have changed since. Plain JSON: ISO-8601 UTC instants, snake_case keys.
import type { ZoneResolution, ZoneSource } from '../../shared/callee-zone.ts';
import type { Queryable } from '../../store/db.ts';
import type { CapDecision, CapName, AttemptCounts, ContactCaps } from './caps.ts';
import type { MultiZoneDecision } from './calling-window.ts';
import { attemptsToNumber, type LedgerRow } from './ledger.repository.ts';
import type { CallingWindow } from './rule-packs.ts';
import type { ResolvedRules, RuleOrigin } from './window-rules.ts';

export interface ComplianceAudit {
  version: 1;
  decision: 'allowed' | 'deferred';
  /** Set when deferred: what stood in the way. */
  blocked_by?: 'window' | 'caps';
  checked_at: string;
  /** When deferred: the earliest instant the attempt may be made. */
  next_open?: string;
  zone: {
    zone: string;
    source: ZoneSource;
    country?: string;
    region?: string;
    local_time: string;
    other_zones: Array<{ zone: string; local_time: string; open: boolean }>;
  };
  window: {
    rule: string;
    origin: RuleOrigin;
    source: string;
    windows: CallingWindow[];
    open: boolean;
    widens_pack: boolean;
    ignored?: string[];
  };
  caps: {
    limits: ContactCaps;
    counts: Pick<AttemptCounts, 'number_day' | 'number_7d' | 'case_day' | 'case_7d' | 'task_day'>;
    /** The task's (plan round's) own attempts per day, when it has one. */
    task_per_day?: number;
    /** The callee's local day the day counters cover. */
    day_start: string;
    within: boolean;
    exceeded?: CapName[];
    ignored?: string;
  };
}

export interface AuditInput {
  checkedAt: Date;
  zone: ZoneResolution;
  rules: ResolvedRules;
  window: MultiZoneDecision;
  caps: ContactCaps;
  counts: AttemptCounts;
  taskPerDay?: number | null;
  capDecision: CapDecision;
  /** Why the stored caps were not used, when they could not be read. */
  capsIgnored?: string;
  nextOpen?: Date;
}

export function buildAuditRecord(input: AuditInput): ComplianceAudit {
  const { window, capDecision } = input;
  const allowed = window.allowed && capDecision.allowed;
  return {
    version: 1,
    decision: allowed ? 'allowed' : 'deferred',
    ...(allowed ? {} : { blocked_by: window.allowed ? ('caps' as const) : ('window' as const) }),
    checked_at: input.checkedAt.toISOString(),
    ...(!allowed && input.nextOpen ? { next_open: input.nextOpen.toISOString() } : {}),
    zone: {
      zone: input.zone.zone,
      source: input.zone.source,
      ...(input.zone.country ? { country: input.zone.country } : {}),
      ...(input.zone.region ? { region: input.zone.region } : {}),
      local_time: window.localTime,
      other_zones: window.otherZones.map((z) => ({
        zone: z.zone,
        local_time: z.localTime,
        open: z.allowed,
      })),
    },
    window: {
      rule: input.rules.name,
      origin: input.rules.origin,
      source: input.rules.source,
      windows: input.rules.windows,
      open: window.allowed,
      widens_pack: input.rules.widensPack,
      ...(input.rules.ignored ? { ignored: input.rules.ignored } : {}),
    },
    caps: {
      limits: input.caps,
      counts: {
        number_day: input.counts.number_day,
        number_7d: input.counts.number_7d,
        case_day: input.counts.case_day,
        case_7d: input.counts.case_7d,
        task_day: input.counts.task_day,
      },
      ...(input.taskPerDay ? { task_per_day: input.taskPerDay } : {}),
      day_start: input.counts.day_start.toISOString(),
      within: capDecision.allowed,
      ...(capDecision.exceededAll ? { exceeded: capDecision.exceededAll } : {}),
      ...(input.capsIgnored ? { ignored: input.capsIgnored } : {}),
    },
  };
}

/**
 * The audit trail of one number of an app, read from the contact ledger: every attempt on every
 * channel and every final refusal, oldest first, each with the audit record kept for it (a voice
 * attempt's is on its call row, another channel's on its ledger row).
 */
export function auditTrail(q: Queryable, appId: number, number: string): Promise<LedgerRow[]> {
  return attemptsToNumber(q, appId, number);
}
