import { LRUCache } from 'lru-cache';

/**
 * A map that keeps at most `maxEntries` entries, dropping the least recently used first
 * (lru-cache's `max`; docs/dependencies.md). Bounded by entries, not bytes: the TTS cache holds
 * promises of utterances whose size is known only when they resolve.
 */
export class LruCache<
  K extends NonNullable<unknown>,
  V extends NonNullable<unknown>,
> extends LRUCache<K, V> {
  constructor(maxEntries: number) {
    super({ max: maxEntries });
  }
}
