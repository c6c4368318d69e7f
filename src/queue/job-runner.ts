import { systemClock, type Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { Mutex } from '../shared/mutex.ts';
import type { Db } from '../store/db.ts';
import { ClaimLoop } from './claim-loop.ts';
import { PermanentJobError, type JobDefinition, type JobRun, type Payload } from './job-types.ts';
import {
  claimJobs,
  batchedCompleter,
  completeJobIn,
  failJob,
  JOBS_CHANNEL,
  jobsOutside,
  parkJob,
  releaseJobs,
  releaseStrayJobs,
  type Job,
} from './jobs.ts';
import { defaultRetry, type RetryPolicy } from './retry.ts';

/** A handler of raw job rows; typed jobs register through add() instead. */
export interface JobHandler {
  run(job: Job, run: JobRun): Promise<void>;
  retry?: RetryPolicy;
}

/**
 * Runs the generic jobs of the queues it has handlers for. A handler that throws is retried with
 * its type's backoff; one that throws PermanentJobError is parked as failed at once.
 */
export class JobRunner {
  readonly #db: Db;
  readonly #workerId: string;
  readonly #log: Logger;
  readonly #handlers = new Map<string, JobHandler>();
  #loop: ClaimLoop<Job> | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  readonly #complete: (job: Job) => Promise<void>;
  readonly #clock: Clock;
  /** Ids of the jobs this runner claimed and has not finished with: sweep() spares these. */
  readonly #running = new Set<number>();
  /** A sweep must not compare with #running while a claim that adds to it is under way. */
  readonly #claiming = new Mutex();

  constructor(db: Db, workerId: string, log: Logger, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
    this.#workerId = workerId;
    this.#log = log;
    this.#complete = batchedCompleter(db, workerId);
  }

  register(queue: string, handler: JobHandler): void {
    this.#handlers.set(queue, handler);
  }

  /** Registers a typed job: its stored payload is decoded, then handed to its run(). */
  add<P extends Payload>(definition: JobDefinition<P>): void {
    const { type } = definition;
    this.register(type.queue, {
      retry: type.retry,
      run: (job, run) => definition.run(type.decode(job.payload), run),
    });
  }

  async start(options: { capacity: number; pollMs: number }): Promise<void> {
    const queues = [...this.#handlers.keys()];
    if (queues.length === 0) return;
    // Claims name the registered queues, so a job of any other queue is never claimed here: it
    // waits, unlocked, for a process that handles it. Say so at start instead of silently.
    for (const { queue, jobs } of await jobsOutside(this.#db, queues)) {
      this.#log.warn(
        { queue, jobs, handled: queues },
        'jobs wait in a queue that this worker has no handler for',
      );
    }
    this.#loop = new ClaimLoop<Job>({
      name: 'jobs',
      capacity: options.capacity,
      pollMs: options.pollMs,
      // Jobs never wait on each other: a finished one frees nothing another could claim.
      finishFreesWork: false,
      claim: (limit) =>
        this.#claiming.run(async () => {
          const jobs = await claimJobs(this.#db, this.#workerId, queues, limit, this.#clock.now());
          for (const job of jobs) this.#running.add(job.id);
          return jobs;
        }),
      handle: (job) => this.#run(job),
      onError: (error) => this.#log.error({ err: error }, 'job loop error'),
    });
    this.#unlisten = await this.#db.listen(JOBS_CHANNEL, (queue) => {
      if (this.#handlers.has(queue)) this.#loop?.wake();
    });
    this.#loop.start();
  }

  async #run(job: Job): Promise<void> {
    const handler = this.#handlers.get(job.queue);
    try {
      if (!handler) throw new Error(`no handler for the queue ${job.queue} in this worker`);
      let completed = false;
      await handler.run(job, {
        ...job,
        completeIn: async (tx) => {
          await completeJobIn(tx, job.id, this.#workerId);
          completed = true; // if that transaction rolls back, the handler throws: failed below
        },
      });
      if (!completed) await this.#complete(job);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#log.warn(
        { queue: job.queue, jobId: job.id, attempt: job.attempts, err: error },
        'job failed',
      );
      if (error instanceof PermanentJobError) {
        await parkJob(this.#db, job, this.#workerId, message);
      } else {
        const policy = handler?.retry ?? defaultRetry;
        await failJob(this.#db, job, this.#workerId, message, policy, this.#clock.now());
      }
    } finally {
      // Whatever could not be written (the completion, the failure) leaves the job locked by
      // this worker; no longer counted as running here, the next sweep hands it back.
      this.#running.delete(job.id);
    }
  }

  /**
   * Run on every heartbeat: hands back the jobs locked by this worker that it does not run (a
   * completion or failure that could not be written, a claim whose answer was lost), so a live
   * worker never holds a job for ever.
   */
  async sweep(): Promise<void> {
    if (!this.#loop) return;
    await this.#claiming.run(async () => {
      const released = await releaseStrayJobs(this.#db, this.#workerId, [...this.#running]);
      if (released.length > 0) {
        this.#log.warn(
          { jobs: released },
          'jobs locked by this worker but not running: handed back',
        );
      }
    });
  }

  async stop(graceMs: number): Promise<void> {
    await this.#unlisten?.();
    const left = (await this.#loop?.stop(graceMs)) ?? [];
    if (left.length > 0) await releaseJobs(this.#db, this.#workerId);
  }
}
