import type { Codec } from './codecs.ts';
import type { JitterBuffer } from './jitter-buffer.ts';

// Turns what the jitter buffer gives into whole 20 ms frames of decoded audio, one per clock
// tick. Packets of another length (a peer with ptime 30) are cut and joined to fit. A concealed
// gap repeats the previous frame's audio at half level for its first frame (a single loss then
// sounds like a soft echo, not a click of silence in the middle of a vowel) and is silent after.

export interface PlayedFrame {
  samples: Int16Array;
  /** True when the frame is idle silence: nothing playing before or between talkspurts. */
  idle: boolean;
}

export class Playout {
  readonly #buffer: JitterBuffer;
  readonly #codec: Codec;
  readonly #frameSamples: number;
  #pending: Int16Array = new Int16Array(0);
  #pendingIdle = true;
  #last: Int16Array | undefined;
  #concealedRun = 0;

  constructor(buffer: JitterBuffer, codec: Codec, frameSamples: number) {
    this.#buffer = buffer;
    this.#codec = codec;
    this.#frameSamples = frameSamples;
  }

  next(): PlayedFrame {
    let idle = this.#pending.length === 0 || this.#pendingIdle;
    while (this.#pending.length < this.#frameSamples) {
      const step = this.#buffer.pop();
      if (step.kind === 'packet') {
        const audio = this.#codec.decode(step.packet.payload);
        this.#append(audio);
        this.#last = audio;
        this.#concealedRun = 0;
        idle = false;
      } else if (step.kind === 'conceal') {
        this.#append(this.#conceal(step.samples));
        idle = false;
      } else {
        this.#append(new Int16Array(step.samples));
      }
    }
    const samples = this.#pending.slice(0, this.#frameSamples);
    this.#pending = this.#pending.subarray(this.#frameSamples);
    this.#pendingIdle = idle;
    return { samples, idle };
  }

  #conceal(samples: number): Int16Array {
    const out = new Int16Array(samples);
    const last = this.#last;
    if (this.#concealedRun === 0 && last && last.length > 0) {
      for (let i = 0; i < samples; i++) out[i] = last[i % last.length]! >> 1;
    }
    this.#concealedRun += samples;
    return out;
  }

  #append(audio: Int16Array): void {
    if (this.#pending.length === 0) {
      this.#pending = audio;
      return;
    }
    const joined = new Int16Array(this.#pending.length + audio.length);
    joined.set(this.#pending);
    joined.set(audio, this.#pending.length);
    this.#pending = joined;
  }
}
