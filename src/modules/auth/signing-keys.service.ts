import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/errors.ts';
import type { Db, Queryable } from '../../store/db.ts';
import type { Caller } from './caller.ts';
import { SigningKeyCache } from './signing-key-cache.ts';
import {
  findActiveSigningKey,
  insertSigningKey,
  listSigningKeys,
  newestActiveSigningKeys,
  revokeSigningKey,
  setSigningKeyLenient,
  type SigningKeyRow,
} from './signing-keys.repository.ts';

/** A signing key as the app and its operator see it: never its secret. */
export interface SigningKeyInfo {
  /** The public id, sent in X-AIRudder-Sign-Key: 32 lowercase hex. */
  keyId: string;
  appId: number;
  /** Requests with an empty X-AIRudder-Sign are accepted (docs/api-families.md). */
  lenient: boolean;
  createdAt: Date;
  /** null while the key is active. */
  revokedAt: Date | null;
}

export interface NewSigningKey {
  key: SigningKeyInfo;
  /** Shown once, at creation; the API and the CLI never show it again. */
  secret: string;
}

/** What verifying a request needs of an active key (the shape `signatureAuth` takes). */
export interface ActiveSigningKey {
  caller: Caller;
  secret: string;
  lenient: boolean;
}

/** The key that signs an app's AIRudder-style callbacks. */
export interface CallbackSigningKey {
  keyId: string;
  secret: string;
}

const KEY_ID = /^[0-9a-f]{32}$/;

function toInfo(row: SigningKeyRow): SigningKeyInfo {
  return {
    keyId: row.key_id,
    appId: Number(row.app_id),
    lenient: row.lenient,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * The Chatbot family's signing keys (docs/api-families.md, "Signing keys"): any number per app,
 * each a public id and a secret. Reached as `AuthService.signingKeys`.
 */
export class SigningKeyService {
  readonly #db: Db;
  readonly #cache: SigningKeyCache;

  constructor(db: Db, options: { cache?: SigningKeyCache } = {}) {
    this.#db = db;
    this.#cache = options.cache ?? new SigningKeyCache();
  }

  /**
   * A new key for the app. `keyId` keeps an integration's existing key (AIRudder issued it);
   * without it we issue one. An id in use by any app, even revoked, is refused: a revoked id that
   * came back would make old signatures valid again.
   */
  async create(
    appId: number,
    input: { keyId?: string | undefined; lenient?: boolean | undefined } = {},
  ): Promise<NewSigningKey> {
    const keyId = input.keyId?.toLowerCase() ?? randomBytes(16).toString('hex');
    if (!KEY_ID.test(keyId))
      throw new AppError('bad_request', 'key_id must be 32 hexadecimal characters');
    const secret = randomBytes(32).toString('hex');
    const row = await insertSigningKey(this.#db, {
      key_id: keyId,
      app_id: appId,
      secret,
      lenient: input.lenient ?? false,
    });
    if (!row) throw new AppError('signing_key_exists');
    return { key: toInfo(row), secret };
  }

  /** The app's keys, newest first, revoked ones included. */
  async list(appId: number): Promise<SigningKeyInfo[]> {
    return (await listSigningKeys(this.#db, appId)).map(toInfo);
  }

  /**
   * Revokes the app's key. In this process it stops working at once; in the others within
   * SIGNING_KEY_CACHE_TTL_MS (5 s), the life of their cached lookup.
   */
  async revoke(appId: number, keyId: string): Promise<SigningKeyInfo> {
    return this.#change(keyId, () => revokeSigningKey(this.#db, appId, keyId.toLowerCase()));
  }

  /** Turns the key's lenient mode on or off (applies like a revoke: at once here, 5 s elsewhere). */
  async setLenient(appId: number, keyId: string, lenient: boolean): Promise<SigningKeyInfo> {
    return this.#change(keyId, () =>
      setSigningKeyLenient(this.#db, appId, keyId.toLowerCase(), lenient),
    );
  }

  /** The active key with this id, for request verification; cached for a few seconds. */
  async lookup(keyId: string): Promise<ActiveSigningKey | undefined> {
    const id = keyId.toLowerCase();
    if (!KEY_ID.test(id)) return undefined;
    let row = this.#cache.get(id);
    if (!row) {
      const generation = this.#cache.generation();
      row = await findActiveSigningKey(this.#db, id);
      if (!row) return undefined;
      this.#cache.set(row, generation);
    }
    return {
      caller: { appId: Number(row.app_id), timezone: row.timezone },
      secret: row.secret,
      lenient: row.lenient,
    };
  }

  async #change(
    keyId: string,
    write: () => Promise<SigningKeyRow | undefined>,
  ): Promise<SigningKeyInfo> {
    const id = keyId.toLowerCase();
    this.#cache.invalidate(id);
    try {
      const row = await write();
      if (!row) throw new AppError('signing_key_not_found');
      return toInfo(row);
    } finally {
      // Again after the write: a lookup that read the old row meanwhile must not be cached.
      this.#cache.invalidate(id);
    }
  }
}

/**
 * The newest active signing key of each app (absent: the app has none), in one statement: the
 * webhook deliverer signs AIRudder-style callbacks with it (docs/webhooks.md). Read at every
 * claim, not cached, like the rest of the deliverer's targets.
 */
export async function callbackSigningKeys(
  q: Queryable,
  appIds: readonly number[],
): Promise<Map<number, CallbackSigningKey>> {
  const unique = [...new Set(appIds)];
  if (unique.length === 0) return new Map();
  const rows = await newestActiveSigningKeys(q, unique);
  return new Map(rows.map((r) => [Number(r.app_id), { keyId: r.key_id, secret: r.secret }]));
}
