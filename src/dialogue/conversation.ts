import type { Nlu } from './nlu/nlu.ts';
import type { Action, TurnInput } from './ports/turn.ts';
import type { ConversationResult } from './result.ts';
import type { RobotDefinition } from './script/robot-script.ts';
import { ConversationMachine } from './step-machine.ts';
import type { Vars } from './template.ts';

// The conversation engine as a step function: a state (plain JSON, storable anywhere) and an
// input give the next state and what the driver must do. A voice call keeps the state in the
// process that holds its media and writes the result when the call ends; a chat writes the state
// at every turn (src/modules/conversations). docs/conversation-engine.md describes it.

export type { Action, Expectation, TurnInput } from './ports/turn.ts';
export type { ConversationResult, Turn } from './result.ts';
export { ConversationEndedError, LISTEN_TIMEOUT_SECONDS } from './step-machine.ts';

export type Channel = 'voice' | 'chat';

export interface ConversationState {
  /** The format of this object, for states stored by an older release. */
  version: 1;
  channel: Channel;
  /** 'human' while an agent has taken over: the robot then neither answers nor re-asks. */
  mode: 'robot' | 'human';
  /** The agent holding the conversation, in human mode. */
  agent?: string;
  /**
   * The queue a handoff node asked for, while the robot waits for an agent (mode 'robot'):
   * messages are only kept, a takeover switches to human mode, a release continues at the
   * handoff node's `next`. Absent otherwise.
   */
  waitingFor?: string;
  status: 'active' | 'ended';
  /** The node waiting for an answer (ask, collect or verify), or the node it ended at. */
  node: string;
  /** Index in result.turns of the line the next answer belongs to. */
  turn: number;
  /** Robot lines said so far (max_rounds counts them). */
  rounds: number;
  /** Silences and unplaced answers in a row at the current node (no_input / no_match). */
  silences: number;
  misses: number;
  /** The callee's fields, and the slots filled so far. */
  vars: Vars;
  /**
   * When the conversation started, in epoch milliseconds: "tomorrow" and spoken dates are
   * relative to it. A number, not ISO text: formatting a date costs more than a robot turn.
   */
  startedAtMs: number;
  /** The callee's IANA zone. */
  timeZone: string;
  /** Whether a verbal opt-out lists the number (see RunOptions.optOutListed in engine.ts). */
  optOutListed?: boolean;
  /** The result so far; final once status is 'ended'. */
  result: ConversationResult;
}

export interface StepOutput {
  state: ConversationState;
  actions: Action[];
}

export interface ConversationSetup {
  robot: RobotDefinition;
  vars: Vars;
  now: Date;
  timeZone: string;
  optOutListed?: boolean;
  channel: Channel;
}

export interface StepDeps {
  nlu: Nlu;
  /**
   * The moment of this input ("tomorrow" in an answer, dates the robot says); the start of the
   * conversation when absent. A chat passes its clock: a reply may come days later.
   */
  now?: Date;
}

/** The robot's opening: its first lines up to the first question (or its end). */
export function startConversation(setup: ConversationSetup): StepOutput {
  const machine = ConversationMachine.begin(setup);
  const actions = machine.start();
  return { state: machine.state, actions };
}

/**
 * One input in, the next state and actions out. The given state is not changed (a stored state
 * stays valid if the caller fails to write the new one).
 */
export async function stepConversation(
  robot: RobotDefinition,
  state: ConversationState,
  input: TurnInput,
  deps: StepDeps,
): Promise<StepOutput> {
  const machine = new ConversationMachine(robot, structuredClone(state), deps.nlu, deps.now);
  const actions = await machine.handle(input);
  return { state: machine.state, actions };
}
