import type { CallControl } from '../../channels/telephony/call-control.ts';
import type { Config } from '../../config.ts';
import type { Nlu } from '../../dialogue/nlu/nlu.ts';
import type { Tts } from '../../dialogue/tts/tts.ts';
import { ClaimLoop } from '../../queue/claim-loop.ts';
import { ownerIsGone, type Reclaimer } from '../../queue/workers.ts';
import type { Clock } from '../../shared/clock.ts';
import { KeyedBatcher } from '../../shared/keyed-batcher.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Metrics } from '../../shared/metrics.ts';
import { Mutex } from '../../shared/mutex.ts';
import type { Db } from '../../store/db.ts';
import { isTransient, withRetry } from '../../store/retry.ts';
import {
  DIAL_CHANNEL,
  finalizeCall,
  finalizeCalls,
  interruptedEnd,
} from '../tasks/call-finalizer.ts';
import {
  dialingCallsOfGoneWorkers,
  dialingCallsOfWorker,
  type CallEnd,
} from '../tasks/call-access.ts';
import { claimDueCalls, type ClaimedCall } from './dial-claims.ts';
import { voiceCall, type CallRecorder } from './voice-call.ts';

export { outcomeOfTalk } from './call-end.ts';
export type { CallRecorder } from './voice-call.ts';

interface Ending {
  call: { id: string; task_id: string; callee_id: number; started_at: Date };
  end: CallEnd;
}

/**
 * Refusals (not outages) of one call's end before the dialer writes it as interrupted instead:
 * an end the database keeps refusing (a value it cannot store, a constraint) must not hold the
 * number for ever, and the interrupted end, which carries no talk, is the one it can still write.
 */
const REFUSALS_BEFORE_INTERRUPTED = 3;

export interface DialerDeps {
  db: Db;
  callControl: CallControl;
  config: Config;
  /** The business clock: attempts start, redial and end by it. */
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  nlu: Nlu;
  workerId: string;
  /** Absent when recordings are off: the timing is then estimated from the words. */
  recorder?: CallRecorder;
  /** Speaks the robot's lines for an adapter that plays audio only. */
  tts?: Tts;
  /**
   * Calls dialling under this worker's id that another dialer of this process owns (the PDS
   * dialer's): the stray sweep leaves them to it.
   */
  ownedElsewhere?: (callId: string) => boolean;
}

/**
 * Dials due numbers through call control, runs the robot on answered calls (voice-call.ts),
 * records each attempt's end.
 */
export class Dialer {
  readonly #d: DialerDeps;
  readonly #loop: ClaimLoop<ClaimedCall>;
  /** Ended calls, written one transaction per task for all that ended meanwhile. */
  readonly #endings: KeyedBatcher<Ending>;
  /**
   * Every call this dialer claimed whose end is not written yet, by call id: in progress, or
   * ended and waiting to be written. A call dialling under this worker's id that is not here was
   * lost (a claim that committed but whose answer never came back): sweep() ends it.
   */
  readonly #owned = new Map<string, ClaimedCall>();
  /** Ends the database did not take; sweep() writes them again. */
  readonly #unwritten = new Map<string, { item: Ending; refusals: number }>();
  /** A sweep must not look at the calls table while a claim that adds to #owned is under way. */
  readonly #claiming = new Mutex();
  #unlisten: (() => Promise<void>) | undefined;

  constructor(deps: DialerDeps, options: { capacity?: number } = {}) {
    this.#d = deps;
    this.#endings = new KeyedBatcher((taskId, batch) => this.#finalize(taskId, batch));
    this.#loop = new ClaimLoop<ClaimedCall>({
      name: 'dialer',
      capacity: options.capacity ?? 10_000,
      pollMs: deps.config.pollIntervalMs,
      coalesceMs: 5,
      claim: (limit) =>
        this.#claiming.run(async () => {
          const calls = await claimDueCalls(
            deps.db,
            deps.config,
            deps.workerId,
            Math.min(limit, 500),
            deps.clock.now(),
          );
          for (const call of calls) this.#owned.set(call.callId, call);
          return calls;
        }),
      handle: (call) => this.#run(call),
      onError: (error) => deps.log.error({ err: error }, 'dialer error'),
    });
  }

  async start(): Promise<void> {
    this.#unlisten = await this.#d.db.listen(DIAL_CHANNEL, () => this.#loop.wake());
    this.#loop.start();
  }

  /** Stops dialling; calls still up after graceMs are ended as interrupted and their numbers requeued. */
  async stop(graceMs: number): Promise<void> {
    await this.#unlisten?.();
    const left = await this.#loop.stop(graceMs);
    // One more try for ends not written yet; what still fails stays dialling under this worker,
    // and the reclaim ends it once the worker's row is gone.
    await this.#writeUnwritten();
    const { clock, db } = this.#d;
    // One transaction per task and batch, as for calls that end normally: ten thousand calls
    // handed back one by one took a minute.
    for (const [taskId, calls] of Map.groupBy(left, (call) => call.taskId)) {
      for (let i = 0; i < calls.length; i += 500) {
        const items = calls.slice(i, i + 500).map((call) => ({
          call: { id: call.callId, task_id: call.taskId, callee_id: call.calleeId },
          end: interruptedEnd(call.startedAt, clock.now()),
        }));
        await db.transaction((tx) => finalizeCalls(tx, taskId, items, clock.now()));
        for (const call of calls) this.#owned.delete(call.callId);
      }
    }
  }

  /**
   * Run on every heartbeat: writes again the ends the database refused, and ends as interrupted
   * (through the normal finalizer, so the number is dialled again and the task can finish) the
   * calls dialling under this worker's id that it has no record of. A live worker never leaves
   * a call dialling for ever; what a sweep cannot write, the next one tries again.
   */
  async sweep(): Promise<void> {
    await this.#writeUnwritten();
    await this.#endStrays();
  }

  /** Calls this dialer owns whose end is not written yet (claimed, in progress or unwritten). */
  get owned(): number {
    return this.#owned.size;
  }

  async #writeUnwritten(): Promise<void> {
    const { db, clock, log } = this.#d;
    const entries = [...this.#unwritten.values()];
    for (const [taskId, group] of Map.groupBy(entries, (entry) => entry.item.call.task_id)) {
      const write = async (some: typeof group) => {
        const items = some.map((entry) => entry.item);
        await db.transaction((tx) => finalizeCalls(tx, taskId, items, clock.now()));
        for (const item of items) {
          this.#unwritten.delete(item.call.id);
          this.#owned.delete(item.call.id);
        }
      };
      try {
        await write(group);
        continue;
      } catch (error) {
        // The store is down: the next heartbeat tries again, nothing is counted as refused.
        if (isTransient(error)) return;
      }
      // Refused: find which, one by one.
      for (const entry of group) {
        try {
          await write([entry]);
        } catch (error) {
          if (isTransient(error)) return;
          entry.refusals += 1;
          const { item } = entry;
          if (entry.refusals < REFUSALS_BEFORE_INTERRUPTED || item.end.outcome === 'interrupted')
            continue;
          log.error(
            { err: error, callId: item.call.id, outcome: item.end.outcome },
            'the end of a call was refused again: it is written as interrupted and its number dialled again',
          );
          entry.item = { call: item.call, end: interruptedEnd(item.call.started_at, clock.now()) };
          entry.refusals = 0;
        }
      }
    }
  }

  async #endStrays(): Promise<void> {
    const { db, clock, log, workerId } = this.#d;
    await this.#claiming.run(async () => {
      const strays = (await dialingCallsOfWorker(db, workerId)).filter(
        (call) => !this.#owned.has(call.id) && !this.#d.ownedElsewhere?.(call.id),
      );
      if (strays.length === 0) return;
      log.warn(
        { calls: strays.map((c) => c.id).slice(0, 20), count: strays.length },
        'calls dialling under this worker that it has no record of: ending them as interrupted',
      );
      for (const [taskId, calls] of Map.groupBy(strays, (call) => call.task_id)) {
        const now = clock.now();
        const items = calls.map((call) => ({ call, end: interruptedEnd(call.started_at, now) }));
        await db.transaction((tx) => finalizeCalls(tx, taskId, items, now));
      }
    });
  }

  /** Attempts left dialling by a vanished worker end as interrupted; their numbers are dialled again. */
  readonly reclaim: Reclaimer = async (tx) => {
    for (const call of await dialingCallsOfGoneWorkers(tx, ownerIsGone('worker_id'))) {
      const now = this.#d.clock.now();
      await finalizeCall(tx, call, interruptedEnd(call.started_at, now), now);
    }
  };

  async #run(call: ClaimedCall): Promise<void> {
    const { metrics, log } = this.#d;
    metrics.callsInFlight.inc();
    let end: CallEnd;
    try {
      end = await voiceCall(this.#d, call);
    } catch (error) {
      log.error({ err: error, callId: call.callId }, 'the call failed on our side');
      end = interruptedEnd(call.startedAt, this.#d.clock.now());
    } finally {
      metrics.callsInFlight.dec();
    }
    await this.#endings.add(call.taskId, {
      call: {
        id: call.callId,
        task_id: call.taskId,
        callee_id: call.calleeId,
        started_at: call.startedAt,
      },
      end,
    });
    metrics.callsTotal.inc({ outcome: end.outcome });
  }

  /** Writes a batch of ends; never throws: an end that cannot be written waits for sweep(). */
  async #finalize(taskId: string, batch: Ending[]): Promise<void> {
    const { db, clock } = this.#d;
    const write = async (items: Ending[]) => {
      await withRetry(() => db.transaction((tx) => finalizeCalls(tx, taskId, items, clock.now())));
      for (const item of items) this.#owned.delete(item.call.id);
    };
    try {
      await write(batch);
      return;
    } catch (error) {
      // An outage that outlasted the retries: every end waits for the heartbeat, as it is.
      if (batch.length === 1 || isTransient(error)) {
        this.#keepUnwritten(batch, error);
        return;
      }
    }
    // One bad call must not hold back the others: write them one by one.
    for (const item of batch) {
      await write([item]).catch((error: unknown) => this.#keepUnwritten([item], error));
    }
  }

  /** One log line per batch: an outage must not log every call of a 500-call batch. */
  #keepUnwritten(items: Ending[], error: unknown): void {
    this.#d.log.error(
      { err: error, calls: items.length, callIds: items.slice(0, 20).map((i) => i.call.id) },
      'could not record the end of a call: it is kept and written again on the next heartbeat',
    );
    const refusals = isTransient(error) ? 0 : 1;
    for (const item of items) this.#unwritten.set(item.call.id, { item, refusals });
  }
}
