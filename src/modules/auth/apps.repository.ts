import type { Queryable } from '../../store/db.ts';

// The per-app settings other modules keep on the `apps` row (zone, caps, windows, webhook target,
// encryption, verbal opt-out). Only the auth module's app directory calls these: other modules
// read and write the settings through it (docs/modules.md).

export interface AppSettingsRow {
  id: number;
  timezone: string;
  max_concurrency: number | null;
  webhook_url: string | null;
  webhook_secret: string;
  calling_windows: unknown;
  contact_caps: unknown;
  auto_dnc_on_optout: boolean;
  encryption: unknown;
}

const SETTINGS_COLUMNS = `id, timezone, max_concurrency, webhook_url, webhook_secret, calling_windows,
  contact_caps, auto_dnc_on_optout, encryption`;

export async function findSettings(
  q: Queryable,
  appId: number,
): Promise<AppSettingsRow | undefined> {
  const [row] = await q.query<AppSettingsRow>(
    `SELECT ${SETTINGS_COLUMNS} FROM apps WHERE id = $1`,
    [appId],
  );
  return row;
}

export async function findSettingsMany(
  q: Queryable,
  appIds: readonly number[],
): Promise<AppSettingsRow[]> {
  return q.query<AppSettingsRow>(
    `SELECT ${SETTINGS_COLUMNS} FROM apps WHERE id = ANY($1::bigint[])`,
    [appIds],
  );
}

/**
 * The settings under the app row's lock (FOR NO KEY UPDATE): it serialises the claims of one app
 * without blocking the inserts that reference the row.
 */
export async function lockSettings(
  q: Queryable,
  appId: number,
): Promise<AppSettingsRow | undefined> {
  const [row] = await q.query<AppSettingsRow>(
    `SELECT ${SETTINGS_COLUMNS} FROM apps WHERE id = $1 FOR NO KEY UPDATE`,
    [appId],
  );
  return row;
}

export async function findZone(q: Queryable, appId: number): Promise<string | undefined> {
  const [row] = await q.query<{ timezone: string }>('SELECT timezone FROM apps WHERE id = $1', [
    appId,
  ]);
  return row?.timezone;
}

/** The columns a patch may set; a column left out keeps its value. */
export interface SettingsPatch {
  timezone?: string;
  max_concurrency?: number | null;
  webhook_url?: string | null;
  calling_windows?: unknown;
  contact_caps?: unknown;
  auto_dnc_on_optout?: boolean;
  encryption?: unknown;
}

const PATCHABLE = new Set([
  'timezone',
  'max_concurrency',
  'webhook_url',
  'calling_windows',
  'contact_caps',
  'auto_dnc_on_optout',
  'encryption',
]);
const JSON_COLUMNS = new Set(['calling_windows', 'contact_caps', 'encryption']);

export async function updateSettings(
  q: Queryable,
  appId: number,
  patch: SettingsPatch,
): Promise<AppSettingsRow | undefined> {
  // Column names come from this allow-list, never from input.
  const entries = Object.entries(patch).filter(([k, v]) => PATCHABLE.has(k) && v !== undefined);
  if (entries.length === 0) return findSettings(q, appId);
  const sets = entries.map(([column], i) =>
    JSON_COLUMNS.has(column) ? `${column} = $${i + 2}::jsonb` : `${column} = $${i + 2}`,
  );
  const values = entries.map(([column, v]) =>
    JSON_COLUMNS.has(column) && v !== null ? JSON.stringify(v) : v,
  );
  const [row] = await q.query<AppSettingsRow>(
    `UPDATE apps SET ${sets.join(', ')} WHERE id = $1 RETURNING ${SETTINGS_COLUMNS}`,
    [appId, ...values],
  );
  return row;
}

/** The app's name (the Chatbot API's `company`). */
export async function findName(q: Queryable, appId: number): Promise<string | undefined> {
  const [row] = await q.query<{ name: string }>('SELECT name FROM apps WHERE id = $1', [appId]);
  return row?.name;
}
