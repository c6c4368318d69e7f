import type { CallOutcome } from '../../tasks/call-access.ts';

// The PDS hangupReason codes (spec/workflow-api.md §18, as JULO's client reads them) and the rule
// that picks one for a call's end (docs/pds-dialer.md, "hangupReason"). Where the spec gives a
// code no meaning we can observe, the choice is ours and the page says why.

export const HANGUP_REASON = {
  unknown: 0,
  /** Answered, and no agent took the call within the connect limit: abandoned. */
  noAgent: 1,
  normal: 2,
  busy: 3,
  notInUse: 4,
  invalid: 8,
  wrongNumber: 9,
  talked: 12,
  userHangUp: 14,
  amd: 16,
  attemptLimits: 18,
  /** The person hung up during the robot's opening or while waiting for an agent. */
  shortAbandoned: 19,
  dnc: 20,
} as const;

export type HangupReason = (typeof HANGUP_REASON)[keyof typeof HANGUP_REASON];

/** What the driver learnt about a call, enough to name its hangupReason. */
export interface CallFacts {
  outcome: CallOutcome;
  /** The answering-machine detector said machine, or the robot heard a voicemail greeting. */
  machine: boolean;
  wrongParty: boolean;
  bridged: boolean;
  abandoned: boolean;
  /** The person hung up before an agent took the call. */
  calleeLeftEarly: boolean;
}

export function hangupReasonOf(facts: CallFacts): HangupReason {
  if (facts.bridged) return HANGUP_REASON.talked;
  if (facts.abandoned) return HANGUP_REASON.noAgent;
  switch (facts.outcome) {
    case 'busy':
      return HANGUP_REASON.busy;
    case 'invalid':
      return HANGUP_REASON.invalid;
    case 'no_answer':
      // Rang out to the ring limit: a normal clearing; the detail's callResultType says no answer.
      return HANGUP_REASON.normal;
    // A network failure (failed): the list (spec/workflow-api.md) has no reason for it either.
    case 'interrupted':
    case 'not_dialled':
    case 'failed':
      return HANGUP_REASON.unknown;
    default:
  }
  if (facts.machine || facts.outcome === 'voicemail') return HANGUP_REASON.amd;
  if (facts.wrongParty) return HANGUP_REASON.wrongNumber;
  if (facts.calleeLeftEarly) return HANGUP_REASON.shortAbandoned;
  return HANGUP_REASON.normal;
}
