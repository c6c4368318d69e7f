import { LRUCache } from 'lru-cache';
import type { Db, Queryable } from '../../store/db.ts';
import {
  channelsByPk,
  channelsByPublicId,
  findChannel,
  type ChannelRecord,
} from './channels.repository.ts';

/**
 * How long a channel row read for a send or a webhook is reused: a chatbot turn reads its
 * channel several times and every provider webhook POST looks its channel up. A change made
 * through the messaging service clears the cache at once; one made by another process applies
 * within this. Misses are not cached.
 */
const CHANNEL_CACHE_MS = 2_000;

/** Channel rows by the three keys they are looked up by, each kept CHANNEL_CACHE_MS. */
export class ChannelCache {
  readonly #byAppAndId = new LRUCache<string, ChannelRecord>({
    max: 10_000,
    ttl: CHANNEL_CACHE_MS,
  });
  readonly #byPublicId = new LRUCache<string, ChannelRecord[]>({
    max: 10_000,
    ttl: CHANNEL_CACHE_MS,
  });
  readonly #byPk = new LRUCache<number, ChannelRecord>({ max: 10_000, ttl: CHANNEL_CACHE_MS });

  /** A channel of the app by its public id. */
  async of(q: Queryable, appId: number, channelId: string): Promise<ChannelRecord | undefined> {
    const key = `${appId}\u0000${channelId}`;
    const cached = this.#byAppAndId.get(key);
    if (cached) return cached;
    const channel = await findChannel(q, appId, channelId);
    if (channel) this.#byAppAndId.set(key, channel);
    return channel;
  }

  /** A channel by its row id, as jobs and NOTIFYs name it. */
  async byPk(q: Queryable, pk: number): Promise<ChannelRecord | undefined> {
    const cached = this.#byPk.get(pk);
    if (cached) return cached;
    const channel = (await channelsByPk(q, [pk])).get(pk);
    if (channel) this.#byPk.set(pk, channel);
    return channel;
  }

  /** Every app's WhatsApp channels with this public id (a webhook URL names only that). */
  async whatsapp(db: Db, channelId: string): Promise<ChannelRecord[]> {
    const cached = this.#byPublicId.get(channelId);
    if (cached) return cached;
    const channels = await channelsByPublicId(db, channelId, 'whatsapp');
    if (channels.length > 0) this.#byPublicId.set(channelId, channels);
    return channels;
  }

  clear(): void {
    this.#byAppAndId.clear();
    this.#byPublicId.clear();
    this.#byPk.clear();
  }
}
