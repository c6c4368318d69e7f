import type { VoiceFrame } from './frame.ts';
import { frameMs } from './frame.ts';
import { ToneTracker } from './tone-detector.ts';
import { EnergyVad, type VadOptions } from './vad.ts';

// Answering-machine detection over the first seconds after the answer, from the classic cues:
// a person says a short greeting ("Hello?") and waits for us; a machine talks on (its greeting
// lasts several seconds with only short pauses) and may end in a beep. Tuned human-first: a
// person taken for a machine is hung up on or left a voicemail, the worse error, so 'machine'
// needs a beep or a long run of speech, and every doubt gives 'human' (a short greeting that
// ends in silence) or 'unknown' (nothing clear before the window closed).
// Measured on synthetic greetings: docs/speech.md.

export type AmdVerdictKind = 'human' | 'machine' | 'unknown';

export interface AmdResult {
  verdict: AmdVerdictKind;
  /** 0..1: how sure the cue is. */
  confidence: number;
  /** Media time (ms, the frames' clock) the verdict was reached. */
  decidedAtMs: number;
  /** The cue that decided: for the call record and for tuning. */
  reason:
    'beep' | 'long_greeting' | 'short_greeting' | 'medium_greeting' | 'silence' | 'window_closed';
}

export interface AmdOptions {
  /** Media time of the answer; the window counts from here. Default: the first frame's `at`. */
  answeredAtMs?: number;
  /** Time allowed to decide; then the verdict is what the evidence says so far. */
  windowMs?: number;
  /** A greeting at most this long, followed by silence, is a person's. */
  humanGreetingMs?: number;
  /** Speech lasting this long with only short pauses is a machine's greeting. */
  machineSpeechMs?: number;
  /** Pauses shorter than this do not end a greeting (a machine's pauses between sentences). */
  pauseMs?: number;
  /** Silence after a greeting that shows the speaker is waiting for us. */
  waitMs?: number;
  /** A steady tone this long is a beep. */
  beepMs?: number;
  vad?: VadOptions;
}

const DEFAULTS = {
  windowMs: 5_000,
  humanGreetingMs: 1_500,
  machineSpeechMs: 3_000,
  pauseMs: 700,
  waitMs: 800,
  beepMs: 300,
};

export class AnsweringMachineDetector {
  readonly #o: typeof DEFAULTS & { answeredAtMs: number | undefined };
  readonly #vad: EnergyVad;
  readonly #tones = new ToneTracker();
  #result: AmdResult | undefined;
  /** The current greeting: first voiced ms and the end of the last voiced frame. */
  #greetingFrom: number | undefined;
  #lastVoiceEnd = 0;
  #greetings = 0;

  constructor(options: AmdOptions = {}) {
    const { vad, answeredAtMs, ...rest } = options;
    const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    this.#o = { ...DEFAULTS, ...given, answeredAtMs };
    this.#vad = new EnergyVad(vad);
  }

  /** The verdict once reached; later frames do not change it. */
  get result(): AmdResult | undefined {
    return this.#result;
  }

  /** Feeds one frame of the callee's audio; gives the verdict on the frame that reaches it. */
  push(frame: VoiceFrame): AmdResult | undefined {
    if (this.#result) return undefined;
    this.#o.answeredAtMs ??= frame.at;
    const end = frame.at + frameMs(frame);
    const toneMs = this.#tones.push(frame, end);
    if (toneMs >= this.#o.beepMs) return this.#decide('machine', 0.95, end, 'beep');
    // A tone is not speech: a beep after a greeting must not lengthen the greeting.
    const { speech } = this.#vad.decide(frame);
    if (speech && toneMs === 0) {
      if (this.#greetingFrom === undefined || frame.at - this.#lastVoiceEnd >= this.#o.pauseMs) {
        this.#greetingFrom = frame.at;
        this.#greetings++;
      }
      this.#lastVoiceEnd = end;
      const talked = end - this.#greetingFrom;
      if (talked >= this.#o.machineSpeechMs) {
        // Longer than needed, surer: 0.7 at the threshold, 0.9 at one and a half times it.
        const extra = Math.min(
          1,
          (talked - this.#o.machineSpeechMs) / (this.#o.machineSpeechMs / 2),
        );
        return this.#decide('machine', 0.7 + 0.2 * extra, end, 'long_greeting');
      }
    } else if (this.#greetingFrom !== undefined) {
      const talked = this.#lastVoiceEnd - this.#greetingFrom;
      const short = talked <= this.#o.humanGreetingMs;
      // A longer greeting waits longer: a short machine greeting's beep comes within a second.
      const wait = short ? this.#o.waitMs : this.#o.waitMs + 700;
      if (end - this.#lastVoiceEnd >= wait) {
        if (short) return this.#decide('human', 0.8, end, 'short_greeting');
        return this.#decide('human', 0.6, end, 'medium_greeting');
      }
    }
    if (end - this.#o.answeredAtMs >= this.#o.windowMs) return this.#closeWindow(end);
    return undefined;
  }

  /** The stream ended or the caller cannot wait: the verdict from what was heard so far. */
  finish(atMs: number): AmdResult {
    return this.#result ?? this.#closeWindow(atMs);
  }

  #closeWindow(end: number): AmdResult {
    if (this.#greetingFrom === undefined) return this.#decide('unknown', 0.5, end, 'silence');
    // Still talking when the window closed, but not yet for machineSpeechMs: no strong evidence.
    return this.#decide('unknown', 0.4, end, 'window_closed');
  }

  #decide(
    verdict: AmdVerdictKind,
    confidence: number,
    decidedAtMs: number,
    reason: AmdResult['reason'],
  ): AmdResult {
    this.#result = { verdict, confidence, decidedAtMs, reason };
    return this.#result;
  }

  /** How many greetings (speech separated by pauses of pauseMs or more) were heard. */
  get greetings(): number {
    return this.#greetings;
  }
}
