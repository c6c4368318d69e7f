import type { ConversationResult } from '../../dialogue/conversation.ts';
import type { Timing } from '../../dialogue/timeline.ts';
import { formatOffset } from '../../shared/time.ts';
import type { CallResult } from './calls.repository.ts';

// The edge between the conversation engine's domain result and the AIRudder call result that
// the API, the webhooks and the calls table carry: the AIRudder names live here, not in dialogue.

/**
 * An answered call's AIRudder result: `timing` places each transcript line (asr_result.time)
 * where the recording, or the estimate made without one, has it.
 */
export function toAirudderResult(result: ConversationResult, timing: Timing): CallResult {
  return {
    ring_type: 'normal',
    intention: result.intention,
    intention_description: result.intentionDescription,
    talk_round: result.talkRounds,
    ner_slots: result.slots,
    slots: '',
    multi_label: result.labels,
    asr_ptp: result.ptpDate,
    asr_result: result.turns.map((t) => ({
      time: formatOffset(timing.offsets[t.segment] ?? 0),
      robottext: t.robotText,
      text: t.heardText,
    })),
    question_answer: result.answers,
  };
}
