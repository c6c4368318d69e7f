import { LRUCache } from 'lru-cache';
import type { TokenOwner } from './auth.repository.ts';

/** How long a process trusts a token lookup before reading the store again (docs/api-calls.md). */
export const TOKEN_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Recent token lookups, by token hash: every authenticated request needs its token's app, and
 * the same few tokens come back thousands of times a second. Bounded (least recently used goes
 * first) and short-lived, because other processes cannot clear it: a token revoked elsewhere
 * stops working here within the TTL. A revocation in this process clears the app's entries at
 * once, and a lookup that overlapped it is not cached. Only found tokens are kept: unknown ones
 * cannot fill it. lru-cache keeps the bound and the use order; the expiry is checked here, on
 * the injected clock, because lru-cache's own `ttl` reads a start time of 0 as "never expires".
 */
export class TokenCache {
  readonly #entries = new LRUCache<string, { owner: TokenOwner; until: number }>({
    max: MAX_ENTRIES,
  });
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Bumped by every invalidation, so a lookup that overlapped one is not stored. */
  #generation = 0;

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? TOKEN_CACHE_TTL_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  get(hash: string): TokenOwner | undefined {
    const entry = this.#entries.get(hash); // now the most recently used
    if (!entry) return undefined;
    if (entry.until <= this.#now()) {
      this.#entries.delete(hash);
      return undefined;
    }
    return entry.owner;
  }

  /** The generation to pass to `set` with the result of a lookup started now. */
  generation(): number {
    return this.#generation;
  }

  set(hash: string, owner: TokenOwner, generation: number): void {
    if (generation !== this.#generation || this.#ttlMs <= 0) return;
    this.#entries.set(hash, { owner, until: this.#now() + this.#ttlMs });
  }

  /** Forgets every token of the app (its secret rotated, its tokens revoked or renewed). */
  invalidateApp(appId: number): void {
    this.#generation += 1;
    const gone = [...this.#entries.entries()].filter(([, entry]) => entry.owner.app_id === appId);
    for (const [hash] of gone) this.#entries.delete(hash);
  }
}
