import { extend, SEQUENCE_MODULUS, TIMESTAMP_MODULUS } from './wrap-around.ts';

// The receive-side jitter buffer. Packets are pushed as they arrive; the session's 20 ms clock
// pops what to play next, so the buffer itself holds no timers and tests drive it packet by
// packet. Playout is placed by RTP timestamp (sequence numbers only tell duplicates from late
// packets), which keeps time right across the gaps of a sender that stops between talkspurts.
//
// Depth: a talkspurt starts playing once its first packet has waited `depth` (60 ms at first).
// Each packet that comes after its time was played (late) adds one frame of depth, up to the
// maximum (200 ms), by holding playout for a frame; each new talkspurt gives one frame back.
// A hole in the timeline (a lost packet) is concealed; when nothing has come for longer than the
// maximum depth, the stream is idle and the next packet starts a new talkspurt.

export interface BufferedPacket {
  sequence: number;
  timestamp: number;
  marker: boolean;
  payload: Uint8Array;
  /** How many samples (clock ticks) the payload lasts. */
  samples: number;
}

export type Playout =
  /** Play this packet: it covers `packet.samples` of the timeline. */
  | { kind: 'packet'; packet: BufferedPacket }
  /** Something should be here but did not come in time: fill this many samples. */
  | { kind: 'conceal'; samples: number }
  /** Nothing is playing (before the first packet, between talkspurts): silence. */
  | { kind: 'idle'; samples: number };

export type PushResult = 'queued' | 'duplicate' | 'late';

export interface JitterBufferOptions {
  /** Samples per pop at the codec's clock rate (20 ms). */
  frameSamples: number;
  clockRate: number;
  startDepthMs?: number;
  maxDepthMs?: number;
}

const REMEMBERED_SEQUENCES = 512;
/** A timestamp this far from the playout point is a new stream, not a late or early packet. */
const RESYNC_SECONDS = 2;

export class JitterBuffer {
  late = 0;
  duplicates = 0;
  readonly #frame: number;
  readonly #minDepth: number;
  readonly #maxDepth: number;
  readonly #resync: number;
  #depth: number;
  /** By extended timestamp: the packet as it came, and its extended sequence number. */
  readonly #queued = new Map<number, { packet: BufferedPacket; seq: number }>();
  readonly #played = new Set<number>();
  #highestTs: number | undefined;
  #highestSeq: number | undefined;
  /** Extended timestamp of the next sample to play; undefined before the first talkspurt. */
  #playTs: number | undefined;
  #playing = false;
  /** Frames waited since the first packet of a talkspurt came (while not yet playing). */
  #waited = 0;
  /** Frames popped with nothing queued (while playing). */
  #starved = 0;
  /** Samples still to hold playout for, after a late packet grew the depth. */
  #hold = 0;

  constructor(o: JitterBufferOptions) {
    this.#frame = o.frameSamples;
    const perMs = o.clockRate / 1000;
    this.#minDepth = Math.round((o.startDepthMs ?? 60) * perMs);
    this.#maxDepth = Math.round((o.maxDepthMs ?? 200) * perMs);
    this.#depth = this.#minDepth;
    this.#resync = o.clockRate * RESYNC_SECONDS;
  }

  /** The current target depth, in samples. */
  get depthSamples(): number {
    return this.#depth;
  }

  push(packet: BufferedPacket): PushResult {
    const ts = extend(packet.timestamp, this.#highestTs ?? packet.timestamp, TIMESTAMP_MODULUS);
    const seq = extend(packet.sequence, this.#highestSeq ?? packet.sequence, SEQUENCE_MODULUS);
    if (this.#playTs !== undefined && Math.abs(ts - this.#playTs) > this.#resync) {
      this.#restart();
    }
    // A sender that does not advance its timestamps over a pause starts the next talkspurt
    // (marked) behind our playout point: take it as the new start, not as late.
    if (!this.#playing && packet.marker && this.#queued.size === 0) this.#playTs = undefined;
    if (this.#played.has(seq) || this.#queued.has(ts)) {
      this.duplicates += 1;
      return 'duplicate';
    }
    if (this.#playTs !== undefined && ts < this.#playTs) {
      this.late += 1;
      if (this.#playing && this.#depth < this.#maxDepth) {
        this.#depth += this.#frame;
        this.#hold += this.#frame;
      }
      return 'late';
    }
    this.#queued.set(ts, { packet, seq });
    this.#highestTs = Math.max(this.#highestTs ?? ts, ts);
    this.#highestSeq = Math.max(this.#highestSeq ?? seq, seq);
    return 'queued';
  }

  /** What to play for the next frame; called once per frame interval by the playout clock. */
  pop(): Playout {
    if (!this.#playing) return this.#popWaiting();
    if (this.#hold > 0) {
      const samples = Math.min(this.#hold, this.#frame);
      this.#hold -= samples;
      return { kind: 'conceal', samples };
    }
    const playTs = this.#playTs!;
    const queued = this.#queued.get(playTs);
    if (queued) {
      const { packet, seq } = queued;
      this.#queued.delete(playTs);
      this.#remember(seq);
      this.#playTs = playTs + packet.samples;
      this.#starved = 0;
      return { kind: 'packet', packet };
    }
    const next = this.#nextQueuedAfter(playTs);
    if (next === undefined) {
      this.#starved += 1;
      if (this.#starved * this.#frame > this.#maxDepth) {
        // The far end stopped sending: the next packet starts a new talkspurt.
        this.#playing = false;
        this.#starved = 0;
        this.#depth = Math.max(this.#minDepth, this.#depth - this.#frame);
        return { kind: 'idle', samples: this.#frame };
      }
      this.#playTs = playTs + this.#frame;
      return { kind: 'conceal', samples: this.#frame };
    }
    if (next - playTs > 2 * this.#maxDepth) {
      // A jump forward in the timestamps (a new talkspurt after a pause we had not noticed).
      this.#playTs = next;
      return this.pop();
    }
    const samples = Math.min(this.#frame, next - playTs);
    this.#playTs = playTs + samples;
    return { kind: 'conceal', samples };
  }

  #popWaiting(): Playout {
    if (this.#queued.size === 0) return { kind: 'idle', samples: this.#frame };
    this.#waited += 1;
    if (this.#waited * this.#frame < this.#depth) return { kind: 'idle', samples: this.#frame };
    this.#waited = 0;
    this.#playing = true;
    this.#playTs = Math.min(...this.#queued.keys());
    return this.pop();
  }

  #nextQueuedAfter(ts: number): number | undefined {
    let next: number | undefined;
    for (const key of this.#queued.keys()) {
      if (key < ts) {
        // Overlaps what was already played (a packet longer than its slot): too late.
        this.#queued.delete(key);
        this.late += 1;
      } else if (next === undefined || key < next) next = key;
    }
    return next;
  }

  #remember(seq: number): void {
    this.#played.add(seq);
    if (this.#played.size > REMEMBERED_SEQUENCES) {
      this.#played.delete(this.#played.values().next().value!);
    }
  }

  #restart(): void {
    this.#queued.clear();
    this.#played.clear();
    this.#playTs = undefined;
    this.#highestTs = undefined;
    this.#highestSeq = undefined;
    this.#playing = false;
    this.#waited = 0;
    this.#starved = 0;
    this.#hold = 0;
  }
}
