import { AppError } from '../../shared/errors.ts';
import type { Db } from '../../store/db.ts';
import { findEncryption, storeEncryption } from './stored-settings.ts';
import { resolveSettings, type EncryptionInput, type EncryptionSettings } from './settings.ts';
import { TtlCache } from './ttl-cache.ts';

/** How long a process keeps an app's settings before reading them again (docs/encryption.md). */
export const SETTINGS_TTL_MS = 5_000;

/** What the API transport needs: the settings of the calling app, cheaply, on every request. */
export interface EncryptionLookup {
  lookup(appId: number): Promise<EncryptionSettings | null>;
}

/** An app's AES transport settings: read, enable or replace, switch off. Scoped by app id. */
export class EncryptionService implements EncryptionLookup {
  readonly #db: Db;
  readonly #cache: TtlCache<number, EncryptionSettings | null>;
  /** Bumped before and after every write, so a read that overlapped one does not cache it. */
  #writes = 0;

  constructor(db: Db, options: { ttlMs?: number; now?: () => number } = {}) {
    this.#db = db;
    this.#cache = new TtlCache(options.ttlMs ?? SETTINGS_TTL_MS, 10_000, options.now);
  }

  /** The current settings, from the store (null: off). */
  async get(appId: number): Promise<EncryptionSettings | null> {
    const settings = await findEncryption(this.#db, appId);
    if (settings === undefined) throw new AppError('invalid_token');
    return settings;
  }

  /** Replaces the settings with `input` over the defaults; a key is generated when none is given. */
  async enable(appId: number, input: EncryptionInput): Promise<EncryptionSettings> {
    const settings = resolveSettings(input);
    await this.#store(appId, settings);
    return settings;
  }

  async disable(appId: number): Promise<void> {
    await this.#store(appId, null);
  }

  /**
   * The settings the transport uses, cached for SETTINGS_TTL_MS: one query per app and process
   * at most that often. A write in this process is seen at once; other processes see it within
   * the TTL.
   */
  async lookup(appId: number): Promise<EncryptionSettings | null> {
    const cached = this.#cache.get(appId);
    if (cached) return cached.value;
    const writes = this.#writes;
    const settings = (await findEncryption(this.#db, appId)) ?? null;
    if (writes === this.#writes) this.#cache.set(appId, settings);
    return settings;
  }

  async #store(appId: number, settings: EncryptionSettings | null): Promise<void> {
    this.#forget(appId);
    let found: boolean;
    try {
      found = await storeEncryption(this.#db, appId, settings);
    } finally {
      this.#forget(appId);
    }
    if (!found) throw new AppError('invalid_token');
  }

  #forget(appId: number): void {
    this.#writes++;
    this.#cache.delete(appId);
  }
}
