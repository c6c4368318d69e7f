// checkContacts: the one compliance check every channel asks before it contacts people (the dial
// claim for voice, a send for WhatsApp or SMS). One statement reads, for the whole batch, each
// number's do-not-call listing and its attempts in the ledger of every channel; the decision per
// number follows: blocked for good (on the DNC list, or opted out), held (window or caps, with
// when to try again), or allowed (with the audit record to keep). Holds are not attempts: they
// write nothing. Run it in the transaction that writes the allowed attempts, after lockContacts.
import type { Queryable } from '../../store/db.ts';
import { countQuestions, decideInOrder, type AttemptContext } from './attempt-decision.ts';
import type { ComplianceAudit } from './audit.ts';
import { contactStates } from './caps.ts';
import { OPT_OUT_SOURCES } from './contact-ledger.ts';
import type { Channel } from './ledger.repository.ts';

export interface ContactCheckRequest {
  appId: number;
  /** Asked by which channel. Caps count every channel's attempts (docs/contact-ledger.md). */
  channel: Channel;
  /** The business clock's now. */
  at: Date;
  /** apps.timezone: the last resort for a number that cannot be placed. */
  appZone: string;
  /** apps.calling_windows and the task's own override as stored (null = none). */
  appWindows: unknown;
  taskWindows?: unknown;
  /** apps.contact_caps as stored (null = DEFAULT_CAPS). */
  contactCaps: unknown;
  /** The task (plan round) asking and its own attempts-per-day limit (null = none). */
  taskId?: string;
  taskAttemptsPerDay?: number | null;
  /** In order; a contact allowed earlier in the batch counts for the later ones. */
  contacts: ReadonlyArray<{ number: string; caseId?: string; contactZone?: unknown }>;
}

export type ContactDecision =
  | { decision: 'allowed'; zone: string; audit: ComplianceAudit }
  | {
      decision: 'held';
      /** The calling window wins when both stand in the way: it is what the integrator sets. */
      reason: 'window' | 'caps';
      /** The earliest instant worth asking again; undefined: no window opens within 8 days. */
      nextOpen?: Date;
      audit: ComplianceAudit;
    }
  | { decision: 'blocked'; reason: 'dnc' | 'opt_out' };

export async function checkContacts(
  q: Queryable,
  request: ContactCheckRequest,
): Promise<ContactDecision[]> {
  if (request.contacts.length === 0) return [];
  const contexts: AttemptContext[] = request.contacts.map((contact) => ({
    appId: request.appId,
    number: contact.number,
    caseId: contact.caseId ?? '',
    contactZone: contact.contactZone,
    appZone: request.appZone,
    appWindows: request.appWindows,
    taskWindows: request.taskWindows ?? null,
    contactCaps: request.contactCaps,
    ...(request.taskId ? { taskId: request.taskId } : {}),
    taskAttemptsPerDay: request.taskAttemptsPerDay ?? null,
    now: request.at,
  }));
  const { zones, inputs } = countQuestions(contexts);
  const states = await contactStates(q, request.appId, inputs);
  // A listed number is never contacted, whatever the window or the caps would say.
  const checks = decideInOrder(
    contexts,
    zones,
    states.map((state) => (state.listed === null ? state : undefined)),
  );
  return checks.map((check, i): ContactDecision => {
    if (!check) {
      const listed = states[i]!.listed!;
      return { decision: 'blocked', reason: OPT_OUT_SOURCES.has(listed) ? 'opt_out' : 'dnc' };
    }
    if (check.allowed) {
      return { decision: 'allowed', zone: check.audit.zone.zone, audit: check.audit };
    }
    return {
      decision: 'held',
      reason: check.audit.blocked_by === 'caps' ? 'caps' : 'window',
      ...(check.nextOpen ? { nextOpen: check.nextOpen } : {}),
      audit: check.audit,
    };
  });
}
