import type { Nlu, NluContext } from './nlu/nlu.ts';
import type { Action, Respondent, TurnInput } from './ports/turn.ts';
import type { ConversationResult } from './result.ts';
import type { OutcomeName, RobotDefinition } from './script/robot-script.ts';
import { ConversationMachine } from './step-machine.ts';
import type { Vars } from './template.ts';
import type { Segment } from './timeline.ts';
import type { QuestionAnswer } from './verify.ts';

// The in-memory voice driver: runs a whole conversation against a Respondent (a simulated
// persona) through the step machine, and hands back the result in the shape the dialer and the
// plan forecast read today.
//
// Deprecated for voice: call control drives live calls through startConversation /
// stepConversation (conversation.ts) and maps the domain result at the edge. This stays until
// the dialer and the forecast have moved.

/** @deprecated for voice calls: the legacy, AIRudder-named view of a ConversationResult. */
export interface Conversation {
  /** What the recording hears, in order. */
  segments: Segment[];
  /** The transcript: each robot line (by its segment) with the callee's answer to it. */
  turns: Array<{ segment: number; robottext: string; text: string }>;
  talk_round: number;
  endedBy: 'robot' | 'callee';
  /** The end node that closed the call, or the outcome that cut it short. */
  endedAt: { node: string } | { outcome: OutcomeName };
  intention: string;
  intention_description: string;
  ner_slots: Record<string, string>;
  multi_label: Record<string, string>;
  asr_ptp: string;
  question_answer: QuestionAnswer[];
}

export interface RunOptions {
  robot: RobotDefinition;
  vars: Vars;
  /** Who answers: a simulated persona (the plan forecast and the tests drive whole conversations). */
  callee: Respondent;
  nlu: Nlu;
  /** When the call was answered, and the callee's zone (for "tomorrow"). */
  context: Omit<NluContext, 'language'>;
  /**
   * Whether a verbal opt-out puts the number on the app's DNC list (the app's
   * `auto_dnc_on_optout`, on by default). When it does not, an opt-out end node says its
   * `say_when_not_listed` line instead of promising not to call again.
   */
  optOutListed?: boolean;
}

/** @deprecated for voice calls (see the file's comment); the dialer and the forecast use it. */
export async function converse(options: RunOptions): Promise<Conversation> {
  return legacyConversation(await runConversation(options));
}

/** The same run, with the domain result. */
export async function runConversation(options: RunOptions): Promise<ConversationResult> {
  const { robot } = options;
  // One machine for the whole call: the state stays in memory and is changed in place.
  const machine = ConversationMachine.begin({
    robot,
    vars: options.vars,
    now: options.context.now,
    timeZone: options.context.timeZone,
    optOutListed: options.optOutListed,
    channel: 'voice',
  });
  let actions: Action[] = machine.start();
  for (;;) {
    const last = actions[actions.length - 1]!;
    if (last.type === 'end') return last.result;
    if (last.type !== 'listen')
      throw new Error(`unexpected action "${last.type}" at the end of a step`);
    const reply = await options.callee.respond({
      language: robot.language,
      businessLine: robot.business_line,
      text: machine.pendingLine,
      expects: last.expects,
    });
    const input: TurnInput =
      'hangup' in reply
        ? { kind: 'hangup' }
        : 'silenceSeconds' in reply
          ? { kind: 'silence', seconds: reply.silenceSeconds }
          : { kind: 'speech', text: reply.text };
    actions = await machine.handle(input, options.nlu);
  }
}

/** The legacy field names, from the domain result. */
export function legacyConversation(r: ConversationResult): Conversation {
  return {
    segments: r.segments,
    turns: r.turns.map((t) => ({ segment: t.segment, robottext: t.robotText, text: t.heardText })),
    talk_round: r.talkRounds,
    endedBy: r.endedBy,
    endedAt: r.endedAt,
    intention: r.intention,
    intention_description: r.intentionDescription,
    ner_slots: r.slots,
    multi_label: r.labels,
    asr_ptp: r.ptpDate,
    question_answer: r.answers,
  };
}
