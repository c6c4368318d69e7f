// The bounded caches on lru-cache (issue 10): the TTS cache by entries, the settings cache by
// entries and age. Their callers' own tests cover what is cached; these pin the bounds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruCache } from '../../src/dialogue/tts/lru-cache.ts';
import { TtlCache } from '../../src/modules/encryption/ttl-cache.ts';

describe('LruCache (TTS utterances)', () => {
  it('keeps at most its number of entries, dropping the least recently used', () => {
    const cache = new LruCache<string, string>(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    assert.equal(cache.get('a'), 'A'); // a is now the most recently used
    cache.set('c', 'C');
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b'), undefined, 'b was the least recently used');
    assert.equal(cache.get('a'), 'A');
    assert.equal(cache.get('c'), 'C');
  });

  it('forgets a deleted entry', () => {
    const cache = new LruCache<string, Promise<number>>(4);
    const pending = Promise.resolve(1);
    cache.set('k', pending);
    assert.equal(cache.get('k'), pending);
    cache.delete('k');
    assert.equal(cache.get('k'), undefined);
  });
});

describe('TtlCache (settings)', () => {
  it('answers until the age reaches the TTL, on an injected clock that starts at 0', () => {
    let now = 0;
    const cache = new TtlCache<number, string | null>(1_000, 10, () => now);
    cache.set(1, null);
    now = 999;
    assert.deepEqual(cache.get(1), { value: null }, 'a cached null is an answer');
    now = 1_000;
    assert.equal(cache.get(1), undefined);
  });

  it('drops the least recently used entry past its size', () => {
    const cache = new TtlCache<number, string>(60_000, 2, () => 5);
    cache.set(1, 'one');
    cache.set(2, 'two');
    cache.get(1);
    cache.set(3, 'three');
    assert.equal(cache.get(2), undefined);
    assert.deepEqual(cache.get(1), { value: 'one' });
    assert.deepEqual(cache.get(3), { value: 'three' });
  });
});
