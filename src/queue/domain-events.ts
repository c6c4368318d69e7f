import { withSavepoint, type Queryable } from '../store/db.ts';
import type { JobType, Payload } from './job-types.ts';
import { insertJobs } from './jobs.ts';

// Domain events: facts one module states (a task finished, a number's dialling is final) and
// other modules react to, without the first knowing them. `publish` runs inside the transaction
// that made the fact true, so a rolled-back change publishes nothing, and fans out there:
//  - an in-transaction subscriber writes its own durable rows in that same transaction (the
//    customer webhook outbox is one);
//  - a job subscriber gets a typed job enqueued in that same transaction, keyed by subscriber and
//    event id, so each event makes at most one job per subscriber; the job runs later, on any
//    worker (plan rounds are one). runOnce (event-receipts.ts) makes a handler's effect happen
//    once even when its job runs twice.
// Nothing is written for the event itself: with no subscriber, publishing costs nothing (the dial
// path publishes call.final per finalize batch). The catalogue is in docs/domain-events.md.

/** A typed event name; D is what its subscribers receive. */
export interface EventType<D> {
  readonly name: string;
  /** Never set: carries D for the type checker. */
  readonly data?: D;
}

export function defineEvent<D>(name: string): EventType<D> {
  return { name };
}

export interface DomainEvent<D> {
  /**
   * Names the fact, the same every time it could be published (a task id, a callee id, a plan id
   * and round): subscriber jobs are keyed by it.
   */
  id: string;
  data: D;
}

/**
 * Writes its own rows in the publisher's transaction; gets every event of one publish at once,
 * and the business clock's now of the publish (`at`).
 */
export interface TransactionSubscriber<D> {
  name: string;
  handle(tx: Queryable, events: ReadonlyArray<DomainEvent<D>>, at: Date): Promise<void>;
}

/** Reacts later, in a job of its own: `select` gives the job's payload, or undefined to skip. */
export interface JobSubscriber<D, P extends Payload> {
  name: string;
  job: JobType<P>;
  select(event: DomainEvent<D>): P | undefined;
}

/**
 * A job subscriber whose job's work is tried first in the publisher's transaction: `run` gets the
 * payload the job would get; if it throws, its writes are rolled back and the job is enqueued.
 */
export interface EagerJobSubscriber<D, P extends Payload> extends JobSubscriber<D, P> {
  run(tx: Queryable, payload: P): Promise<void>;
}

type Subscriber =
  | { kind: 'tx'; sub: TransactionSubscriber<never> }
  | { kind: 'job'; sub: JobSubscriber<never, Payload> }
  | { kind: 'eager'; sub: EagerJobSubscriber<never, Payload> };

/** The key of the one job an event makes for one job subscriber. */
export const subscriberJobKey = (subscriber: string, eventId: string) => `${subscriber}:${eventId}`;

export class EventBus {
  readonly #subscribers = new Map<string, Subscriber[]>();

  /** Adds (or, by the same name, replaces) a subscriber that writes in the publisher's transaction. */
  inTransaction<D>(type: EventType<D>, sub: TransactionSubscriber<D>): void {
    this.#add(type.name, { kind: 'tx', sub: sub as TransactionSubscriber<never> });
  }

  /** Adds (or, by the same name, replaces) a subscriber run as a job. */
  viaJob<D, P extends Payload>(type: EventType<D>, sub: JobSubscriber<D, P>): void {
    this.#add(type.name, { kind: 'job', sub: sub as unknown as JobSubscriber<never, Payload> });
  }

  /** Adds (or, by the same name, replaces) a job subscriber whose work is first tried in the publisher's transaction. */
  eagerJob<D, P extends Payload>(type: EventType<D>, sub: EagerJobSubscriber<D, P>): void {
    this.#add(type.name, {
      kind: 'eager',
      sub: sub as unknown as EagerJobSubscriber<never, Payload>,
    });
  }

  /** Names of the subscribers of an event, in the order they are run. */
  subscribersOf(type: EventType<unknown>): string[] {
    return (this.#subscribers.get(type.name) ?? []).map((s) => s.sub.name);
  }

  /**
   * Publishes events of one type inside `tx` (the transaction of the change they report).
   * `at` is the business clock's now: job subscribers' jobs are due then.
   */
  async publish<D>(
    tx: Queryable,
    type: EventType<D>,
    events: ReadonlyArray<DomainEvent<D>>,
    at: Date,
  ): Promise<void> {
    if (events.length === 0) return;
    for (const subscriber of this.#subscribers.get(type.name) ?? []) {
      if (subscriber.kind === 'tx') {
        await (subscriber.sub as TransactionSubscriber<D>).handle(tx, events, at);
        continue;
      }
      const sub = subscriber.sub as unknown as JobSubscriber<D, Payload>;
      let jobs = events.flatMap((event) => {
        const payload = sub.select(event);
        return payload ? [{ payload, key: subscriberJobKey(sub.name, event.id) }] : [];
      });
      if (subscriber.kind === 'eager') jobs = await runEagerly(tx, subscriber.sub, jobs);
      await insertJobs(tx, sub.job.queue, jobs, {
        runAt: at,
        maxAttempts: sub.job.retry.maxAttempts,
      });
    }
  }

  #add(event: string, subscriber: Subscriber): void {
    const list = (this.#subscribers.get(event) ?? []).filter(
      (s) => s.sub.name !== subscriber.sub.name,
    );
    this.#subscribers.set(event, [...list, subscriber]);
  }
}

/**
 * Runs the jobs' work in `tx`, all under one savepoint; answers the jobs to enqueue instead: none,
 * or all of them when the try threw (its writes undone).
 */
async function runEagerly<J extends { payload: Payload }>(
  tx: Queryable,
  sub: EagerJobSubscriber<never, Payload>,
  jobs: J[],
): Promise<J[]> {
  if (jobs.length === 0) return jobs;
  try {
    await withSavepoint(tx, async () => {
      for (const job of jobs) await sub.run(tx, job.payload);
    });
    return [];
  } catch {
    // The jobs retry it with backoff and log it if it keeps failing: a lost race, a deadlock
    // or a robot's error does not undo the publisher's change.
    return jobs;
  }
}

/**
 * The process's bus: modules publish to it, and src/modules/wiring.ts subscribes the modules'
 * subscribers to it once per process (every process: an API-only one stops tasks too).
 */
export const domainEvents = new EventBus();

export function publish<D>(
  tx: Queryable,
  type: EventType<D>,
  events: ReadonlyArray<DomainEvent<D>>,
  at: Date,
): Promise<void> {
  return domainEvents.publish(tx, type, events, at);
}
