// The contact ledger's face to the statements of other modules. A voice attempt's ledger row
// must be written in the same statement as its call row (the dial claim pays no extra round trip
// for it), so the dialer and the tasks module embed these fragments in their own SQL instead of
// writing the ledger's table themselves: its columns and rules stay in this module.
// docs/contact-ledger.md describes the ledger.

export type { BlockReason, Channel } from './ledger.repository.ts';

const COLUMNS = `app_id, channel, number, case_id, task_id, attempted_at, source_kind, source_id,
  decision, reason`;

/**
 * `INSERT INTO contact_attempts (...) <select>`: the select yields, in order, app_id, channel,
 * number, case_id, task_id, attempted_at, source_kind, source_id, decision and reason. Use it as
 * the last statement of a data-modifying WITH, or as a WITH item of its own.
 */
export function ledgerInsert(select: string): string {
  return `INSERT INTO contact_attempts (${COLUMNS}) ${select}`;
}

/**
 * ledgerInsert for blocked decisions: a source gets one blocked row, however often the statement
 * runs again (a re-run of a number's end writes nothing twice).
 */
export function ledgerInsertBlocked(select: string): string {
  return `${ledgerInsert(select)}
    ON CONFLICT (source_kind, source_id) WHERE decision = 'blocked' DO NOTHING`;
}

/**
 * Voids the voice attempts of calls that ended `interrupted` (our own failure: not counted
 * against the person's caps). `ended` names a relation with the columns id, app_id,
 * callee_number, started_at and outcome of the calls just ended; the ledger row is found through
 * its caps index (app, number, instant), then by its call.
 */
export function voidInterruptedCalls(ended: string): string {
  return `UPDATE contact_attempts a SET void_reason = 'interrupted'
    FROM ${ended} e
    WHERE e.outcome = 'interrupted' AND a.app_id = e.app_id AND a.number = e.callee_number
      AND a.attempted_at = e.started_at AND a.source_kind = 'call' AND a.source_id = e.id`;
}

/** The do-not-call sources that are the person's own opt-out rather than a list an app keeps. */
export const OPT_OUT_SOURCES: ReadonlySet<string> = new Set([
  'verbal',
  'whatsapp_button',
  'stop_keyword',
]);
