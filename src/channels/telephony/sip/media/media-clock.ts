import { performance } from 'node:perf_hooks';

// One 20 ms clock for every RTP session of the process. Tick k is due at start + 20k ms, computed
// from the start each time, so lateness of one timer does not add up into drift (a chain of
// setTimeout(20) would fall behind by the event loop's delay on every hop). When the loop was
// held up, the missed ticks run at once, so each session still sends one packet per 20 ms of
// media on average; beyond a second behind we give up catching up and start counting anew.
// One timer serves all sessions: a hundred calls cost one wake-up per 20 ms, not a hundred.

export const FRAME_MS = 20;
const MAX_CATCH_UP_TICKS = 50;

export type TickListener = () => void;

export class MediaClock {
  readonly #listeners = new Set<TickListener>();
  #start = 0;
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Ticks that ran later than one frame after they were due (the loop was held up). */
  lateTicks = 0;
  /**
   * How late the ticks ran, in whole frames: lateness[n] counts the ticks that ran n frames
   * (n x 20 ms) after they were due; the last slot holds that many or more. For measurements.
   */
  readonly lateness: number[] = new Array<number>(11).fill(0);

  subscribe(listener: TickListener): () => void {
    this.#listeners.add(listener);
    if (!this.#timer) {
      this.#start = performance.now();
      this.#tick = 0;
      this.#schedule();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  #schedule(): void {
    const due = this.#start + (this.#tick + 1) * FRAME_MS;
    this.#timer = setTimeout(() => this.#run(), Math.max(0, due - performance.now()));
  }

  #run(): void {
    this.#timer = undefined;
    const now = performance.now();
    let behind = Math.floor((now - this.#start) / FRAME_MS) - this.#tick;
    if (behind > MAX_CATCH_UP_TICKS) {
      this.#start = now - FRAME_MS;
      this.#tick = 0;
      behind = 1;
    }
    if (behind > 1) this.lateTicks += behind - 1;
    for (let i = 0; i < behind; i++) {
      this.#tick += 1;
      this.lateness[Math.min(behind - 1 - i, this.lateness.length - 1)]! += 1;
      for (const listener of this.#listeners) listener();
    }
    if (this.#listeners.size > 0 && !this.#timer) this.#schedule();
  }
}

/** The clock sessions use unless given another. */
export const sharedMediaClock = new MediaClock();
