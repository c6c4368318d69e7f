import type { Queryable } from '../../store/db.ts';

// The `signing_keys` table (migration 0020). Every statement but the verification lookup and the
// callback-key read is scoped to its app.

export interface SigningKeyRow {
  key_id: string;
  app_id: number;
  secret: string;
  lenient: boolean;
  created_at: Date;
  revoked_at: Date | null;
}

/** A key with its app's zone: what verifying a request needs. */
export interface SigningKeyOwnerRow extends SigningKeyRow {
  timezone: string;
}

const COLUMNS = 'key_id, app_id, secret, lenient, created_at, revoked_at';

/** Inserts the key; undefined when the key id is taken (by any app, revoked or not). */
export async function insertSigningKey(
  q: Queryable,
  key: { key_id: string; app_id: number; secret: string; lenient: boolean },
): Promise<SigningKeyRow | undefined> {
  const [row] = await q.query<SigningKeyRow>(
    `INSERT INTO signing_keys (key_id, app_id, secret, lenient) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key_id) DO NOTHING RETURNING ${COLUMNS}`,
    [key.key_id, key.app_id, key.secret, key.lenient],
  );
  return row;
}

export async function listSigningKeys(q: Queryable, appId: number): Promise<SigningKeyRow[]> {
  return q.query<SigningKeyRow>(
    `SELECT ${COLUMNS} FROM signing_keys WHERE app_id = $1 ORDER BY created_at DESC, key_id`,
    [appId],
  );
}

/** The key by its public id, with its app's zone; only if it is not revoked. */
export async function findActiveSigningKey(
  q: Queryable,
  keyId: string,
): Promise<SigningKeyOwnerRow | undefined> {
  const [row] = await q.query<SigningKeyOwnerRow>(
    `SELECT k.key_id, k.app_id, k.secret, k.lenient, k.created_at, k.revoked_at, a.timezone
     FROM signing_keys k JOIN apps a ON a.id = k.app_id
     WHERE k.key_id = $1 AND k.revoked_at IS NULL`,
    [keyId],
  );
  return row;
}

/** Revokes the app's key (a second revoke keeps the first time); undefined if the app has no such key. */
export async function revokeSigningKey(
  q: Queryable,
  appId: number,
  keyId: string,
): Promise<SigningKeyRow | undefined> {
  const [row] = await q.query<SigningKeyRow>(
    `UPDATE signing_keys SET revoked_at = coalesce(revoked_at, now())
     WHERE app_id = $1 AND key_id = $2 RETURNING ${COLUMNS}`,
    [appId, keyId],
  );
  return row;
}

export async function setSigningKeyLenient(
  q: Queryable,
  appId: number,
  keyId: string,
  lenient: boolean,
): Promise<SigningKeyRow | undefined> {
  const [row] = await q.query<SigningKeyRow>(
    `UPDATE signing_keys SET lenient = $3 WHERE app_id = $1 AND key_id = $2 RETURNING ${COLUMNS}`,
    [appId, keyId, lenient],
  );
  return row;
}

/** The newest active key of each app, in one statement (the callbacks' signing key). */
export async function newestActiveSigningKeys(
  q: Queryable,
  appIds: readonly number[],
): Promise<SigningKeyRow[]> {
  return q.query<SigningKeyRow>(
    `SELECT DISTINCT ON (app_id) ${COLUMNS} FROM signing_keys
     WHERE app_id = ANY($1::bigint[]) AND revoked_at IS NULL
     ORDER BY app_id, created_at DESC, key_id`,
    [appIds],
  );
}
