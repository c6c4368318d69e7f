import type { Queryable } from '../../store/db.ts';

export interface AppRow {
  id: number;
  name: string;
  app_key: string;
  secret_hash: string;
  webhook_url: string | null;
  webhook_secret: string;
  timezone: string;
  max_concurrency: number | null;
  is_demo: boolean;
}

const APP_COLUMNS =
  'id, name, app_key, secret_hash, webhook_url, webhook_secret, timezone, max_concurrency, is_demo';

export async function insertApp(
  q: Queryable,
  app: Omit<AppRow, 'id' | 'max_concurrency'> & {
    max_concurrency?: number | null;
    calling_windows?: unknown;
  },
): Promise<AppRow> {
  const [row] = await q.query<AppRow>(
    `INSERT INTO apps (name, app_key, secret_hash, webhook_url, webhook_secret, timezone, max_concurrency, is_demo,
       calling_windows)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${APP_COLUMNS}`,
    [
      app.name,
      app.app_key,
      app.secret_hash,
      app.webhook_url,
      app.webhook_secret,
      app.timezone,
      app.max_concurrency ?? null,
      app.is_demo,
      app.calling_windows === undefined || app.calling_windows === null
        ? null
        : JSON.stringify(app.calling_windows),
    ],
  );
  return row!;
}

export async function findAppByKey(q: Queryable, appKey: string): Promise<AppRow | undefined> {
  const [row] = await q.query<AppRow>(`SELECT ${APP_COLUMNS} FROM apps WHERE app_key = $1`, [
    appKey,
  ]);
  return row;
}

export async function countApps(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: number }>('SELECT count(*) AS n FROM apps');
  return row!.n;
}

/** Moves the expiry of the app's still-valid tokens to `expiresAt` and adds the new token. */
export async function storeToken(
  q: Queryable,
  appId: number,
  hash: string,
  now: Date,
  expiresAt: Date,
) {
  await q.query('DELETE FROM app_tokens WHERE app_id = $1 AND expires_at < $2', [appId, now]);
  await q.query('UPDATE app_tokens SET expires_at = $3 WHERE app_id = $1 AND expires_at >= $2', [
    appId,
    now,
    expiresAt,
  ]);
  await q.query('INSERT INTO app_tokens (token_hash, app_id, expires_at) VALUES ($1, $2, $3)', [
    hash,
    appId,
    expiresAt,
  ]);
}

export interface TokenOwner {
  app_id: number;
  expires_at: Date;
  timezone: string;
}

export async function findToken(q: Queryable, hash: string): Promise<TokenOwner | undefined> {
  const [row] = await q.query<TokenOwner>(
    `SELECT t.app_id, t.expires_at, a.timezone FROM app_tokens t JOIN apps a ON a.id = t.app_id
     WHERE t.token_hash = $1`,
    [hash],
  );
  return row;
}

/** Revokes every token of the app. */
export async function deleteAppTokens(q: Queryable, appId: number): Promise<void> {
  await q.query('DELETE FROM app_tokens WHERE app_id = $1', [appId]);
}

export async function listApps(q: Queryable): Promise<AppRow[]> {
  return q.query<AppRow>(`SELECT ${APP_COLUMNS} FROM apps ORDER BY id`);
}

/** A new secret hash; every token of the app is revoked with it (it is the same credential). */
export async function replaceSecret(q: Queryable, appId: number, secretHash: string) {
  await q.query('UPDATE apps SET secret_hash = $2 WHERE id = $1', [appId, secretHash]);
  const revoked = await q.query<{ token_hash: string }>(
    'DELETE FROM app_tokens WHERE app_id = $1 RETURNING token_hash',
    [appId],
  );
  return revoked.length;
}
