// The last step of pacing, in one process: the database hands each claimed message a slot on
// the channel's shared clock (messaging_channels.next_send_at), and this queue fires them at
// their slot but never two closer than the channel's gap, measured when they actually fire. A
// timer that fires late (a busy event loop) therefore delays the next send instead of letting
// two go back to back: the provider never sees the channel faster than its rate.

import { performance } from 'node:perf_hooks';

interface Item {
  /** performance.now() of the slot. */
  at: number;
  run: () => void;
}

export class ChannelPacer {
  readonly #gapMs: number;
  readonly #queue: Item[] = [];
  #lastFire = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  /** `ratePerSecond`: the channel's pace; a millisecond of margin absorbs clock rounding. */
  constructor(ratePerSecond: number) {
    this.#gapMs = 1000 / ratePerSecond + 1;
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Runs `run` at `slot` (a wall-clock instant) or later, in the order pushed. */
  push(slot: Date, run: () => void): void {
    const at = performance.now() + (slot.getTime() - Date.now());
    this.#queue.push({ at, run });
    this.#pump();
  }

  /** Drops what has not fired yet and returns how many were dropped. */
  clear(): number {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#queue.splice(0).length;
  }

  #pump(): void {
    while (this.#timer === undefined && this.#queue.length > 0) {
      const next = this.#queue[0]!;
      const due = Math.max(next.at, this.#lastFire + this.#gapMs);
      const wait = due - performance.now();
      if (wait > 0) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, Math.ceil(wait));
        return;
      }
      this.#queue.shift();
      this.#lastFire = performance.now();
      next.run();
    }
  }
}
