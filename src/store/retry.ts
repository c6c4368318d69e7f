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

/**
 * Runs fn again after transient failures, with exponential backoff; other errors pass through.
 * The default budget (20 tries, about 70 s of waits) outlasts a server restart or a managed
 * failover: the dialer's call ends exist only in memory until written, and one given up on
 * leaves its call dialling under a live worker that nothing reclaims (test/faults/db-restart).
 */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 20, baseMs = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, baseMs * 2 ** (i - 1))));
    }
  }
}
