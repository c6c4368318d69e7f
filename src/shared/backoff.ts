// How long to wait before trying again, shared by everything that retries: exponential growth
// from `baseMs`, capped at `maxMs`, and by default "full jitter" (a uniform draw between 0 and
// that delay). The jitter is what matters when many callers failed together (a database
// restart, a receiver coming back): without it they all retry at the same instant again.
// src/store/retry.ts runs its loop on exponential-backoff, which draws its delays by this same
// formula; this function is for schedulers that store the next attempt's time instead of
// sleeping (the webhook deliverer, the job queue), which no retry library offers.

export interface BackoffOptions {
  /** The delay after the first failure, before jitter. */
  baseMs: number;
  /** No delay grows past this, before jitter. */
  maxMs: number;
  /** `full` (default): uniform in [0, delay]; `none`: exactly the delay. */
  jitter?: 'full' | 'none';
  /** A source of numbers in [0, 1), for tests; Math.random by default. */
  random?: () => number;
}

/**
 * The delay before the next try after `attempt` failures (1 = the first failure):
 * min(maxMs, baseMs × 2^(attempt − 1)), then jittered. Whole milliseconds.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2 ** 1100 is Infinity, which Math.min turns back into maxMs: no overflow to guard.
  const capped = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  if (options.jitter === 'none') return Math.round(capped);
  return Math.round((options.random ?? Math.random)() * capped);
}
