// The two limits a sender meets on the Cloud API: throughput per phone number (80 messages/s by
// default, up to 1,000 after Meta's upgrade; 130429 beyond) and the pair rate per (number,
// person): about one message per 6 s, with a burst that borrows against later ones (131056).

/** A token bucket: `capacity` tokens, refilled at `perMs` tokens per millisecond. */
export class TokenBucket {
  #capacity: number;
  #perMs: number;
  #tokens: number;
  #at: number;

  constructor(capacity: number, perMs: number, now: number) {
    this.#capacity = capacity;
    this.#perMs = perMs;
    this.#tokens = capacity;
    this.#at = now;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export interface RateLimitSettings {
  /** Messages per second per phone number id (default 80; Meta allows up to 1,000). */
  throughput: number;
  /** Messages to one person allowed at once (default 45, Meta's documented burst). */
  pairBurst: number;
  /** One message to a person per this many ms once the burst is spent (default 6,000). */
  pairIntervalMs: number;
}

export class RateLimits {
  readonly #settings: RateLimitSettings;
  readonly #throughput = new Map<string, { perSecond: number; bucket: TokenBucket }>();
  readonly #perNumber = new Map<string, number>();
  readonly #pairs = new Map<string, TokenBucket>();

  constructor(settings: RateLimitSettings) {
    this.#settings = settings;
  }

  setThroughput(phoneNumberId: string, perSecond: number): void {
    this.#perNumber.set(phoneNumberId, perSecond);
    this.#throughput.delete(phoneNumberId);
  }

  /** 130429, 131056 or undefined (the send may go). A refused send spends no pair token. */
  check(phoneNumberId: string, to: string, now: number): 130429 | 131056 | undefined {
    const perSecond = this.#perNumber.get(phoneNumberId) ?? this.#settings.throughput;
    let entry = this.#throughput.get(phoneNumberId);
    if (!entry || entry.perSecond !== perSecond) {
      // A one-second burst: a number at 80/s may send 80 at once, then 80 more over a second.
      entry = { perSecond, bucket: new TokenBucket(perSecond, perSecond / 1000, now) };
      this.#throughput.set(phoneNumberId, entry);
    }
    if (!entry.bucket.take(now)) return 130429;
    const key = `${phoneNumberId}\u0000${to}`;
    let pair = this.#pairs.get(key);
    if (!pair) {
      const { pairBurst, pairIntervalMs } = this.#settings;
      pair = new TokenBucket(pairBurst, 1 / pairIntervalMs, now);
      this.#pairs.set(key, pair);
    }
    return pair.take(now) ? undefined : 131056;
  }
}
