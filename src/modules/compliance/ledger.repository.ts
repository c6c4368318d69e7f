import type { Queryable } from '../../store/db.ts';

// The contact ledger's own statements (table contact_attempts, migration 0018). The statements
// other modules run in one go with their own writes (the dial claim, a number's end, a call's
// end) take their ledger part from contact-ledger.ts, so the table's columns live here and there
// only.

export type Channel = 'voice' | 'whatsapp' | 'sms';
export type BlockReason = 'dnc' | 'opt_out' | 'window' | 'caps';

/** One row of the ledger as the compliance module writes it for a channel without a call row. */
export interface AttemptToRecord {
  appId: number;
  channel: Channel;
  number: string;
  caseId: string;
  taskId: string | null;
  attemptedAt: Date;
  source: { kind: string; id: string };
  decision: 'allowed' | 'blocked';
  reason: BlockReason | null;
  audit: object | null;
}

export async function insertAttempts(q: Queryable, rows: readonly AttemptToRecord[]) {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO contact_attempts (app_id, channel, number, case_id, task_id, attempted_at,
       source_kind, source_id, decision, reason, audit)
     SELECT r.app_id, r.channel, r.number, r.case_id, r.task_id, r.attempted_at, r.source_kind,
       r.source_id, r.decision, r.reason, r.audit
     FROM jsonb_to_recordset($1::jsonb) AS r(app_id bigint, channel text, number text, case_id text,
       task_id text, attempted_at timestamptz, source_kind text, source_id text, decision text,
       reason text, audit jsonb)`,
    [
      JSON.stringify(
        rows.map((r) => ({
          app_id: r.appId,
          channel: r.channel,
          number: r.number,
          case_id: r.caseId,
          task_id: r.taskId,
          attempted_at: r.attemptedAt,
          source_kind: r.source.kind,
          source_id: r.source.id,
          decision: r.decision,
          reason: r.reason,
          audit: r.audit,
        })),
      ),
    ],
  );
}

/** What the caps and the DNC list say of one contact, before a decision. */
export interface ContactHistoryRow {
  number_day: number;
  number_7d: number;
  case_day: number;
  case_7d: number;
  /** Attempts to the number today inside the task being claimed (0 when no task was given). */
  task_day: number;
  /** Start instants (epoch ms, rounded up) of the attempts counted in the 7 days, oldest first. */
  number_starts: number[];
  case_starts: number[];
  /** How the number came on the app's do-not-call list (dnc_numbers.source), null when it is not on it. */
  listed: string | null;
}

export interface HistoryQuestion {
  number: string;
  /** null: no case (an empty case id must not count every case-less attempt of the app). */
  caseId: string | null;
  dayStart: Date;
  since: Date;
  taskId: string | null;
}

/**
 * One statement for a batch: per contact, the allowed, non-void attempts of every channel to its
 * number or its case since `since` (attempts dated later count too: another worker's clock may
 * run ahead), and its do-not-call listing. Results in the order asked.
 */
export async function contactHistory(
  q: Queryable,
  appId: number,
  questions: readonly HistoryQuestion[],
): Promise<ContactHistoryRow[]> {
  if (questions.length === 0) return [];
  const rows = await q.query<ContactHistoryRow & { i: number }>(
    `SELECT r.i,
       count(k.*) FILTER (WHERE k.number = r.number AND k.attempted_at >= r.day_start) AS number_day,
       count(k.*) FILTER (WHERE k.number = r.number) AS number_7d,
       count(k.*) FILTER (WHERE k.case_id = r.case_id AND k.attempted_at >= r.day_start) AS case_day,
       count(k.*) FILTER (WHERE k.case_id = r.case_id) AS case_7d,
       count(k.*) FILTER (WHERE k.number = r.number AND k.task_id = r.task_id
         AND k.attempted_at >= r.day_start) AS task_day,
       coalesce(jsonb_agg(k.ms ORDER BY k.ms) FILTER (WHERE k.number = r.number), '[]') AS number_starts,
       coalesce(jsonb_agg(k.ms ORDER BY k.ms) FILTER (WHERE k.case_id = r.case_id), '[]') AS case_starts,
       d.source AS listed
     FROM jsonb_to_recordset($2::jsonb)
       AS r(i int, number text, case_id text, day_start timestamptz, since timestamptz, task_id text)
     LEFT JOIN dnc_numbers d ON d.app_id = $1 AND d.number = r.number
     LEFT JOIN LATERAL (
       SELECT number, case_id, task_id, attempted_at,
         ceil(extract(epoch FROM attempted_at) * 1000)::bigint AS ms
       FROM contact_attempts
       WHERE app_id = $1 AND (number = r.number OR case_id = r.case_id) AND attempted_at > r.since
         AND decision = 'allowed' AND void_reason IS NULL
       -- OFFSET 0 keeps this a per-contact index lookup: pulled up into a join, the planner
       -- (without statistics on a young table) scans every row of the app for each contact.
       OFFSET 0) k ON true
     GROUP BY r.i, d.source`,
    [
      appId,
      JSON.stringify(
        questions.map((question, i) => ({
          i,
          number: question.number,
          case_id: question.caseId,
          day_start: question.dayStart,
          since: question.since,
          task_id: question.taskId,
        })),
      ),
    ],
  );
  const byIndex = new Map(rows.map((row) => [Number(row.i), row]));
  return questions.map((_, i) => {
    const row = byIndex.get(i)!;
    return {
      number_day: Number(row.number_day),
      number_7d: Number(row.number_7d),
      case_day: Number(row.case_day),
      case_7d: Number(row.case_7d),
      task_day: Number(row.task_day),
      number_starts: row.number_starts.map(Number),
      case_starts: row.case_starts.map(Number),
      listed: row.listed,
    };
  });
}

export interface LedgerRow {
  id: number;
  channel: Channel;
  number: string;
  case_id: string;
  task_id: string | null;
  attempted_at: Date;
  source_kind: string;
  source_id: string;
  decision: 'allowed' | 'blocked';
  reason: BlockReason | null;
  void_reason: string | null;
  audit: object | null;
}

/**
 * An app's ledger for one number, oldest first, each row with its audit record: its own, or for
 * a voice attempt the one kept on its call row.
 */
export async function attemptsToNumber(
  q: Queryable,
  appId: number,
  number: string,
): Promise<LedgerRow[]> {
  return q.query<LedgerRow>(
    `SELECT a.id, a.channel, a.number, a.case_id, a.task_id, a.attempted_at, a.source_kind,
       a.source_id, a.decision, a.reason, a.void_reason, coalesce(a.audit, k.compliance) AS audit
     FROM contact_attempts a
     LEFT JOIN calls k ON a.source_kind = 'call' AND k.id = a.source_id
     WHERE a.app_id = $1 AND a.number = $2
     ORDER BY a.attempted_at, a.id`,
    [appId, number],
  );
}
