// The engine's turn port: what a driver (a voice call, a chat, an agent console) feeds the step
// machine and what the step machine asks the driver to do. Channels import these types from
// here; dialogue imports nothing from any channel.
import type { ConversationResult } from '../result.ts';

/** What the robot waits for after a line: all a callee (or a simulated one) needs to answer. */
export type Expectation =
  | { kind: 'nothing' }
  | { kind: 'intent'; intents: string[] }
  | { kind: 'slot'; slotType: string; intents: string[] }
  | { kind: 'verify'; slotType: string; expected: string };

/** One input to the conversation. */
export type TurnInput =
  /** Recognised speech on a voice call. */
  | { kind: 'speech'; text: string }
  /** A chat message. */
  | { kind: 'message'; text: string }
  /** Keys pressed on a voice call (one or more digits, '*' or '#'). */
  | { kind: 'dtmf'; digits: string }
  /** Nothing heard within the listen timeout; the seconds go into the recording. */
  | { kind: 'silence'; seconds: number }
  /** A chat user did not answer in time. */
  | { kind: 'timeout' }
  /** The callee or chat user left. */
  | { kind: 'hangup' }
  /** A voice call's answering-machine detector heard a machine, not a person. */
  | { kind: 'machine' }
  /** A human agent takes over, writes, or hands back to the robot. */
  | { kind: 'agent'; event: 'takeover' | 'message' | 'release'; agent?: string; text?: string };

/** What the engine asks its driver to do, in order. */
export type Action =
  /** Voice: speak the line; chat: send it. */
  | { type: 'say'; text: string }
  /** Wait for the next input; the driver turns no answer in time into silence/timeout. */
  | {
      type: 'listen';
      expects: Expectation;
      timeoutSeconds: number;
      language: string;
      businessLine?: string;
      /**
       * Chat only: the answers offered as buttons or a list (`id` is the intent name). Up to 3
       * fit WhatsApp reply buttons; more go in a list.
       */
      choices?: Array<{ id: string; title: string }>;
      /** Voice only: the expected answers' example phrases, a recogniser's grammar. */
      phrases?: string[];
    }
  /**
   * Connect the callee to someone else: a handoff node's queue (chat: ask the agents' side for
   * a seat), or the agent taking over a voice call.
   */
  | { type: 'transfer'; target: string }
  /** Voice: end the call (the robot closed it). */
  | { type: 'hangup' }
  /** The conversation is over; its result is final. */
  | { type: 'end'; result: ConversationResult };

/** What the robot just said and what it waits for: the question put to a Respondent. */
export interface Prompt {
  language: string;
  businessLine?: string;
  text: string;
  expects: Expectation;
}

/** A callee's answer to a prompt, as today's simulated callees give it. */
export type Reply = { text: string } | { silenceSeconds: number } | { hangup: true };

/**
 * The person answering, seen from the in-memory voice driver (converse): the simulated carrier's
 * personas implement it (the simulated call control's legs ask them).
 */
export interface Respondent {
  respond(prompt: Prompt): Promise<Reply>;
}
