import { speechSeconds, TURN_GAP_SECONDS, type Segment } from '../../../dialogue/timeline.ts';
import type {
  CallLeg,
  HangupCause,
  HeardInput,
  LegListener,
  LegRecording,
  ListenHints,
  Played,
  RecordedAudio,
  Utterance,
} from '../call-control.ts';
import type { PersonaAnswer, SimulatedCallee } from './personas.ts';

// One answered call in the simulated world. Time passes as on a real call: a line takes as long
// as it would be spoken, an answer as long as the persona speaks or stays silent, each followed
// by the turn gap (the same lengths as dialogue/timeline.ts, so a whole call takes what its
// estimated timeline says), divided by TILLER_TIME_SCALE; waits under 1 ms are skipped, so the
// dial benchmark's zero-talk calls set no timer at all. A hang-up cuts the wait in progress.

/** How simulated seconds become real milliseconds; shared by every leg of one adapter. */
export interface SimulatedTime {
  timeScale: number;
  /** Stretches conversations only (the calls-in-flight benchmark keeps calls up longer). */
  talkScale: number;
}

/** No line or answer lasts longer: at a scale where even this takes under 1 ms, nothing waits. */
const LONGEST_TURN_SECONDS = 600;

const HANGUP: HeardInput = { kind: 'hangup' };
const CUT: Played = { completed: false };
const DONE: Played = { completed: true };

export class SimulatedLeg implements CallLeg {
  readonly callId: string;
  /** Real milliseconds per simulated second of talk. */
  readonly #msPerSecond: number;
  /** Whether every wait rounds to nothing (the dial benchmark): no lengths are even measured. */
  readonly #instant: boolean;
  readonly #time: SimulatedTime;
  /** Who answers: a persona, or nobody (an agent's leg: agents are not simulated yet). */
  readonly #callee: SimulatedCallee | undefined;
  readonly #events: LegListener | undefined;
  #up = true;
  /** The line played last: the prompt the persona answers. */
  #lastLine = '';
  /** Settles the wait in progress at once, as cut short by a hang-up. */
  #cut: (() => void) | undefined;
  #recorded: Segment[] | undefined;
  #bridged: SimulatedLeg | undefined;
  #agents = 0;

  constructor(
    time: SimulatedTime,
    callId: string,
    callee: SimulatedCallee | undefined,
    events: LegListener | undefined,
  ) {
    this.#time = time;
    this.#msPerSecond = (time.talkScale * 1000) / time.timeScale;
    this.#instant = this.#msPerSecond * LONGEST_TURN_SECONDS < 1;
    this.callId = callId;
    this.#callee = callee;
    this.#events = events;
  }

  get up(): boolean {
    return this.#up;
  }

  play(utterance: Utterance): Promise<Played> {
    if (!this.#up) return Promise.resolve(CUT);
    this.#lastLine = utterance.text;
    this.#recorded?.push({ speaker: 'robot', text: utterance.text });
    if (this.#instant) return Promise.resolve(DONE);
    const seconds = utterance.audio
      ? utterance.audio.samples.length / utterance.audio.sampleRate
      : speechSeconds(utterance.text);
    return this.#pass(seconds + TURN_GAP_SECONDS, DONE, CUT);
  }

  listen(hints: ListenHints): Promise<HeardInput> {
    if (!this.#up) return Promise.resolve(HANGUP);
    if (!this.#callee) {
      // Nobody there to answer: the line stays silent for the whole timeout.
      return this.#pass(hints.timeoutSeconds, silence(hints.timeoutSeconds), HANGUP);
    }
    const answer = this.#callee.answer({
      language: hints.language,
      ...(hints.businessLine !== undefined ? { businessLine: hints.businessLine } : {}),
      text: this.#lastLine,
      expects: hints.expects,
    });
    if ('hangup' in answer) {
      // The persona hangs up instead of answering: the pending listen hears the hang-up.
      this.#end('callee');
      return Promise.resolve(HANGUP);
    }
    const heard = this.#hear(answer);
    if (this.#instant) return Promise.resolve(heard);
    return this.#pass(lengthOf(heard) + TURN_GAP_SECONDS, heard, HANGUP);
  }

  record(): LegRecording {
    const segments: Segment[] = (this.#recorded ??= []);
    let stopped: Segment[] | undefined;
    return {
      stop: () => {
        stopped ??= [...segments];
        this.#recorded = undefined;
        const audio: RecordedAudio = { segments: stopped };
        return Promise.resolve(audio);
      },
    };
  }

  async transfer(target: string): Promise<CallLeg> {
    if (!this.#up) throw new Error(`call ${this.callId} has ended: it cannot be transferred`);
    this.#agents += 1;
    const agent = new SimulatedLeg(
      this.#time,
      `${this.callId}:agent-${this.#agents}`,
      undefined,
      this.#events,
    );
    this.#events?.({ type: 'ringing', callId: agent.callId });
    this.#events?.({ type: 'answered', callId: agent.callId, ringSeconds: 0 });
    this.#events?.({ type: 'transferred', callId: this.callId, target, agentLeg: agent.callId });
    await this.bridge(agent);
    return agent;
  }

  async bridge(other: CallLeg): Promise<void> {
    if (!(other instanceof SimulatedLeg))
      throw new Error('a simulated leg bridges only to another');
    if (!this.#up || !other.#up) throw new Error('only legs that are up can be bridged');
    if (this.#bridged || other.#bridged)
      throw new Error('a leg is bridged to one other leg at most');
    this.#bridged = other;
    other.#bridged = this;
    this.#events?.({ type: 'bridged', callId: this.callId, with: other.callId });
    other.#events?.({ type: 'bridged', callId: other.callId, with: this.callId });
  }

  hangup(cause: 'robot' | 'system' = 'robot'): Promise<void> {
    this.#end(cause);
    return Promise.resolve();
  }

  /** The leg ends once; a bridged partner loses its far party and ends with it. */
  #end(cause: HangupCause): void {
    if (!this.#up) return;
    this.#up = false;
    const cut = this.#cut;
    this.#cut = undefined;
    cut?.();
    this.#events?.({ type: 'hangup', callId: this.callId, cause });
    const partner = this.#bridged;
    this.#bridged = undefined;
    if (partner) {
      partner.#bridged = undefined;
      partner.#end('callee');
    }
  }

  /** What the line hears of a persona's answer: its events, and the recording's segment. */
  #hear(answer: Exclude<PersonaAnswer, { hangup: true }>): HeardInput {
    if ('silenceSeconds' in answer) {
      this.#recorded?.push({ silenceSeconds: answer.silenceSeconds });
      return silence(answer.silenceSeconds);
    }
    if ('digits' in answer) {
      this.#recorded?.push({ speaker: 'callee', text: answer.digits });
      this.#events?.({ type: 'dtmf', callId: this.callId, digits: answer.digits });
      return { kind: 'dtmf', digits: answer.digits };
    }
    this.#recorded?.push({ speaker: 'callee', text: answer.text });
    this.#events?.({ type: 'speech', callId: this.callId, text: answer.text });
    return { kind: 'speech', text: answer.text };
  }

  /** Lets `seconds` of the call pass, then gives `value`; a hang-up meanwhile gives `cut`. */
  #pass<T>(seconds: number, value: T, cut: T): Promise<T> {
    const ms = seconds * this.#msPerSecond;
    if (ms < 1) return Promise.resolve(value);
    return new Promise<T>((resolve) => {
      // Unref'd: a call talking in this world must not keep a stopped process up.
      const timer = setTimeout(() => {
        this.#cut = undefined;
        resolve(value);
      }, ms).unref();
      this.#cut = () => {
        clearTimeout(timer);
        resolve(cut);
      };
    });
  }
}

function silence(seconds: number): HeardInput {
  return { kind: 'silence', seconds };
}

function lengthOf(heard: HeardInput): number {
  switch (heard.kind) {
    case 'silence':
      return heard.seconds;
    case 'speech':
      return speechSeconds(heard.text);
    case 'dtmf':
      // A key press takes about a quarter of a second.
      return Math.max(0.6, heard.digits.length * 0.25);
    case 'hangup':
    case 'machine':
      return 0;
  }
}
