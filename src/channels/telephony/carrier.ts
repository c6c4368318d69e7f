// What the dialer needs from telephony: place a call, keep it up while the robot talks, end it.
// The simulated carrier implements it today; a SIP trunk adapter implements the same interface.

export interface DialRequest {
  /** Unique per attempt; a carrier must refuse a second dial with the same id. */
  callId: string;
  from: string;
  to: string;
  attempt: number;
}

export type ConnectOutcome = 'answered' | 'no_answer' | 'busy' | 'invalid';

/** How the person who answered behaves (the simulated world's stand-in for real speech). */
export interface CalleeBehaviour {
  /** What they say after each robot turn, in order. */
  replies: string[];
  /** They hang up after this many replies; undefined means they stay until the robot ends. */
  hangsUpAfter?: number;
}

export interface Connection {
  outcome: ConnectOutcome;
  ringSeconds: number;
  callee?: CalleeBehaviour;
}

export interface Carrier {
  /** Resolves once the call is answered or has failed to connect. */
  dial(request: DialRequest): Promise<Connection>;
  /** Keeps an answered call up for the given (simulated) seconds of conversation. */
  talk(callId: string, seconds: number): Promise<void>;
}
