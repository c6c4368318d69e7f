import type { Pcm } from '../tts/tts.ts';
import { frameMs, type VoiceFrame } from './frame.ts';
import { EnergyVad, type VadOptions } from './vad.ts';

// Endpointing: from per-frame VAD decisions to utterances. Speech starts after `startMs` of
// voice in a row (a click or a bump on the line is shorter); it ends after `hangoverMs` of
// silence (the pauses inside a sentence are shorter). The utterance's audio starts `preRollMs`
// before the first voiced frame, because the VAD hears a word's soft onset late, and ends
// `tailMs` after the last voiced frame, not at the endpoint: the hangover's silence only costs
// the recogniser time. All times are media time from the frames' `at`.

export interface EndpointerOptions {
  /** Voice in a row before speech counts as started (barge-in fires then). */
  startMs?: number;
  /** Silence after the last voice before the utterance is over. */
  hangoverMs?: number;
  /** Audio kept before the first voiced frame. */
  preRollMs?: number;
  /** Audio kept after the last voiced frame. */
  tailMs?: number;
  /** An utterance is cut here even if the voice goes on (a TV, a machine that never stops). */
  maxUtteranceMs?: number;
  vad?: VadOptions;
}

export interface EndpointedUtterance {
  audio: Pcm;
  /** Media time of the first voiced frame. */
  speechStartMs: number;
  /** Media time the last voiced frame ended. */
  speechEndMs: number;
  /** Media time the endpointer decided the utterance was over (speechEndMs + hangover). */
  endpointedAtMs: number;
  /** Cut by maxUtteranceMs rather than ended by silence. */
  truncated: boolean;
}

export type EndpointEvent =
  /** Speech began at `atMs` (the first voiced frame); decided at `decidedAtMs`. */
  | { type: 'speech-start'; atMs: number; decidedAtMs: number }
  | { type: 'utterance'; utterance: EndpointedUtterance };

const DEFAULTS = {
  startMs: 80,
  hangoverMs: 600,
  preRollMs: 200,
  tailMs: 100,
  maxUtteranceMs: 20_000,
};

export class Endpointer {
  readonly #o: typeof DEFAULTS;
  readonly #vad: EnergyVad;
  /** Idle: the last preRollMs of frames. Talking: every frame since the pre-roll. */
  #frames: VoiceFrame[] = [];
  #talking = false;
  /** Start of the current run of voiced frames (idle), or of the speech (talking). */
  #voiceFrom: number | undefined;
  #lastVoiceEnd = 0;

  constructor(options: EndpointerOptions = {}) {
    const { vad, ...rest } = options;
    this.#o = { ...DEFAULTS, ...definedOnly(rest) };
    this.#vad = new EnergyVad(vad);
  }

  get talking(): boolean {
    return this.#talking;
  }

  /** Feeds one frame; gives the event it caused, if any (never two on one frame). */
  push(frame: VoiceFrame): EndpointEvent | undefined {
    const { speech } = this.#vad.decide(frame);
    const end = frame.at + frameMs(frame);
    // A copy: the RTP side may reuse its buffers once push returns.
    this.#frames.push({ ...frame, samples: frame.samples.slice() });
    if (!this.#talking) return this.#idle(frame, speech, end);
    if (speech) this.#lastVoiceEnd = end;
    const speechStart = this.#voiceFrom!;
    const silent = end - this.#lastVoiceEnd >= this.#o.hangoverMs;
    const tooLong = end - speechStart >= this.#o.maxUtteranceMs;
    if (!silent && !tooLong) return undefined;
    return { type: 'utterance', utterance: this.#finish(end, tooLong && !silent) };
  }

  /** Ends the stream: an utterance in progress is given as it is (ended by the stream). */
  flush(): EndpointedUtterance | undefined {
    const last = this.#frames.at(-1);
    if (!this.#talking || !last) return undefined;
    return this.#finish(last.at + frameMs(last), false);
  }

  #idle(frame: VoiceFrame, speech: boolean, end: number): EndpointEvent | undefined {
    if (!speech) {
      this.#voiceFrom = undefined;
      this.#trimPreRoll(end);
      return undefined;
    }
    this.#voiceFrom ??= frame.at;
    this.#lastVoiceEnd = end;
    if (end - this.#voiceFrom < this.#o.startMs) return undefined;
    this.#talking = true;
    return { type: 'speech-start', atMs: this.#voiceFrom, decidedAtMs: end };
  }

  /** Keeps the frames that may still become pre-roll: the voiced run and preRollMs before it. */
  #trimPreRoll(now: number): void {
    const keepFrom = now - this.#o.preRollMs;
    let drop = 0;
    while (drop < this.#frames.length) {
      const f = this.#frames[drop]!;
      if (f.at + frameMs(f) > keepFrom) break;
      drop++;
    }
    if (drop > 0) this.#frames.splice(0, drop);
  }

  #finish(endpointedAtMs: number, truncated: boolean): EndpointedUtterance {
    const speechStartMs = this.#voiceFrom!;
    const speechEndMs = this.#lastVoiceEnd;
    const from = speechStartMs - this.#o.preRollMs;
    const to = speechEndMs + this.#o.tailMs;
    const kept = this.#frames.filter((f) => f.at + frameMs(f) > from && f.at < to);
    const audio = concat(kept);
    this.#frames = [];
    this.#talking = false;
    this.#voiceFrom = undefined;
    return { audio, speechStartMs, speechEndMs, endpointedAtMs, truncated };
  }
}

function concat(frames: VoiceFrame[]): Pcm {
  const sampleRate = frames[0]?.sampleRate ?? 8_000;
  let length = 0;
  for (const f of frames) length += f.samples.length;
  const samples = new Int16Array(length);
  let at = 0;
  for (const f of frames) {
    samples.set(f.samples, at);
    at += f.samples.length;
  }
  return { sampleRate, samples };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
