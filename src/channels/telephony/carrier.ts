// What the dialer needs from telephony: place a call, keep it up while the robot talks, end it.
// The simulated carrier implements it today; a SIP trunk adapter implements the same interface.

export interface DialRequest {
  /** Unique per attempt; a carrier must refuse a second dial with the same id. */
  callId: string;
  from: string;
  to: string;
  attempt: number;
  /** Test hook of the simulated carrier (a persona name); real carriers ignore it. */
  simulatedPersona?: string;
}

export type ConnectOutcome = 'answered' | 'no_answer' | 'busy' | 'invalid';

/** What the robot just said and what it waits for: all a callee needs in order to answer. */
export interface Prompt {
  language: string;
  /** The robot's business line: what the call is about, so a simulated person answers in kind. */
  businessLine?: string;
  text: string;
  expects:
    | { kind: 'nothing' }
    | { kind: 'intent'; intents: string[] }
    | { kind: 'slot'; slotType: string; intents: string[] }
    | { kind: 'verify'; slotType: string; expected: string };
}

export type Expectation = Prompt['expects'];

export type Reply = { text: string } | { silenceSeconds: number } | { hangup: true };

/**
 * The person (or machine) on an answered call. The simulated carrier's personas implement it; a
 * SIP call implements it by playing the prompt and recognising the answer.
 */
export interface CalleeAgent {
  respond(prompt: Prompt): Promise<Reply>;
}

export interface Connection {
  outcome: ConnectOutcome;
  ringSeconds: number;
  callee?: CalleeAgent;
}

export interface Carrier {
  /** Resolves once the call is answered or has failed to connect. */
  dial(request: DialRequest): Promise<Connection>;
  /** Keeps an answered call up for the given (simulated) seconds of conversation. */
  talk(callId: string, seconds: number): Promise<void>;
  /**
   * What dialling `to` would give after `ahead` more dials, without dialling or waiting. Only a
   * world that is known in advance (the simulated carrier) can answer; a plan's dry run uses it
   * to forecast the rounds after the first.
   */
  preview?(to: string, ahead: number, persona?: string): Connection;
}
