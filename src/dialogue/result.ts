import type { OutcomeName } from './script/robot-script.ts';
import type { Segment } from './timeline.ts';
import type { QuestionAnswer } from './verify.ts';

// What a conversation gives, in the domain's own words. The AIRudder result fields (ner_slots,
// multi_label, asr_ptp, question_answer, talk_round, asr_result) are made from it at the edge,
// by the tasks module (src/modules/tasks/airudder-result.ts).

/** A robot (or agent) line, by its segment in the recording, with what was heard in answer. */
export interface Turn {
  segment: number;
  robotText: string;
  heardText: string;
  /** Set when a human agent wrote or spoke the line instead of the robot. */
  agent?: string;
}

export interface ConversationResult {
  endedBy: 'robot' | 'callee';
  /** The end node that closed the conversation, or the outcome that cut it short. */
  endedAt: { node: string } | { outcome: OutcomeName };
  /** The intention letter of the end node or outcome, and what it means. */
  intention: string;
  intentionDescription: string;
  /** Slot name -> normalised value, from collect nodes. */
  slots: Record<string, string>;
  /** Labels gathered from ask-node intents and the end label. */
  labels: Record<string, string>;
  /** The promise-to-pay date ('' when none). */
  ptpDate: string;
  /**
   * Verify-node results. Still in the AIRudder question_answer item shape: verify.ts builds it
   * and it is the spec's own record of a check (renaming it would ripple into the wire for no gain).
   */
  answers: QuestionAnswer[];
  turns: Turn[];
  /** What the recording hears, in order. */
  segments: Segment[];
  /** Answers heard (the callee's turns). */
  talkRounds: number;
}

/** The result of a conversation that has just begun. */
export function emptyResult(): ConversationResult {
  return {
    endedBy: 'robot',
    endedAt: { outcome: 'max_rounds' },
    intention: '',
    intentionDescription: '',
    slots: {},
    labels: {},
    ptpDate: '',
    answers: [],
    turns: [],
    segments: [],
    talkRounds: 0,
  };
}
