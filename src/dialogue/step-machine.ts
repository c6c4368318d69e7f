import type { ConversationSetup, ConversationState } from './conversation.ts';
import type { Nlu, NluContext } from './nlu/nlu.ts';
import type { Action, Expectation, TurnInput } from './ports/turn.ts';
import { emptyResult, type ConversationResult } from './result.ts';
import type { OutcomeName, RobotDefinition, RobotLabel, RobotNode } from './script/robot-script.ts';
import { chosenIntent } from './script/choices.ts';
import { listenFor, listenForAnswer, type Question } from './listen-action.ts';
import { variableTypes } from './script/variables.ts';
import { fillTemplate, type Speech } from './template.ts';
import { verifyAnswer } from './verify.ts';
import { isVoicemail } from './voicemail.ts';

// The step machine behind startConversation/stepConversation: it walks the robot's graph from
// the node waiting for an answer to the next one that waits (or to an end), changing the state
// it was given in place. The in-memory voice driver (converse) keeps one machine for a whole
// call; the step function gives each step a copy.

const DEFAULT_MAX_ROUNDS = 12;

export { LISTEN_TIMEOUT_SECONDS } from './listen-action.ts';

/** Asked of an input when the conversation is already over. */
export class ConversationEndedError extends Error {
  constructor() {
    super('the conversation has ended');
    this.name = 'ConversationEndedError';
  }
}

type AskNode = Extract<RobotNode, { type: 'ask' }>;

/**
 * The robot-level request for a person, as an extra intent of a question: robot intent names
 * have no hyphen, so none can be named so, and an LLM NLU reads what it means.
 */
const HANDOFF = 'ask-for-a-person';
/** Where a handoff node transfers when it names no queue. */
export const DEFAULT_HANDOFF_QUEUE = 'agents';

export class ConversationMachine {
  readonly state: ConversationState;
  readonly #robot: RobotDefinition;
  readonly #nlu: Nlu | undefined;
  readonly #ctx: NluContext;
  readonly #speech: Speech;
  #actions: Action[] = [];

  static begin(setup: ConversationSetup): ConversationMachine {
    const state: ConversationState = {
      version: 1,
      channel: setup.channel,
      mode: 'robot',
      status: 'active',
      node: setup.robot.start,
      turn: -1,
      rounds: 0,
      silences: 0,
      misses: 0,
      vars: { ...setup.vars },
      startedAtMs: setup.now.getTime(),
      timeZone: setup.timeZone,
      // Always present (undefined is dropped by JSON): a spread here would give the state a
      // slow, dictionary-shaped object that every turn then pays for.
      optOutListed: setup.optOutListed,
      result: emptyResult(),
    };
    return new ConversationMachine(setup.robot, state, undefined, setup.now);
  }

  constructor(robot: RobotDefinition, state: ConversationState, nlu?: Nlu, now?: Date) {
    this.#robot = robot;
    this.state = state;
    this.#nlu = nlu;
    const at = now ?? new Date(state.startedAtMs);
    this.#ctx = { language: robot.language, now: at, timeZone: state.timeZone };
    this.#speech = {
      // A chat shows amounts as figures with their currency; a voice says them in words.
      written: state.channel === 'chat',
      language: robot.language,
      types: variableTypes(robot),
      now: at,
      timeZone: state.timeZone,
    };
  }

  /** The opening lines, up to the first question or the end. */
  start(): Action[] {
    this.#actions = [];
    this.#advance(this.state.node);
    return this.#actions;
  }

  async handle(input: TurnInput, nlu: Nlu | undefined = this.#nlu): Promise<Action[]> {
    if (this.state.status === 'ended') throw new ConversationEndedError();
    this.#actions = [];
    // One await per turn at most (the NLU's): the in-memory voice driver steps thousands of
    // turns a second and every promise layer shows in bench/dialogue-turns.ts.
    const question = this.#take(input, nlu);
    if (question)
      this.#placed(question.node, await this.#understand(question.node, question.text, nlu!));
    return this.#actions;
  }

  /**
   * Does what an input needs without the NLU; returns the question and answer text when the
   * NLU must place the answer.
   */
  #take(input: TurnInput, nlu: Nlu | undefined): { node: Question; text: string } | undefined {
    const robot = this.#robot;
    const s = this.state;
    if (input.kind === 'hangup') {
      s.result.endedBy = 'callee';
      this.#end({ outcome: 'hung_up' }, robot.outcomes.hung_up);
      return undefined;
    }
    if (input.kind === 'machine') {
      // The detector heard a machine before any answer said so: the call ends as voicemail.
      this.#end({ outcome: 'voicemail' }, robot.outcomes.voicemail);
      return undefined;
    }
    if (input.kind === 'agent') {
      this.#agent(input);
      return undefined;
    }
    if (s.waitingFor !== undefined && s.mode === 'robot') {
      if (input.kind === 'silence' || input.kind === 'timeout') {
        // Nobody came for as long as a question waits for an answer (no_input's re-prompts and
        // one more): as a release, the robot carries on. A driver without agent events (the
        // simulated dialer, the forecast) would otherwise wait for ever.
        if (++s.silences > robot.no_input.reprompts.length) {
          if (input.kind === 'silence') s.result.segments.push({ silenceSeconds: input.seconds });
          this.#carryOn();
          return undefined;
        }
      } else s.silences = 0;
    }
    if (s.mode === 'human' || s.waitingFor !== undefined) {
      // The agent answers, or the robot waits for one after a handoff: the robot only keeps the
      // transcript, and neither answers nor re-asks.
      if (input.kind === 'silence') s.result.segments.push({ silenceSeconds: input.seconds });
      else if (input.kind !== 'timeout')
        this.#heard(input.kind === 'dtmf' ? input.digits : input.text);
      this.#listen({ kind: 'nothing' });
      return undefined;
    }
    const node = robot.nodes[s.node] as Question;
    if (input.kind === 'silence' || input.kind === 'timeout') {
      // A chat's timeout is a silence the recording never hears.
      if (input.kind === 'silence') s.result.segments.push({ silenceSeconds: input.seconds });
      if (++s.silences > robot.no_input.reprompts.length) {
        if (node.type === 'verify') s.result.answers.push(verifyAnswer(node, s.vars, null, null));
        this.#giveUp('no_input', robot.no_input.give_up);
        return undefined;
      }
      this.#robotSays(this.#fill(robot.no_input.reprompts[s.silences - 1]!));
      this.#advance(s.node);
      return undefined;
    }
    const text = input.kind === 'dtmf' ? input.digits : input.text;
    this.#heard(text);
    // Answering machines greet in speech; a chat user quoting one is still a person.
    if (input.kind === 'speech' && isVoicemail(text, robot.voicemail_phrases)) {
      this.#end({ outcome: 'voicemail' }, robot.outcomes.voicemail);
      return undefined;
    }
    if (input.kind === 'message' && node.type === 'ask' && node.choices) {
      // A tapped button or list row comes back as its title (or its id): no NLU needed.
      const intent = chosenIntent(node, text);
      if (intent !== undefined) {
        Object.assign(s.result.labels, node.labels?.[intent] ?? {});
        this.#placed(node, node.next[intent]);
        return undefined;
      }
    }
    if (input.kind === 'dtmf' && node.type === 'ask') {
      this.#placed(node, this.#pressed(node, input.digits));
      return undefined;
    }
    if (!nlu) throw new Error('an NLU is needed to place answers');
    return { node, text };
  }

  /** Moves on from a placed answer (next node), or re-asks / gives up on an unplaced one. */
  #placed(node: Question, next: string | undefined): void {
    const robot = this.#robot;
    const s = this.state;
    if (next === undefined) {
      if (++s.misses > robot.no_match.reprompts.length) {
        const fallback = node.type === 'ask' ? node.next.no_match : undefined;
        if (!fallback) {
          this.#giveUp('no_match', robot.no_match.give_up);
          return;
        }
        s.misses = 0;
        this.#advance(fallback);
        return;
      }
      this.#robotSays(this.#fill(robot.no_match.reprompts[s.misses - 1]!));
      this.#advance(s.node);
      return;
    }
    s.silences = 0;
    s.misses = 0;
    this.#advance(next);
  }

  /** The text of the line waiting for an answer (what a voice driver's callee responds to). */
  get pendingLine(): string {
    return this.state.result.turns[this.state.turn]?.robotText ?? '';
  }

  // Walks from nodeId, saying each line, to the next question (then listens) or an end.
  #advance(nodeId: string): void {
    const robot = this.#robot;
    const s = this.state;
    for (;;) {
      const node = robot.nodes[nodeId];
      if (!node) throw new Error(`robot "${robot.name}" has no node "${nodeId}"`);
      s.node = nodeId;
      if (s.rounds >= (robot.max_rounds ?? DEFAULT_MAX_ROUNDS)) {
        this.#giveUp('max_rounds', robot.no_match.give_up);
        return;
      }
      const turn = this.#robotSays(this.#fill(this.#line(node)));
      if (node.type === 'handoff') {
        s.turn = turn;
        s.waitingFor = node.queue ?? DEFAULT_HANDOFF_QUEUE;
        this.#actions.push({ type: 'transfer', target: s.waitingFor });
        this.#listen({ kind: 'nothing' });
        return;
      }
      if (node.type === 'end') {
        this.#end({ node: nodeId }, node);
        return;
      }
      if (node.type === 'say') {
        nodeId = node.next;
        continue;
      }
      s.turn = turn;
      this.#actions.push(listenForAnswer(robot, node, s.channel, s.vars));
      return;
    }
  }

  /**
   * The DTMF rule on an ask node: the intent named press_<digits>, else the first intent with
   * the digits among its phrases. Keys are never sent to the NLU (a "1" is not a sentence).
   */
  #pressed(node: AskNode, digits: string): string | undefined {
    const keys = digits.trim();
    const intent =
      (`press_${keys}` in node.intents ? `press_${keys}` : undefined) ??
      Object.keys(node.intents).find((name) => node.intents[name]!.some((p) => p.trim() === keys));
    if (intent === undefined) return undefined;
    Object.assign(this.state.result.labels, node.labels?.[intent] ?? {});
    return node.next[intent];
  }

  /** The next node for an answer, or undefined when the answer fits nothing the node expects. */
  async #understand(node: Question, text: string, nlu: Nlu): Promise<string | undefined> {
    const s = this.state;
    const ctx = this.#ctx;
    const handoff = this.#robot.handoff;
    // A request for a person competes with the question's own intents (the best match wins),
    // so "I will pay, no need for an agent" is not taken for one.
    const askFor = (intents: Record<string, string[]> | undefined) => [
      ...(handoff ? [{ name: HANDOFF, phrases: handoff.phrases }] : []),
      ...Object.entries(intents ?? {}).map(([name, phrases]) => ({ name, phrases })),
    ];
    if (node.type === 'ask') {
      const { intent } = await nlu.classify(text, askFor(node.intents), ctx);
      if (!intent) return undefined;
      if (intent === HANDOFF) return handoff!.node;
      Object.assign(s.result.labels, node.labels?.[intent] ?? {});
      return node.next[intent];
    }
    if (node.type === 'collect' && (node.intents || handoff)) {
      const { intent } = await nlu.classify(text, askFor(node.intents), ctx);
      if (intent === HANDOFF) return handoff!.node;
      if (intent) return node.on_intent?.[intent];
    }
    if (node.type === 'verify' && handoff) {
      const { intent } = await nlu.classify(text, askFor(undefined), ctx);
      if (intent === HANDOFF) return handoff.node;
    }
    if (node.type === 'collect') {
      const value = await nlu.extract(text, node.slot_type, ctx);
      if (value === null) return undefined;
      s.result.slots[node.slot] = value;
      s.vars[node.slot] = value;
      if (node.ptp) s.result.ptpDate = value;
      return node.next;
    }
    const value = await nlu.extract(text, node.slot_type, ctx);
    const answer = verifyAnswer(node, s.vars, text, value);
    s.result.answers.push(answer);
    return answer.verification_results === 'Match' ? node.next : (node.next_mismatch ?? node.next);
  }

  #agent(input: Extract<TurnInput, { kind: 'agent' }>): void {
    const s = this.state;
    if (input.event === 'release') {
      if (s.mode === 'robot' && s.waitingFor === undefined) return;
      this.#carryOn();
      return;
    }
    // An agent who writes without taking over first takes over by writing.
    if (s.mode === 'robot') {
      // A voice call already on its way to a handoff queue is not transferred again.
      const transferred = s.waitingFor !== undefined;
      s.mode = 'human';
      delete s.waitingFor;
      if (input.agent !== undefined) s.agent = input.agent;
      if (s.channel === 'voice' && !transferred)
        this.#actions.push({ type: 'transfer', target: s.agent ?? 'agent' });
    }
    if (input.event === 'message' && input.text) {
      const agent = input.agent ?? s.agent ?? 'agent';
      s.result.segments.push({ speaker: 'robot', text: input.text });
      s.result.turns.push({
        segment: s.result.segments.length - 1,
        robotText: input.text,
        heardText: '',
        agent,
      });
      s.turn = s.result.turns.length - 1;
      this.#actions.push({ type: 'say', text: input.text });
    }
    this.#listen({ kind: 'nothing' });
  }

  /**
   * Back to the robot with fresh patience. After a handoff (taken over or not: a release while
   * waiting means no agent came) it carries on at the handoff node's next; elsewhere it asks its
   * question again.
   */
  #carryOn(): void {
    const s = this.state;
    s.mode = 'robot';
    s.agent = undefined;
    delete s.waitingFor;
    s.silences = 0;
    s.misses = 0;
    const node = this.#robot.nodes[s.node];
    this.#advance(node?.type === 'handoff' ? node.next : s.node);
  }

  /** A listen for whatever comes: no question is waiting for its answer. */
  #listen(expects: Expectation): void {
    this.#actions.push(listenFor(this.#robot, expects, this.state.channel));
  }

  /** The node's line; an opt-out closing line must not promise what the app will not do. */
  #line(node: RobotNode): string {
    if (node.type === 'end' && this.state.optOutListed === false && node.say_when_not_listed)
      return node.say_when_not_listed;
    return node.say;
  }

  #fill(template: string): string {
    return fillTemplate(template, this.state.vars, this.#speech);
  }

  #robotSays(text: string): number {
    const r = this.state.result;
    this.state.rounds += 1;
    r.segments.push({ speaker: 'robot', text });
    r.turns.push({ segment: r.segments.length - 1, robotText: text, heardText: '' });
    this.#actions.push({ type: 'say', text });
    return r.turns.length - 1;
  }

  #heard(text: string): void {
    const r = this.state.result;
    r.segments.push({ speaker: 'callee', text });
    const row = r.turns[this.state.turn];
    if (row) row.heardText = row.heardText ? `${row.heardText} ${text}` : text;
    r.talkRounds += 1;
  }

  #giveUp(outcome: OutcomeName, goodbye: string): void {
    this.#robotSays(this.#fill(goodbye));
    this.#end({ outcome }, this.#robot.outcomes[outcome]);
  }

  #end(at: ConversationResult['endedAt'], label: RobotLabel): void {
    const s = this.state;
    const r = s.result;
    s.status = 'ended';
    r.endedAt = at;
    r.intention = label.intention;
    r.intentionDescription = label.description;
    Object.assign(r.labels, label.labels ?? {});
    if (s.channel === 'voice' && r.endedBy === 'robot') this.#actions.push({ type: 'hangup' });
    this.#actions.push({ type: 'end', result: r });
  }
}
