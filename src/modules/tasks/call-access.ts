import type { Queryable } from '../../store/db.ts';
import * as calls from './calls.repository.ts';

// What the dialer module may ask of the tasks module's calls (attempts). It never imports
// calls.repository.ts (the lint rule in eslint.config.js refuses it); these functions are the
// seam, as task-access.ts is for tasks.

export type {
  CallEnd,
  CallOutcome,
  CallResult,
  CallRow,
  CallTelephony,
} from './calls.repository.ts';
export { resultWithoutTalk } from './calls.repository.ts';

/** Attempts still dialling under workers whose row is gone (a crashed process). */
export function dialingCallsOfGoneWorkers(
  q: Queryable,
  ownerGone: string,
): Promise<calls.CallRow[]> {
  return calls.dialingCallsOfGoneWorkers(q, ownerGone);
}

/** Attempts dialling under one worker's id. */
export function dialingCallsOfWorker(q: Queryable, workerId: string): Promise<calls.CallRow[]> {
  return calls.dialingCallsOfWorker(q, workerId);
}
