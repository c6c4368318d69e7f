/** The source of "now" for business rules, so tests can move time (token expiry, windows). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Simulated time: starts at `start` and runs `scale` times faster than the system clock, so a
 * week of calling windows, caps and round intervals passes in minutes (TILLER_SIMULATED_START).
 */
export class ScaledClock implements Clock {
  readonly #start: number;
  readonly #realStart: number;
  readonly #scale: number;
  constructor(start: Date, scale: number, realStart: number = Date.now()) {
    this.#start = start.getTime();
    this.#realStart = realStart;
    this.#scale = scale;
  }
  now(): Date {
    return new Date(this.#start + (Date.now() - this.#realStart) * this.#scale);
  }
}

/** A clock that tests move by hand. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date = new Date()) {
    this.#ms = start.getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}
