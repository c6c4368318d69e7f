// The engine shared by every database-backed queue here (generic jobs, the dialer's hopper, the
// webhook outbox): claim up to the free capacity, run each item, claim again as soon as a slot
// frees or a NOTIFY arrives, and poll as a fallback for wake-ups that were missed or scheduled.

export interface ClaimLoopOptions<T> {
  name: string;
  /** Most items in flight at once. */
  capacity: number;
  /** Fallback poll when no wake-up arrives. */
  pollMs: number;
  /**
   * Least time between two claims that did not fill the free capacity: wake-ups that arrive
   * meanwhile (each finished item sends one) share the next claim instead of one claim each.
   */
  coalesceMs?: number;
  /**
   * Whether a finished item makes other items claimable (a call's end frees its task's
   * concurrency, a delivered webhook lets the next of its group go): then every finished item
   * claims again. Without (independent jobs), only a claim cut short by the capacity does.
   * Default true.
   */
  finishFreesWork?: boolean;
  /** Claims at most `limit` items in the database; an empty array means nothing is due. */
  claim(limit: number): Promise<T[]>;
  handle(item: T): Promise<void>;
  onError(error: unknown, item?: T): void;
}

export class ClaimLoop<T> {
  readonly #o: ClaimLoopOptions<T>;
  readonly #inFlight = new Set<T>();
  #running = false;
  #wakeUp: (() => void) | undefined;
  #woken = false;
  /** The last claim took all it asked for: more may be due, so a freed slot claims again. */
  #saturated = false;
  #done: Promise<void> | undefined;
  #idle: Array<() => void> = [];

  constructor(options: ClaimLoopOptions<T>) {
    this.#o = options;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#done = this.#run();
  }

  /** Ask for a claim now (a NOTIFY arrived, or work was just added in this process). */
  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  /**
   * Stops claiming and waits up to graceMs for the items in flight. Returns those still running
   * then, so the owner can hand them back.
   */
  async stop(graceMs: number): Promise<T[]> {
    this.#running = false;
    this.wake();
    await this.#done;
    if (this.#inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    return [...this.#inFlight];
  }

  async #run(): Promise<void> {
    const coalesceMs = this.#o.coalesceMs ?? 0;
    let failures = 0;
    while (this.#running) {
      this.#woken = false;
      const free = this.#o.capacity - this.#inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const items = await this.#o.claim(free);
          failures = 0;
          claimed = items.length;
          this.#saturated = claimed === free;
          for (const item of items) this.#start(item);
          if (claimed === free) continue;
        } catch (error) {
          this.#o.onError(error);
          // The store is down or failing: back off (up to 5 s) instead of logging every poll.
          failures += 1;
          await new Promise((r) => setTimeout(r, Math.min(5_000, this.#o.pollMs * 2 ** failures)));
          continue;
        }
      }
      if (!this.#running) break;
      if (coalesceMs > 0) await new Promise((resolve) => setTimeout(resolve, coalesceMs));
      if (this.#woken && free > 0 && claimed > 0) continue;
      await this.#sleep(free > 0 ? this.#o.pollMs : this.#o.pollMs * 10);
    }
  }

  #start(item: T): void {
    this.#inFlight.add(item);
    this.#o
      .handle(item)
      .catch((error: unknown) => this.#o.onError(error, item))
      .finally(() => {
        this.#inFlight.delete(item);
        if (this.#inFlight.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
        // For independent items only a claim cut short by the capacity left work behind; new
        // work comes with its own NOTIFY (or the poll), and a claim per finished item is waste.
        if (this.#saturated || (this.#o.finishFreesWork ?? true)) this.wake();
      });
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = () => {
        this.#wakeUp = undefined;
        done();
      };
    });
  }
}
