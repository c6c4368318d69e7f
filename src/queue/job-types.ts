import type { Queryable } from '../store/db.ts';
import { insertJob, type Job } from './jobs.ts';
import { defaultRetry, type RetryPolicy } from './retry.ts';

// Typed jobs. A module defines each of its job types once (name from names.ts, payload type, how
// to read a stored payload, retry policy) and its handler in its `<m>.jobs.ts`; the runtime
// registers every handler in one place (src/modules/wiring.ts). Payloads are stored as JSON:
// keep their keys stable, since jobs written by an older version must still run (`decode` is
// where an old shape is accepted).

/** A JSON object: what a payload is once stored. */
export type Payload = Record<string, unknown>;

export interface JobType<P extends Payload> {
  readonly queue: string;
  readonly retry: RetryPolicy;
  /** Reads a stored payload (perhaps written by an older version) as P; throws if it cannot. */
  decode(stored: Payload): P;
}

export function defineJob<P extends Payload>(
  queue: string,
  options: { decode: (stored: Payload) => P; retry?: RetryPolicy },
): JobType<P> {
  return { queue, retry: options.retry ?? defaultRetry, decode: options.decode };
}

export interface EnqueueOptions {
  /**
   * When it is due, on the business clock: clock.now() or a time computed from it. Required, so
   * that no job is ever timed by the wall clock while the runner claims on a simulated one.
   */
  runAt: Date;
  /** A job with the same key is not added twice while it exists. */
  key?: string;
  /**
   * false for a timer far ahead (a day's inactivity): waking the runners now would only make
   * them claim nothing; their poll finds it when it is due. Default true.
   */
  wake?: boolean;
}

/** Adds a job inside the caller's transaction: it exists if and only if the transaction commits. */
export async function enqueue<P extends Payload>(
  tx: Queryable,
  type: JobType<P>,
  payload: P,
  options: EnqueueOptions,
): Promise<void> {
  await insertJob(tx, type.queue, payload, {
    runAt: options.runAt,
    ...(options.key !== undefined ? { key: options.key } : {}),
    ...(options.wake !== undefined ? { wake: options.wake } : {}),
    maxAttempts: type.retry.maxAttempts,
  });
}

/** What a handler knows of the run besides its payload. */
export type JobRun = Pick<Job, 'id' | 'attempts' | 'max_attempts'> & {
  key?: string | null;
  /**
   * Deletes the job in the handler's own transaction, so its effect and its completion commit
   * together (and the runner saves its own DELETE). Absent when the handler runs outside a runner.
   */
  completeIn?: (tx: Queryable) => Promise<void>;
};

/** A job type with the function that runs it. */
export interface JobDefinition<P extends Payload = Payload> {
  type: JobType<P>;
  run(payload: P, job: JobRun): Promise<void>;
}

export function handleJob<P extends Payload>(
  type: JobType<P>,
  run: (payload: P, job: JobRun) => Promise<void>,
): JobDefinition<P> {
  return { type, run };
}

/**
 * Thrown by a handler when trying again cannot help (the data it needs is gone, a rule refuses
 * it): the job is parked as failed at once, with this message, instead of being retried. An
 * operator sees it in `tiller jobs failed` and runs it again with `tiller jobs retry`.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Reads a required text field of a stored payload. */
export function textField(stored: Payload, name: string): string {
  const value = stored[name];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw new PermanentJobError(`the payload has no "${name}": ${JSON.stringify(stored)}`);
}

/** Reads a required whole-number field of a stored payload (a number, or digits in a string). */
export function intField(stored: Payload, name: string): number {
  const value = Number(stored[name]);
  if (stored[name] !== null && stored[name] !== '' && Number.isInteger(value)) return value;
  throw new PermanentJobError(`the payload has no whole "${name}": ${JSON.stringify(stored)}`);
}
