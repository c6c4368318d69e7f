import { LRUCache } from 'lru-cache';
import type { SigningKeyOwnerRow } from './signing-keys.repository.ts';

/** How long a process trusts a signing-key lookup before reading the store again. */
export const SIGNING_KEY_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Recent lookups of active signing keys, by key id: every signed request needs its key's secret,
 * and the same few keys come back for every request. The token cache's pattern (token-cache.ts):
 * bounded, short-lived because other processes cannot clear it (a key revoked or made strict
 * elsewhere applies here within the TTL), cleared at once for a change made in this process, and
 * a lookup that overlapped such a change is not stored. Only found keys are kept, so unknown ids
 * cannot fill it.
 */
export class SigningKeyCache {
  readonly #entries = new LRUCache<string, { key: SigningKeyOwnerRow; until: number }>({
    max: MAX_ENTRIES,
  });
  readonly #ttlMs: number;
  readonly #now: () => number;
  #generation = 0;

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? SIGNING_KEY_CACHE_TTL_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  get(keyId: string): SigningKeyOwnerRow | undefined {
    const entry = this.#entries.get(keyId);
    if (!entry) return undefined;
    if (entry.until <= this.#now()) {
      this.#entries.delete(keyId);
      return undefined;
    }
    return entry.key;
  }

  /** The generation to pass to `set` with the result of a lookup started now. */
  generation(): number {
    return this.#generation;
  }

  set(key: SigningKeyOwnerRow, generation: number): void {
    if (generation !== this.#generation || this.#ttlMs <= 0) return;
    this.#entries.set(key.key_id, { key, until: this.#now() + this.#ttlMs });
  }

  /** Forgets the key (revoked, or its lenient flag changed). */
  invalidate(keyId: string): void {
    this.#generation += 1;
    this.#entries.delete(keyId);
  }
}
