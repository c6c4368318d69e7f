// Why a call did not connect, from its final SIP status: the call-control causes that the dialer
// and the redial strategies act on (docs/call-control.md). The status and reason phrase are kept
// beside the cause for the call record, since "failed" covers many different answers.
import type { NotConnectedCause } from '../../call-control.ts';

export interface CallFailure {
  cause: NotConnectedCause;
  status: number;
  reason: string;
}

const BUSY = new Set([486, 600]);
// 408 Request Timeout (also our local timer B), 480 Temporarily Unavailable, 487 Request
// Terminated (we cancelled at the ring timeout).
const NO_ANSWER = new Set([408, 480, 487]);
// The number is wrong: not found, gone, bad URI, address incomplete, ambiguous, does not exist.
const INVALID = new Set([404, 410, 416, 484, 485, 604]);

/**
 * The cause of a final, non-2xx status. Everything not listed (401/403/407 after our credentials,
 * other 4xx, 5xx, 6xx, and 3xx redirects that we do not follow) is `failed`.
 */
export function causeOfStatus(status: number): NotConnectedCause {
  if (BUSY.has(status)) return 'busy';
  if (NO_ANSWER.has(status)) return 'no_answer';
  if (INVALID.has(status)) return 'invalid';
  return 'failed';
}

/** The cause with the status and reason it came from, for the call record. */
export function failureOf(status: number, reason: string): CallFailure {
  return { cause: causeOfStatus(status), status, reason };
}
