import { systemClock, type Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Db } from '../store/db.ts';
import { ClaimLoop } from './claim-loop.ts';
import {
  claimJobs,
  batchedCompleter,
  defaultRetry,
  failJob,
  JOBS_CHANNEL,
  releaseJobs,
  type Job,
  type RetryPolicy,
} from './jobs.ts';

export interface JobHandler {
  run(job: Job): Promise<void>;
  retry?: RetryPolicy;
}

/** Runs the generic jobs of the queues it has handlers for. */
export class JobRunner {
  readonly #db: Db;
  readonly #workerId: string;
  readonly #log: Logger;
  readonly #handlers = new Map<string, JobHandler>();
  #loop: ClaimLoop<Job> | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  readonly #complete: (job: Job) => Promise<void>;
  readonly #clock: Clock;

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

  async start(options: { capacity: number; pollMs: number }): Promise<void> {
    const queues = [...this.#handlers.keys()];
    if (queues.length === 0) return;
    this.#loop = new ClaimLoop<Job>({
      name: 'jobs',
      capacity: options.capacity,
      pollMs: options.pollMs,
      claim: (limit) => claimJobs(this.#db, this.#workerId, queues, limit, this.#clock.now()),
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
    if (!handler) return;
    try {
      await handler.run(job);
      await this.#complete(job);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#log.warn(
        { queue: job.queue, jobId: job.id, attempt: job.attempts, err: error },
        'job failed',
      );
      const policy = handler.retry ?? defaultRetry;
      await failJob(this.#db, job, this.#workerId, message, policy, this.#clock.now());
    }
  }

  async stop(graceMs: number): Promise<void> {
    await this.#unlisten?.();
    const left = (await this.#loop?.stop(graceMs)) ?? [];
    if (left.length > 0) await releaseJobs(this.#db, this.#workerId);
  }
}
