// Gathers the calls made in one turn of the event loop and hands them to `flush` together: many
// small writes that finish at the same moment (job completions, delivered webhooks) become one
// statement. Each caller's promise settles with its batch.

export function tickBatcher<T>(flush: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let pending: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  const run = async () => {
    const batch = pending;
    pending = [];
    try {
      await flush(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      if (pending.length === 0) setImmediate(() => void run());
      pending.push({ item, resolve, reject });
    });
}
