import type { Config } from '../../config.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { Db } from '../../store/db.ts';
import {
  countApps,
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

export interface NewApp {
  app: AppRow;
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

  constructor(db: Db, config: Config, clock: Clock) {
    this.#db = db;
    this.#config = config;
    this.#clock = clock;
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
    return { app, appKey, appSecret };
  }

  async listApps(): Promise<AppRow[]> {
    return listApps(this.#db);
  }

  /** The app with this APPKey, for operators (the CLI); an unknown key is a 404. */
  async appByKey(appKey: string): Promise<AppRow> {
    const app = await findAppByKey(this.#db, appKey);
    if (!app) throw new AppError('not_found', 'no app has that APPKey');
    return app;
  }

  /**
   * A new APPSecret for the app, shown once (only its scrypt hash is kept, so a lost secret cannot
   * be shown again: rotation is how an operator gets one). The old secret stops working and the
   * app's tokens are revoked in the same transaction: whoever held the old secret may hold them.
   */
  async rotateSecret(
    appKey: string,
  ): Promise<{ app: AppRow; appSecret: string; revokedTokens: number }> {
    const app = await this.appByKey(appKey);
    const appSecret = newCredential();
    const hash = await hashSecret(appSecret);
    const revokedTokens = await this.#db.transaction((tx) => replaceSecret(tx, app.id, hash));
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

  async authenticate(token: string): Promise<Caller> {
    const owner = await findToken(this.#db, tokenHash(token));
    if (!owner) throw new AppError('invalid_token');
    if (owner.expires_at.getTime() <= this.#clock.now().getTime())
      throw new AppError('expired_token');
    return { appId: owner.app_id, timezone: owner.timezone };
  }
}

const DUMMY_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
