import { LRUCache } from 'lru-cache';

/**
 * A small map whose entries expire `ttlMs` after they were set, bounded in size (the least
 * recently used entry goes first, by lru-cache). Only for values that may be a little stale:
 * other processes do not invalidate it.
 *
 * The expiry is checked here rather than with lru-cache's own `ttl`: that one keeps an entry
 * until its age passes the TTL and reads a start time of 0 as "no TTL", while this cache's
 * contract (test/encryption/transport.test.ts, on an injected clock that starts at 0) is that an
 * entry is gone once its age reaches `ttlMs`.
 */
export class TtlCache<K extends NonNullable<unknown>, V> {
  readonly #entries: LRUCache<K, { value: V; expiresAt: number }>;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, maxEntries = 10_000, now: () => number = Date.now) {
    this.#entries = new LRUCache({ max: maxEntries });
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The entry, or undefined when absent or expired. */
  get(key: K): { value: V } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  set(key: K, value: V): void {
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}
