import type { CarrierCause, NotConnectedCause } from '../../channels/telephony/call-control.ts';
import type { ConversationResult } from '../../dialogue/result.ts';
import type { Timing } from '../../dialogue/timeline.ts';
import { toAirudderResult } from '../tasks/airudder-result.ts';
import { resultWithoutTalk, type CallEnd, type CallOutcome } from '../tasks/call-access.ts';
import type { ClaimedCall } from './dial-claims.ts';

// How an attempt's end is written: the outcome, ring time, hang-up side and the AIRudder result
// fields (toAirudderResult, the tasks module's edge), from the connect outcome or the domain result.

/** How an answered call ended, from its conversation: the plan forecast uses the same rule. */
export function outcomeOfTalk(talk: Pick<ConversationResult, 'endedBy' | 'endedAt'>): CallOutcome {
  if ('outcome' in talk.endedAt && talk.endedAt.outcome === 'voicemail') return 'voicemail';
  return talk.endedBy === 'callee' ? 'hangup' : 'answered';
}

function endedAt(call: ClaimedCall, seconds: number): Date {
  return new Date(call.startedAt.getTime() + seconds * 1000);
}

/**
 * A call that never connected: the robot's label for that outcome, no talk. A network failure
 * (`failed`) has no label of its own in a robot: it takes the no-answer letter, and its
 * description and ring type say what the line said.
 */
export function endWithoutTalk(
  call: ClaimedCall,
  outcome: NotConnectedCause,
  ringSeconds: number,
  carrierCause?: CarrierCause,
): CallEnd {
  const label = call.robot.outcomes[outcome === 'failed' ? 'no_answer' : outcome];
  const cause = carrierCause ? ` (SIP ${carrierCause.code} ${carrierCause.reason})` : '';
  return {
    outcome,
    endedAt: endedAt(call, ringSeconds),
    ringTime: ringSeconds,
    hangupType: outcome === 'busy' ? 'ByCallee' : 'BySystem',
    result: resultWithoutTalk(
      outcome === 'no_answer' ? 'normal' : outcome === 'failed' ? 'network_error' : outcome,
      label.intention,
      outcome === 'failed' ? `Network error${cause}` : label.description,
    ),
    ...(carrierCause ? { telephony: { carrierCause } } : {}),
  };
}

/** An answered call: its conversation, timed by the recording (or the estimate). */
export function endOfTalk(
  call: ClaimedCall,
  talk: ConversationResult,
  ringSeconds: number,
  timing: Timing,
): CallEnd {
  return {
    outcome: outcomeOfTalk(talk),
    endedAt: endedAt(call, ringSeconds + timing.totalSeconds),
    ringTime: ringSeconds,
    hangupType: talk.endedBy === 'callee' ? 'ByCallee' : 'ByRobot',
    result: toAirudderResult(talk, timing),
  };
}
