import type { Queryable } from '../../store/db.ts';

// The do-not-call list, scoped by app in every statement. Numbers arrive here already in E.164
// form (the service checks them); the repository never guesses at formats.

/** verbal, whatsapp_button, stop_keyword: the person's own opt-out (dnc.service.ts optOut). */
export type DncSource = 'api' | 'cli' | 'import' | 'verbal' | 'whatsapp_button' | 'stop_keyword';

export interface DncRow {
  number: string;
  reason: string | null;
  source: DncSource;
  created_at: Date;
}

export interface NewDncEntry {
  number: string;
  reason: string | null;
}

// Same chunk size as the callee insert: one parameter of a few hundred kilobytes of JSON.
const CHUNK = 5_000;

/**
 * Adds the entries that are not listed yet and returns the numbers it added. An entry already
 * listed keeps its reason, source and date (the first listing is the one that counts).
 */
export async function addDncNumbers(
  q: Queryable,
  appId: number,
  entries: readonly NewDncEntry[],
  source: DncSource,
): Promise<string[]> {
  const added: string[] = [];
  for (let i = 0; i < entries.length; i += CHUNK) {
    const rows = await q.query<{ number: string }>(
      `INSERT INTO dnc_numbers (app_id, number, reason, source)
       SELECT $1, r.number, r.reason, $2
       FROM jsonb_to_recordset($3::jsonb) AS r(number text, reason text)
       ON CONFLICT (app_id, number) DO NOTHING
       RETURNING number`,
      [appId, source, JSON.stringify(entries.slice(i, i + CHUNK))],
    );
    for (const row of rows) added.push(row.number);
  }
  return added;
}

/** Whether the number was listed (and is not any more). */
export async function removeDncNumber(
  q: Queryable,
  appId: number,
  number: string,
): Promise<boolean> {
  const rows = await q.query(
    'DELETE FROM dnc_numbers WHERE app_id = $1 AND number = $2 RETURNING number',
    [appId, number],
  );
  return rows.length > 0;
}

// A prefix of E.164 digits matches the range [prefix, prefix + ':'): ':' sorts right after '9'
// in the "C" collation, and a range (unlike LIKE with a parameter) always uses the primary key.
const IN_PREFIX = `($2::text IS NULL OR (number >= $2 AND number < ($2 || ':')))`;

export async function countDncNumbers(
  q: Queryable,
  appId: number,
  prefix: string | null = null,
): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM dnc_numbers WHERE app_id = $1 AND ${IN_PREFIX}`,
    [appId, prefix],
  );
  return row?.n ?? 0;
}

/** A page of the list in number order, optionally only the numbers starting with `prefix`. */
export async function listDncNumbers(
  q: Queryable,
  appId: number,
  page: { prefix?: string | null; limit: number; offset: number },
): Promise<DncRow[]> {
  return q.query<DncRow>(
    `SELECT number, reason, source, created_at FROM dnc_numbers
     WHERE app_id = $1 AND ${IN_PREFIX}
     ORDER BY number LIMIT $3 OFFSET $4`,
    [appId, page.prefix ?? null, page.limit, page.offset],
  );
}

/**
 * The numbers among `numbers` that the app has listed: one query for a whole claim batch, so the
 * dialer can skip them before it asks the carrier.
 */
export async function dncNumbersAmong(
  q: Queryable,
  appId: number,
  numbers: readonly string[],
): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await q.query<{ number: string }>(
    'SELECT number FROM dnc_numbers WHERE app_id = $1 AND number = ANY($2::text[])',
    [appId, numbers],
  );
  return new Set(rows.map((r) => r.number));
}

/**
 * Lists the number as a verbal opt-out, in one statement, only when the app has
 * `auto_dnc_on_optout` on (the default; an app may switch it off). Returns whether it added it (false: setting off or already listed).
 */
export async function addVerbalOptOut(
  q: Queryable,
  appId: number,
  number: string,
  reason: string,
): Promise<boolean> {
  const rows = await q.query(
    // boundary-exempt: apps — the setting is read in the insert's own statement, so an opt-out
    // costs the finalizer no extra round trip (docs/modules.md).
    `INSERT INTO dnc_numbers (app_id, number, reason, source)
     SELECT id, $2, $3, 'verbal' FROM apps WHERE id = $1 AND auto_dnc_on_optout
     ON CONFLICT (app_id, number) DO NOTHING
     RETURNING number`,
    [appId, number, reason],
  );
  return rows.length > 0;
}
