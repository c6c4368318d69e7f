import { frameDbfs, FRAME_MS, type VoiceFrame } from './frame.ts';

// Voice activity detection per 20 ms frame: the frame's energy against an adaptive noise floor.
// A phone line's background (comfort noise, hiss, a street) differs per call and drifts, so a
// fixed threshold either misses quiet talkers or hears the noise. The floor is the quietest
// frame of the last `floorWindowMs` ("minimum statistics"): speech always has gaps between
// words and syllables that fall back to the background within a second or so, while noise
// stays at its level, so the minimum follows the noise up and down and never climbs onto a
// sentence. Until the stream has a full window, the floor is no higher than `initialFloorDbfs`,
// so a callee who speaks at once is heard. A zero-crossing cue rejects frames that are mostly
// hiss and only a little above the floor. Nothing here depends on the sample rate except the
// crossing rate, which is per second. Why not Silero: docs/speech.md (every Node package of it
// needs onnxruntime-node, a native addon).

export interface VadOptions {
  /** How far above the noise floor a frame must be to be speech. */
  marginDb?: number;
  /** Frames below this are never speech, whatever the floor (digital silence, far-off noise). */
  minSpeechDbfs?: number;
  /** The highest floor a stream has before a full window of it was heard. */
  initialFloorDbfs?: number;
  /** How far back the floor looks for the quietest frame. */
  floorWindowMs?: number;
}

export interface VadDecision {
  speech: boolean;
  energyDbfs: number;
  noiseFloorDbfs: number;
}

const DEFAULTS: Required<VadOptions> = {
  marginDb: 12,
  minSpeechDbfs: -50,
  initialFloorDbfs: -60,
  floorWindowMs: 1_500,
};

/** Crossings per second above which a quiet frame is hiss, not voice (voice: ~200-3000). */
const HISS_CROSSINGS_PER_SECOND = 4_000;
/** Above the floor by this much, a frame is speech even when noisy (fricatives: s, f, sh). */
const SURE_MARGIN_DB = 20;

export class EnergyVad {
  readonly #o: Required<VadOptions>;
  /** The energies of the last window's frames, a ring. */
  readonly #recent: Float64Array;
  #count = 0;
  #floor: number;

  constructor(options: VadOptions = {}) {
    this.#o = { ...DEFAULTS, ...options };
    this.#recent = new Float64Array(Math.max(1, Math.round(this.#o.floorWindowMs / FRAME_MS)));
    this.#floor = this.#o.initialFloorDbfs;
  }

  get noiseFloorDbfs(): number {
    return this.#floor;
  }

  decide(frame: VoiceFrame): VadDecision {
    const energy = frameDbfs(frame.samples);
    this.#remember(energy);
    const above = energy - this.#floor;
    let speech = energy >= this.#o.minSpeechDbfs && above >= this.#o.marginDb;
    if (speech && above < SURE_MARGIN_DB && crossingsPerSecond(frame) > HISS_CROSSINGS_PER_SECOND)
      speech = false;
    return { speech, energyDbfs: energy, noiseFloorDbfs: this.#floor };
  }

  #remember(energy: number): void {
    const ring = this.#recent;
    ring[this.#count % ring.length] = energy;
    this.#count++;
    const filled = Math.min(this.#count, ring.length);
    let min = Infinity;
    for (let i = 0; i < filled; i++) if (ring[i]! < min) min = ring[i]!;
    const floor = filled < ring.length ? Math.min(min, this.#o.initialFloorDbfs) : min;
    // Not below -90: a floor at digital silence's -100 would make any click speech.
    this.#floor = Math.max(floor, -90);
  }
}

function crossingsPerSecond(frame: VoiceFrame): number {
  const s = frame.samples;
  let crossings = 0;
  for (let i = 1; i < s.length; i++) if (s[i - 1]! < 0 !== s[i]! < 0) crossings++;
  return s.length > 1 ? (crossings * frame.sampleRate) / s.length : 0;
}
