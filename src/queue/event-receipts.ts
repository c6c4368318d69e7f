import type { Db, Queryable } from '../store/db.ts';
import { PermanentJobError, type JobRun, type Payload } from './job-types.ts';

// Exactly-once effects for job subscribers of domain events. A job can run twice: its completion
// was lost and the sweep handed it back, an operator re-ran it, the event was published again
// after the first job was gone. runOnce runs the handler in a transaction that first takes a
// receipt named by the job's key (subscriber + event id): the effect and the receipt commit
// together, and a second run finds the receipt and does nothing.

/** Takes the receipt of `key` in tx; false when an earlier run already took it. */
export async function takeReceipt(tx: Queryable, key: string): Promise<boolean> {
  const rows = await tx.query(
    'INSERT INTO event_receipts (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING key',
    [key],
  );
  return rows.length > 0;
}

export function runOnce<P extends Payload>(
  db: Db,
  handle: (tx: Queryable, payload: P, job: JobRun) => Promise<void>,
): (payload: P, job: JobRun) => Promise<void> {
  return async (payload, job) => {
    const key = job.key;
    if (!key) throw new PermanentJobError('a subscriber job without a key cannot run only once');
    await db.transaction(async (tx) => {
      if (await takeReceipt(tx, key)) await handle(tx, payload, job);
    });
  };
}
