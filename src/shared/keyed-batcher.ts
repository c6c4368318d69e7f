// Runs work for one key at a time, in batches: items added while a batch of their key is being
// processed wait and go together in the next one. The dialer finalizes ended calls this way: one
// transaction per task takes the task's row lock once for every call that ended meanwhile,
// instead of one transaction per call queueing on that lock.

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class KeyedBatcher<T> {
  readonly #run: (key: string, items: T[]) => Promise<void>;
  readonly #maxBatch: number;
  readonly #waiting = new Map<string, Pending<T>[]>();
  readonly #busy = new Set<string>();

  /** `run` processes one batch of one key; it is never called twice at once for the same key. */
  constructor(
    run: (key: string, items: T[]) => Promise<void>,
    options: { maxBatch?: number } = {},
  ) {
    this.#run = run;
    this.#maxBatch = options.maxBatch ?? 500;
  }

  /** Resolves once the batch holding `item` has been processed (rejects if that batch failed). */
  add(key: string, item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queue = this.#waiting.get(key) ?? [];
      queue.push({ item, resolve, reject });
      this.#waiting.set(key, queue);
      if (!this.#busy.has(key)) void this.#drain(key);
    });
  }

  async #drain(key: string): Promise<void> {
    this.#busy.add(key);
    // Let the items that end in this same turn of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      const queue = this.#waiting.get(key);
      if (!queue || queue.length === 0) break;
      const batch = queue.splice(0, this.#maxBatch);
      if (queue.length === 0) this.#waiting.delete(key);
      try {
        await this.#run(
          key,
          batch.map((p) => p.item),
        );
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.#busy.delete(key);
  }
}
