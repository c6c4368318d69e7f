// Waiting on the business clock (docs/clock.md). The clock itself only tells the time; a wait of
// `ms` business milliseconds lasts ms / TILLER_TIME_SCALE real milliseconds, as the simulated
// carrier's waits do, so a sped-up simulation runs the connect limit, the ring limit and a
// simulated agent's talk at the same pace as the calls themselves.

/** Resolves true once `businessMs` have passed, false at once when `signal` aborts first. */
export function sleepBusiness(
  businessMs: number,
  timeScale: number,
  signal?: AbortSignal,
): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  const ms = Math.max(0, businessMs / timeScale);
  return new Promise((resolve) => {
    const done = (elapsed: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(elapsed);
    };
    const onAbort = () => done(false);
    // Unref'd: a wait must not keep a stopping process up.
    const timer = setTimeout(() => done(true), ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A one-shot signal a call's driver waits on (the leg went down, the agent hung up). */
export class Latch {
  #resolve!: () => void;
  #fired = false;
  readonly promise = new Promise<void>((resolve) => (this.#resolve = resolve));

  get fired(): boolean {
    return this.#fired;
  }

  fire(): void {
    this.#fired = true;
    this.#resolve();
  }
}
