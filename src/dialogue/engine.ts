import type { CalleeAgent, Prompt } from '../channels/telephony/carrier.ts';
import type { Nlu, NluContext, SlotType } from './nlu/nlu.ts';
import type { OutcomeName, RobotDefinition, RobotLabel, RobotNode } from './script/robot-script.ts';
import { variableTypes } from './script/variables.ts';
import { fillTemplate, type Speech, type Vars } from './template.ts';
import type { Segment } from './timeline.ts';
import { verifyAnswer, type QuestionAnswer } from './verify.ts';

// Runs one conversation: the robot walks its graph, the callee answers through a CalleeAgent
// (a simulated persona, or speech recognition on a real call), the NLU places each answer.

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
  callee: CalleeAgent;
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

const DEFAULT_MAX_ROUNDS = 12;

export async function converse(options: RunOptions): Promise<Conversation> {
  return new ConversationRun(options).run();
}

class ConversationRun {
  readonly #o: RunOptions;
  readonly #vars: Vars;
  readonly #ctx: NluContext;
  readonly #speech: Speech;
  readonly #c: Conversation = {
    segments: [],
    turns: [],
    talk_round: 0,
    endedBy: 'robot',
    endedAt: { outcome: 'max_rounds' },
    intention: '',
    intention_description: '',
    ner_slots: {},
    multi_label: {},
    asr_ptp: '',
    question_answer: [],
  };
  #rounds = 0;
  #silences = 0;
  #misses = 0;

  constructor(options: RunOptions) {
    this.#o = options;
    this.#vars = { ...options.vars };
    this.#ctx = { ...options.context, language: options.robot.language };
    this.#speech = {
      language: options.robot.language,
      types: variableTypes(options.robot),
      now: options.context.now,
      timeZone: options.context.timeZone,
    };
  }

  async run(): Promise<Conversation> {
    const { robot } = this.#o;
    let nodeId = robot.start;
    for (;;) {
      const node = robot.nodes[nodeId];
      if (!node) throw new Error(`robot "${robot.name}" has no node "${nodeId}"`);
      if (this.#rounds >= (robot.max_rounds ?? DEFAULT_MAX_ROUNDS))
        return this.#giveUp('max_rounds', robot.no_match.give_up);
      const turn = this.#robotSays(this.#fill(this.#line(node)));
      if (node.type === 'end') return this.#end({ node: nodeId }, node);
      if (node.type === 'say') {
        nodeId = node.next;
        continue;
      }
      const reply = await this.#o.callee.respond(this.#prompt(node, turn));
      if ('hangup' in reply) {
        this.#c.endedBy = 'callee';
        return this.#end({ outcome: 'hung_up' }, robot.outcomes.hung_up);
      }
      if ('silenceSeconds' in reply) {
        this.#c.segments.push({ silenceSeconds: reply.silenceSeconds });
        if (++this.#silences > robot.no_input.reprompts.length) {
          if (node.type === 'verify')
            this.#c.question_answer.push(verifyAnswer(node, this.#vars, null, null));
          return this.#giveUp('no_input', robot.no_input.give_up);
        }
        this.#robotSays(this.#fill(robot.no_input.reprompts[this.#silences - 1]!));
        continue;
      }
      this.#heard(turn, reply.text);
      if (isVoicemail(reply.text, robot.voicemail_phrases))
        return this.#end({ outcome: 'voicemail' }, robot.outcomes.voicemail);
      const next = await this.#understand(node, reply.text);
      if (next === undefined) {
        if (++this.#misses > robot.no_match.reprompts.length) {
          const fallback = node.type === 'ask' ? node.next.no_match : undefined;
          if (!fallback) return this.#giveUp('no_match', robot.no_match.give_up);
          nodeId = fallback;
          this.#misses = 0;
          continue;
        }
        this.#robotSays(this.#fill(robot.no_match.reprompts[this.#misses - 1]!));
        continue;
      }
      this.#silences = 0;
      this.#misses = 0;
      nodeId = next;
    }
  }

  /** The next node for an answer, or undefined when the answer fits nothing the node expects. */
  async #understand(
    node: Exclude<RobotNode, { type: 'say' | 'end' }>,
    text: string,
  ): Promise<string | undefined> {
    const { nlu } = this.#o;
    if (node.type === 'ask') {
      const options = Object.entries(node.intents).map(([name, phrases]) => ({ name, phrases }));
      const { intent } = await nlu.classify(text, options, this.#ctx);
      if (!intent) return undefined;
      Object.assign(this.#c.multi_label, node.labels?.[intent] ?? {});
      return node.next[intent];
    }
    if (node.type === 'collect') {
      if (node.intents) {
        const options = Object.entries(node.intents).map(([name, phrases]) => ({ name, phrases }));
        const { intent } = await nlu.classify(text, options, this.#ctx);
        if (intent) return node.on_intent?.[intent];
      }
      const value = await nlu.extract(text, node.slot_type, this.#ctx);
      if (value === null) return undefined;
      this.#c.ner_slots[node.slot] = value;
      this.#vars[node.slot] = value;
      if (node.ptp) this.#c.asr_ptp = value;
      return node.next;
    }
    const value = await nlu.extract(text, node.slot_type, this.#ctx);
    const answer = verifyAnswer(node, this.#vars, text, value);
    this.#c.question_answer.push(answer);
    return answer.verification_results === 'Match' ? node.next : (node.next_mismatch ?? node.next);
  }

  #prompt(node: Exclude<RobotNode, { type: 'say' | 'end' }>, turn: number): Prompt {
    const text = this.#c.turns[turn]!.robottext;
    const { language, business_line: businessLine } = this.#o.robot;
    switch (node.type) {
      case 'ask':
        return {
          language,
          businessLine,
          text,
          expects: { kind: 'intent', intents: Object.keys(node.intents) },
        };
      case 'collect':
        return {
          language,
          businessLine,
          text,
          expects: {
            kind: 'slot',
            slotType: node.slot_type as SlotType,
            intents: Object.keys(node.intents ?? {}),
          },
        };
      case 'verify':
        return {
          language,
          businessLine,
          text,
          expects: {
            kind: 'verify',
            slotType: node.slot_type,
            expected: fillTemplate(node.expect, this.#vars),
          },
        };
    }
  }

  /** The node's line; an opt-out closing line must not promise what the app will not do. */
  #line(node: RobotNode): string {
    if (node.type === 'end' && this.#o.optOutListed === false && node.say_when_not_listed)
      return node.say_when_not_listed;
    return node.say;
  }

  #fill(template: string): string {
    return fillTemplate(template, this.#vars, this.#speech);
  }

  #robotSays(text: string): number {
    this.#rounds += 1;
    this.#c.segments.push({ speaker: 'robot', text });
    this.#c.turns.push({ segment: this.#c.segments.length - 1, robottext: text, text: '' });
    return this.#c.turns.length - 1;
  }

  #heard(turn: number, text: string): void {
    this.#c.segments.push({ speaker: 'callee', text });
    const row = this.#c.turns[turn]!;
    row.text = row.text ? `${row.text} ${text}` : text;
    this.#c.talk_round += 1;
  }

  #giveUp(outcome: OutcomeName, goodbye: string): Conversation {
    this.#robotSays(this.#fill(goodbye));
    return this.#end({ outcome }, this.#o.robot.outcomes[outcome]);
  }

  #end(at: Conversation['endedAt'], label: RobotLabel): Conversation {
    this.#c.endedAt = at;
    this.#c.intention = label.intention;
    this.#c.intention_description = label.description;
    Object.assign(this.#c.multi_label, label.labels ?? {});
    return this.#c;
  }
}

function isVoicemail(text: string, phrases: string[]): boolean {
  const said = simplify(text);
  return phrases.some((p) => said.includes(simplify(p)));
}

function simplify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
