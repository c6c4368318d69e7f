import { extend, SEQUENCE_MODULUS } from './wrap-around.ts';

// Receive statistics of one RTP stream, as RFC 3550 defines them: packets expected are the span
// of extended sequence numbers seen (A.3), lost = expected - received, and the interarrival
// jitter is the running mean deviation of transit-time differences, J += (|D| - J) / 16 (A.8),
// in timestamp units. Duplicates are not counted as received here, so lost never goes negative.

export class RtpReceiveStats {
  received = 0;
  duplicates = 0;
  late = 0;
  readonly #clockRate: number;
  #firstSeq: number | undefined;
  #highestSeq = 0;
  #lastTransit: number | undefined;
  #jitter = 0;

  constructor(clockRate: number) {
    this.#clockRate = clockRate;
  }

  /** Counts a packet with its sequence number (every payload type of the stream). */
  countPacket(sequence: number): void {
    if (this.#firstSeq === undefined) {
      this.#firstSeq = sequence;
      this.#highestSeq = sequence;
    } else {
      const seq = extend(sequence, this.#highestSeq, SEQUENCE_MODULUS);
      this.#highestSeq = Math.max(this.#highestSeq, seq);
      // A reordered packet from before the first one to arrive widens the span backwards.
      this.#firstSeq = Math.min(this.#firstSeq, seq);
    }
    this.received += 1;
  }

  /** Undoes the count of a packet that turned out to be a duplicate. */
  countDuplicate(): void {
    this.received -= 1;
    this.duplicates += 1;
  }

  /**
   * Feeds the jitter estimate with an audio packet's RTP timestamp and its arrival time (ms).
   * Only audio: telephone-event packets repeat their event's start timestamp.
   */
  arrival(timestamp: number, arrivalMs: number): void {
    const transit = (arrivalMs * this.#clockRate) / 1000 - timestamp;
    if (this.#lastTransit !== undefined) {
      let d = transit - this.#lastTransit;
      // Timestamps wrap at 2^32: a difference near that size is a wrap, not a real swing.
      if (d > 2 ** 31) d -= 2 ** 32;
      else if (d < -(2 ** 31)) d += 2 ** 32;
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#lastTransit = transit;
  }

  get expected(): number {
    return this.#firstSeq === undefined ? 0 : this.#highestSeq - this.#firstSeq + 1;
  }

  get lost(): number {
    return Math.max(0, this.expected - this.received);
  }

  get jitterMs(): number {
    return (this.#jitter / this.#clockRate) * 1000;
  }
}
