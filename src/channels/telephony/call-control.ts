import type { Expectation } from '../../dialogue/ports/turn.ts';
import type { Segment, Timing } from '../../dialogue/timeline.ts';

// Call control: what the voice driver asks of a telephony connection, cut so that a SIP trunk can
// implement it. A call is a leg: originate places it, events say what happens on it (ringing,
// answered, hang-up with its cause, keys, the answering-machine verdict), media plays the robot's
// lines and hears the callee, and a leg can be transferred or bridged to an agent's leg.
// The simulated carrier is one adapter (simulated/simulated-call-control.ts); docs/call-control.md
// says what a SIP adapter must do. Everything here is one object per call and plain promises:
// the dial benchmark makes twenty thousand calls and must not pay for timers or emitters.

export interface OriginateRequest {
  /** Unique per attempt; an adapter refuses (rejects) a second originate with the same id. */
  callId: string;
  from: string;
  to: string;
  attempt: number;
  /** Test hook of the simulator (a persona name); other adapters ignore it. */
  simulatedPersona?: string;
}

/**
 * Why a leg ended. `callee`: the person (or the far party of a bridge) hung up; `robot`: our side
 * closed it because the conversation ended; `system`: our side cut it for another reason
 * (shutdown, an error); `busy`, `no_answer`, `invalid`, `failed`: it never connected.
 */
export type HangupCause =
  'callee' | 'robot' | 'system' | 'busy' | 'no_answer' | 'invalid' | 'failed';

/** The causes of a call that never connected; `failed` is a trunk or network failure. */
export type NotConnectedCause = Extract<HangupCause, 'busy' | 'no_answer' | 'invalid' | 'failed'>;

export type AmdVerdict = 'human' | 'machine' | 'unknown';

/** The carrier's own words for how a call ended (a SIP status), kept in the call's record. */
export interface CarrierCause {
  protocol: 'sip';
  code: number;
  reason: string;
}

export type LegEvent =
  | { type: 'ringing'; callId: string }
  | { type: 'answered'; callId: string; ringSeconds: number }
  /** The answering-machine detector's verdict, once, soon after the answer (if it runs). */
  | { type: 'amd'; callId: string; verdict: AmdVerdict; confidence?: number; atSeconds?: number }
  | { type: 'dtmf'; callId: string; digits: string }
  /** Speech the adapter recognised itself (the simulator); a SIP leg gives frames instead. */
  | { type: 'speech'; callId: string; text: string }
  | { type: 'transferred'; callId: string; target: string; agentLeg: string }
  | { type: 'bridged'; callId: string; with: string }
  /** Exactly once per leg, answered or not: the last event of a leg. */
  | { type: 'hangup'; callId: string; cause: HangupCause; carrierCause?: CarrierCause };

export type LegListener = (event: LegEvent) => void;

export type Connect =
  | { outcome: 'answered'; ringSeconds: number; leg: CallLeg }
  | { outcome: NotConnectedCause; ringSeconds: number; carrierCause?: CarrierCause };

/** A robot line to play: its text, and its audio when the adapter needs audio (a SIP trunk). */
export interface Utterance {
  text: string;
  /** Mono 16-bit PCM; absent for adapters that take text (capabilities.playsText). */
  audio?: { sampleRate: number; samples: Int16Array };
}

/** Whether the whole utterance was played: false when the call ended during it. */
export interface Played {
  completed: boolean;
}

/**
 * What the robot expects next. An ASR may use it as a grammar (the expected intents, a slot
 * type, digits); the simulator uses it to answer in kind.
 */
export interface ListenHints {
  language: string;
  businessLine?: string;
  expects: Expectation;
  /** After this long without speech or keys, the listen gives silence. */
  timeoutSeconds: number;
  /** The expected answers' example phrases (a recogniser's grammar). */
  phrases?: string[];
}

/** The next thing heard on a leg: the inputs the conversation engine takes from a voice call. */
export type HeardInput =
  | { kind: 'speech'; text: string }
  | { kind: 'dtmf'; digits: string }
  | { kind: 'silence'; seconds: number }
  /** The answering-machine detector's verdict came first: a machine, not a person, answered. */
  | { kind: 'machine' }
  | { kind: 'hangup' };

export interface AudioFrame {
  sampleRate: number;
  samples: Int16Array;
  /** Which side the audio comes from. */
  from: 'callee' | 'robot';
}

/** A recording of both legs, started by CallLeg#record. */
export interface LegRecording {
  /** Stops recording (at the latest when the leg ends) and gives what was recorded. */
  stop(): Promise<RecordedAudio>;
}

export interface RecordedAudio {
  /** What was played and heard, in order (speech by its text, silences by their length). */
  segments: Segment[];
  /**
   * The audio of both sides, when the adapter records audio (capabilities.recording 'audio'),
   * with where each segment starts in it: the transcript's times then follow what was heard.
   */
  audio?: {
    wav: Buffer;
    timing: Timing;
    /** Each side on its own channel, when the adapter records them apart: callee left, robot right. */
    legs?: Buffer;
  };
}

export interface CallControlCapabilities {
  /** play() takes text alone (the simulator); otherwise the driver passes synthesised audio. */
  playsText: boolean;
  /** listen() gives recognised speech; otherwise the driver runs frames() through an STT. */
  recognisesSpeech: boolean;
  /** frames() gives the callee's audio. */
  audioFrames: boolean;
  /**
   * What record() keeps: the audio of both sides, only the segments played and heard (the
   * simulator: the recorder then makes the audio), or nothing (record() answers undefined).
   */
  recording: 'audio' | 'segments' | 'none';
  /** transfer() and bridge() work. */
  bridging: boolean;
}

/** One call (ours to the callee, or an agent's leg). Every method is safe after the leg ended. */
export interface CallLeg {
  readonly callId: string;
  /** Whether the leg is still up. */
  readonly up: boolean;
  /** Plays a line; resolves when it has been played or the call ended during it. */
  play(utterance: Utterance): Promise<Played>;
  /**
   * Waits for the next input: speech (adapters that recognise it), keys, silence once
   * `timeoutSeconds` pass, or hangup, which also settles a listen pending when the call ends.
   */
  listen(hints: ListenHints): Promise<HeardInput>;
  /** The callee's audio as it arrives (capabilities.audioFrames); ends when the leg ends. */
  frames?(): AsyncIterable<AudioFrame>;
  /** Starts recording both sides; undefined when the adapter does not record. */
  record(): LegRecording | undefined;
  /** Places a leg to `target` (an agent) and bridges this leg to it; gives the agent's leg. */
  transfer(target: string): Promise<CallLeg>;
  /** Joins this leg's audio to another's; both emit `bridged`. */
  bridge(other: CallLeg): Promise<void>;
  /** Ends the leg (once: later calls do nothing); `robot` by default. */
  hangup(cause?: Extract<HangupCause, 'robot' | 'system'>): Promise<void>;
}

export interface CallControl {
  readonly capabilities: CallControlCapabilities;
  /**
   * Places a call and resolves once it is answered or has failed to connect. `events` hears
   * everything that happens on the leg, from ringing to its one hangup.
   */
  originate(request: OriginateRequest, events?: LegListener): Promise<Connect>;
}
