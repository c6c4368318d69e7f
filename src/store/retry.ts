import { backOff } from 'exponential-backoff';

// Errors after which the same transaction may succeed if run again: lock conflicts, and a
// connection lost while the server restarts.
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300']);
const TRANSIENT_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    return (
      error instanceof Error &&
      /Connection terminated|connection is closed|connection error and is not queryable/i.test(
        error.message,
      )
    );
  }
  return TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || TRANSIENT_NET.has(code);
}

/** The longest single wait between tries, before jitter. */
const MAX_DELAY_MS = 5_000;

/**
 * Runs fn again after transient failures, with exponential backoff and full jitter
 * (exponential-backoff; the delays are those of shared/backoff.ts); other errors pass through
 * at once. Jitter spreads the retries of every worker that lost the same server. The default
 * budget (34 tries, about 70 s of waits on average, since full jitter halves each wait on
 * average) outlasts a server restart or a managed failover: the dialer's call ends exist only
 * in memory until written, and one given up on leaves its call dialling under a live worker
 * that nothing reclaims (test/faults/db-restart).
 */
export function withRetry<T>(fn: () => Promise<T>, attempts = 34, baseMs = 50): Promise<T> {
  return backOff(fn, {
    numOfAttempts: attempts,
    startingDelay: baseMs,
    timeMultiple: 2,
    maxDelay: MAX_DELAY_MS,
    jitter: 'full',
    retry: (error) => isTransient(error),
  });
}
