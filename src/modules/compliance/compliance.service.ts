// The compliance checks every channel goes through. checkContacts is the one a channel asks
// before contacting people (DNC and opt-outs, calling window, contact caps over the ledger of
// every channel); checkAttempt(s) answers window and caps alone, with the audit record to keep.
// nextOpen is a scheduling hint only: the check runs again at every claim.
import { resolveZone } from '../../shared/callee-zone.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { optOut, type OptOutRequest } from '../dnc/dnc.service.ts';
import {
  countQuestions,
  decideInOrder,
  type AttemptCheck,
  type AttemptContext,
} from './attempt-decision.ts';
import { auditTrail } from './audit.ts';
import { evaluateWindowAcross } from './calling-window.ts';
import { countAttemptsMany, lockContacts } from './caps.ts';
import { checkContacts, type ContactCheckRequest, type ContactDecision } from './contact-check.ts';
import { insertAttempts, type AttemptToRecord } from './ledger.repository.ts';
import { resolveRules } from './window-rules.ts';

export type { AttemptCheck, AttemptContext } from './attempt-decision.ts';
export type { ContactCheckRequest, ContactDecision } from './contact-check.ts';
export { checkContacts } from './contact-check.ts';
// For channels that check and record inside a transaction of their own (the messaging sender).
export { lockContacts } from './caps.ts';
export { insertAttempts as recordAttemptsIn, type AttemptToRecord } from './ledger.repository.ts';

/**
 * The compliance check and the contact ledger for the channels that run outside the dial claim
 * (messaging, chat): check, record the attempt, record an opt-out. Each call is one transaction;
 * inside a transaction of one's own, use checkContacts and the functions it wraps directly.
 */
export class ComplianceService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Decides for every contact, under the contact locks so two checks cannot both take a cap's last attempt. */
  checkContacts(request: ContactCheckRequest): Promise<ContactDecision[]> {
    return this.#db.transaction(async (tx) => {
      await lockContacts(
        tx,
        request.appId,
        request.contacts.map((c) => ({ number: c.number, caseId: c.caseId ?? '' })),
      );
      return checkContacts(tx, request);
    });
  }

  /** Writes attempts (allowed or blocked for good) of a channel to the ledger. */
  recordAttempts(rows: readonly AttemptToRecord[]): Promise<void> {
    return this.#db.transaction((tx) => insertAttempts(tx, rows));
  }

  /** An opt-out from any source (docs/dnc.md): whether it put the number on the list. */
  optOut(request: OptOutRequest): Promise<boolean> {
    return this.#db.transaction((tx) => optOut(tx, request));
  }

  /** The ledger of one number of an app, each attempt with its audit record, oldest first. */
  history(appId: number, number: string) {
    return auditTrail(this.#db, appId, number);
  }
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
  const { zones, inputs } = countQuestions(ctxs);
  const stored = await countAttemptsMany(q, ctxs[0]!.appId, inputs);
  return decideInOrder(ctxs, zones, stored) as AttemptCheck[];
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
