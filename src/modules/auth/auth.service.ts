import type { Config } from '../../config.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { Db } from '../../store/db.ts';
import {
  countApps,
  deleteAppTokens,
  findAppByKey,
  findToken,
  insertApp,
  listApps,
  replaceSecret,
  storeToken,
  type AppRow,
} from './auth.repository.ts';
import {
  hashSecret,
  newCredential,
  newToken,
  newWebhookSecret,
  tokenHash,
  verifySecret,
} from './secrets.ts';
import type { SigningKeyCache } from './signing-key-cache.ts';
import { SigningKeyService } from './signing-keys.service.ts';
import { TokenCache } from './token-cache.ts';

/** An app as the service answers it (the admin operations render it; never its secret). */
export interface App {
  id: number;
  name: string;
  appKey: string;
  webhookUrl: string | null;
  /** The Standard Webhooks signing secret (`whsec_…`), shown to the app's operator. */
  webhookSecret: string;
  timezone: string;
  /** null: TILLER_APP_CONCURRENCY. */
  maxConcurrency: number | null;
  demo: boolean;
}

function toApp(row: AppRow): App {
  return {
    id: row.id,
    name: row.name,
    appKey: row.app_key,
    webhookUrl: row.webhook_url,
    webhookSecret: row.webhook_secret,
    timezone: row.timezone,
    maxConcurrency: row.max_concurrency,
    demo: row.is_demo,
  };
}

export interface NewApp {
  app: App;
  appKey: string;
  /** Shown once: only its hash is stored. */
  appSecret: string;
}

/** The caller of an authenticated request. */
export interface Caller {
  appId: number;
  timezone: string;
}

export class AuthService {
  readonly #db: Db;
  readonly #config: Config;
  readonly #clock: Clock;
  readonly #tokens: TokenCache;
  /** The Chatbot family's request signing keys (signing-keys.service.ts). */
  readonly signingKeys: SigningKeyService;

  /** `tokenCache`: tests pass one with a clock of their own (the default runs on real time). */
  constructor(
    db: Db,
    config: Config,
    clock: Clock,
    options: { tokenCache?: TokenCache; signingKeyCache?: SigningKeyCache } = {},
  ) {
    this.#db = db;
    this.#config = config;
    this.#clock = clock;
    this.#tokens = options.tokenCache ?? new TokenCache();
    this.signingKeys = new SigningKeyService(db, {
      ...(options.signingKeyCache ? { cache: options.signingKeyCache } : {}),
    });
  }

  async createApp(input: {
    name: string;
    webhookUrl?: string;
    timezone?: string;
    demo?: boolean;
  }): Promise<NewApp> {
    const appKey = newCredential();
    const appSecret = newCredential();
    const app = await insertApp(this.#db, {
      name: input.name,
      app_key: appKey,
      secret_hash: await hashSecret(appSecret),
      webhook_url: input.webhookUrl ?? null,
      webhook_secret: newWebhookSecret(),
      timezone: input.timezone ?? this.#config.defaultTimezone,
      is_demo: input.demo ?? false,
      calling_windows: this.#config.defaultCallingWindows,
    });
    return { app: toApp(app), appKey, appSecret };
  }

  async listApps(): Promise<App[]> {
    return (await listApps(this.#db)).map(toApp);
  }

  /** The app with this APPKey, for operators (the CLI); an unknown key is a 404. */
  async appByKey(appKey: string): Promise<App> {
    const app = await findAppByKey(this.#db, appKey);
    if (!app) throw new AppError('not_found', 'no app has that APPKey');
    return toApp(app);
  }

  /**
   * A new APPSecret for the app, shown once (only its scrypt hash is kept, so a lost secret cannot
   * be shown again: rotation is how an operator gets one). The old secret stops working and the
   * app's tokens are revoked in the same transaction: whoever held the old secret may hold them.
   */
  async rotateSecret(
    appKey: string,
  ): Promise<{ app: App; appSecret: string; revokedTokens: number }> {
    const app = await this.appByKey(appKey);
    const appSecret = newCredential();
    const hash = await hashSecret(appSecret);
    const revokedTokens = await this.#db.transaction((tx) => replaceSecret(tx, app.id, hash));
    // This process serves the app's requests too (the admin API runs in the server): its cached
    // lookups of the revoked tokens must go now, not after the cache's few seconds.
    this.invalidateAppTokens(app.id);
    return { app, appSecret, revokedTokens };
  }

  async hasApps(): Promise<boolean> {
    return (await countApps(this.#db)) > 0;
  }

  /**
   * Issues a token for APPKey/APPSecret. Asking again while a token is valid issues a new one and
   * moves the old one's expiry to the new one's, so both readings of the AIRudder docs hold.
   */
  async issueToken(appKey: string, appSecret: string): Promise<string> {
    const app = await findAppByKey(this.#db, appKey);
    // Verify against a dummy hash when the key is unknown, so timing does not reveal valid keys.
    const ok = await verifySecret(appSecret, app?.secret_hash ?? DUMMY_HASH);
    if (!app || !ok) throw new AppError('bad_credentials');
    const token = newToken();
    const now = this.#clock.now();
    const expiresAt = new Date(now.getTime() + this.#config.tokenTtlSeconds * 1000);
    await this.#db.transaction((tx) => storeToken(tx, app.id, tokenHash(token), now, expiresAt));
    return token;
  }

  /**
   * The app a token belongs to. Lookups are cached for a few seconds (token-cache.ts); expiry is
   * checked on every request, and a cached entry that says expired is read again, because a
   * renewal elsewhere may have moved the expiry on.
   */
  async authenticate(token: string): Promise<Caller> {
    const hash = tokenHash(token);
    const now = this.#clock.now().getTime();
    const cached = this.#tokens.get(hash);
    if (cached && cached.expires_at.getTime() > now) {
      return { appId: cached.app_id, timezone: cached.timezone };
    }
    const generation = this.#tokens.generation();
    const owner = await findToken(this.#db, hash);
    if (!owner) throw new AppError('invalid_token');
    if (owner.expires_at.getTime() <= now) throw new AppError('expired_token');
    this.#tokens.set(hash, owner, generation);
    return { appId: owner.app_id, timezone: owner.timezone };
  }

  /**
   * Forgets this process's cached lookups of the app's tokens, so a change to them in the store
   * (secret rotated, tokens revoked) applies to the next request here. Other processes (another
   * API process, a CLI) do not share this cache: there the change applies within
   * TOKEN_CACHE_TTL_MS.
   */
  invalidateAppTokens(appId: number): void {
    this.#tokens.invalidateApp(appId);
  }

  /**
   * Revokes every token of the app (e.g. after its secret is rotated): in this process they stop
   * working at once. A caller that deletes tokens in a transaction of its own calls
   * invalidateAppTokens after it commits instead.
   */
  async revokeAppTokens(appId: number): Promise<void> {
    this.invalidateAppTokens(appId);
    try {
      await deleteAppTokens(this.#db, appId);
    } finally {
      // Again after the write: a lookup that read the old rows meanwhile must not be cached.
      this.invalidateAppTokens(appId);
    }
  }
}

const DUMMY_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
