// How a failed job is tried again. The delay grows exponentially from baseDelayMs up to
// maxDelayMs, and each try waits a random time below that ceiling ("full jitter"): jobs that
// failed together (a store that went away, a provider outage) do not all come back in the same
// instant and fail together again.

/** How a queue retries: exponential backoff from baseDelayMs, capped, up to maxAttempts runs. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetry: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 1_000,
  maxDelayMs: 3_600_000,
};

/** The ceiling of the wait after the given attempt (1 for the first run). */
export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * The wait before the next try: uniform between 0 and the ceiling, whole milliseconds. `random`
 * is there for tests; the shared backoff helper (src/shared/backoff.ts, once it exists) can
 * replace this body without changing a caller.
 */
export function jitteredDelayMs(
  policy: RetryPolicy,
  attempts: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * (retryDelayMs(policy, attempts) + 1));
}
