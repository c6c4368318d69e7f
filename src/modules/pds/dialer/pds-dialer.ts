import type { CallControl } from '../../../channels/telephony/call-control.ts';
import type { Config } from '../../../config.ts';
import type { Nlu } from '../../../dialogue/nlu/nlu.ts';
import type { Tts } from '../../../dialogue/tts/tts.ts';
import { ownerIsGone, type Reclaimer } from '../../../queue/workers.ts';
import type { Clock } from '../../../shared/clock.ts';
import { KeyedBatcher } from '../../../shared/keyed-batcher.ts';
import type { Logger } from '../../../shared/logger.ts';
import type { Metrics } from '../../../shared/metrics.ts';
import type { Db } from '../../../store/db.ts';
import { isTransient, withRetry } from '../../../store/retry.ts';
import type { AgentStateService } from '../../agents/agent-state.service.ts';
import type { AgentService } from '../../agents/agents.service.ts';
import type { CallRecorder } from '../../dialer/voice-call.ts';
import { interruptedEnd } from '../../tasks/call-finalizer.ts';
import { CallProgressWriter } from './call-progress-writer.ts';
import { endLostCalls } from './lost-calls.ts';
import type { PdsClaim } from './pds-claim.ts';
import { PdsCallRun, type PdsDriverDeps } from './pds-call-run.ts';
import { runPdsCall, type PdsCallEnd } from './pds-call.ts';
import {
  pdsCallsOfGoneWorkers,
  pdsCallsOfWorker,
  type PdsTaskRow,
} from './pds-calls.repository.ts';
import { PDS_HANGUP_CHANNEL } from './pds-channel.ts';
import { finalizePdsCalls, type PdsEnding } from './pds-finalize.ts';
import { PacingTicker } from './pacing-ticker.ts';
import { simulatedAcwSeconds, simulatedDisposition } from './simulated-agent.ts';

// The PDS dialer (docs/pds-dialer.md): a second claim loop beside the robot dialer. Its ticker
// (pacing-ticker.ts) asks each running PDS task's pacer how many lines to open and claims them;
// each claimed call runs in pds-call.ts; ends are written in batches per task (pds-finalize.ts).
// Like the robot dialer, nothing it claimed stays dialling: a stop ends what is still up, the
// heartbeat's sweep ends what it lost track of, and the reclaim ends the calls of gone workers.

export interface PdsDialerDeps {
  db: Db;
  callControl: CallControl;
  config: Config;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  nlu: Nlu;
  workerId: string;
  agents: AgentService;
  agentStates: AgentStateService;
  recorder?: CallRecorder;
  tts?: Tts;
}

/** How long a stopping dialer waits for cut calls to end by themselves before ending them. */
const CUT_WAIT_MS = 2_000;

export class PdsDialer {
  readonly #d: PdsDialerDeps;
  readonly #driver: PdsDriverDeps;
  readonly #ticker: PacingTicker;
  readonly #endings: KeyedBatcher<PdsEnding>;
  /** Calls this dialer claimed whose end is not written yet. */
  readonly #owned = new Set<string>();
  readonly #runs = new Map<string, PdsCallRun>();
  readonly #running = new Set<Promise<void>>();
  readonly #unwritten = new Map<string, PdsEnding>();
  readonly #stop = new AbortController();
  #unlisten: (() => Promise<void>) | undefined;

  constructor(deps: PdsDialerDeps) {
    this.#d = deps;
    this.#driver = {
      ...deps,
      timeScale: deps.config.timeScale,
      progress: new CallProgressWriter(deps.db),
    };
    this.#endings = new KeyedBatcher((taskId, batch) => this.#finalize(taskId, batch));
    this.#ticker = new PacingTicker({
      ...deps,
      owned: this.#owned,
      runs: this.#runs,
      start: (claim, task, acwSeconds, pacing) => this.#start(claim, task, acwSeconds, pacing),
    });
  }

  /** Whether this dialer holds the call (the robot dialer's sweep leaves such calls alone). */
  owns(callId: string): boolean {
    return this.#owned.has(callId);
  }

  async start(): Promise<void> {
    // An agent's hangup from the desktop, in any process: end the call if it is ours.
    this.#unlisten = await this.#d.db.listen(PDS_HANGUP_CHANNEL, (callId) =>
      this.#runs.get(callId)?.agentHungUp.fire(),
    );
    this.#ticker.start();
  }

  /**
   * Stops opening lines; waits up to graceMs for the calls up, then cuts the rest: they end
   * interrupted (their numbers are dialled again) and their agents are freed.
   */
  async stop(graceMs: number): Promise<void> {
    await this.#unlisten?.();
    await this.#ticker.stop();
    await settledWithin([...this.#running], graceMs);
    this.#stop.abort();
    await settledWithin([...this.#running], CUT_WAIT_MS);
    // What still rings (a ring cannot be cut) ends here; its own end later finds it ended.
    const now = this.#d.clock.now();
    const left = [...this.#runs.values()].map((run) => ({
      id: run.call.callId,
      task_id: run.call.taskId,
      callee_id: run.call.calleeId,
      started_at: run.call.startedAt,
    }));
    if (left.length > 0) {
      await this.#d.db.transaction((tx) => endLostCalls(tx, this.#d.agentStates, left, now));
    }
    await this.#writeUnwritten();
  }

  /** Heartbeat: writes ends the store refused, and ends PDS calls of this worker it lost. */
  async sweep(): Promise<void> {
    await this.#writeUnwritten();
    const { db, agentStates, clock, workerId, log } = this.#d;
    // Read first, compare after: a claim adds its calls to #owned before it commits.
    const strays = (await pdsCallsOfWorker(db, workerId)).filter((c) => !this.#owned.has(c.id));
    if (strays.length === 0) return;
    log.warn(
      { count: strays.length },
      'PDS calls under this worker it has no record of: ending them',
    );
    await db.transaction((tx) => endLostCalls(tx, agentStates, strays, clock.now()));
  }

  /** PDS calls left dialling by a vanished worker end interrupted, their agents freed. */
  readonly reclaim: Reclaimer = async (tx) => {
    const calls = await pdsCallsOfGoneWorkers(tx, ownerIsGone('c.worker_id'));
    await endLostCalls(tx, this.#d.agentStates, calls, this.#d.clock.now());
  };

  #start(
    claim: PdsClaim,
    task: PdsTaskRow,
    acwSeconds: number,
    pacing: PdsCallRun['pacing'],
  ): void {
    const run = new PdsCallRun({
      call: claim.call,
      task,
      facts: claim.facts,
      acwSeconds,
      clock: this.#d.clock,
      stop: this.#stop.signal,
      pacing,
    });
    this.#runs.set(claim.call.callId, run);
    const done = this.#run(run).finally(() => {
      this.#running.delete(done);
      this.#runs.delete(claim.call.callId);
      this.#ticker.wake();
    });
    this.#running.add(done);
  }

  async #run(run: PdsCallRun): Promise<void> {
    const { clock, log, metrics } = this.#d;
    const { call } = run;
    let outcome: PdsCallEnd;
    metrics.callsInFlight.inc();
    try {
      outcome = await runPdsCall(this.#driver, run);
    } catch (error) {
      log.error({ err: error, callId: call.callId }, 'the PDS call failed on our side');
      await run.leg?.hangup('system');
      outcome = {
        end: interruptedEnd(call.startedAt, clock.now()),
        pds: { hangupReason: 0, abandoned: run.abandoned, agentName: null, agentId: null },
      };
    } finally {
      metrics.callsInFlight.dec();
    }
    metrics.callsTotal.inc({ outcome: outcome.end.outcome });
    this.#learn(run, outcome);
    const talked = run.agent?.phase === 'talking';
    // The call's RINGING and ANSWERED go into the outbox before its HANGUP: a short call can end
    // while its progress batch is still being written (seen under load as HANGUP before ANSWERED).
    await run.written;
    await this.#endings.add(call.taskId, {
      call: {
        id: call.callId,
        task_id: call.taskId,
        callee_id: call.calleeId,
        started_at: call.startedAt,
      },
      appId: call.appId,
      end: outcome.end,
      facts: run.facts,
      pds: outcome.pds,
      ...(run.agent
        ? { agentId: run.agent.id, acwSeconds: simulatedAcwSeconds(run.acwSeconds, run.agent) }
        : {}),
      ...(talked && run.agent!.simulated
        ? { disposition: simulatedDisposition(run, clock.now()) }
        : {}),
    });
  }

  /** What the call teaches the task's pacer, once it ended. */
  #learn(run: PdsCallRun, outcome: PdsCallEnd): void {
    if (outcome.end.outcome === 'interrupted') return;
    const at = this.#d.clock.now().getTime();
    if (!run.handoffAt) {
      run.pacing.observe({
        kind: 'line-ended',
        at,
        dialledAt: run.call.startedAt.getTime(),
        live: false,
      });
    }
    if (run.bridgedAt) {
      run.pacing.observe({ kind: 'talk-ended', at, talkMs: run.talkMs });
      run.pacing.observe({ kind: 'wrap-ended', at, wrapMs: run.acwSeconds * 1000 });
    }
  }

  /** Writes a batch of ends; never throws: what cannot be written waits for sweep(). */
  async #finalize(taskId: string, batch: PdsEnding[]): Promise<void> {
    const { db, clock, agentStates, log } = this.#d;
    const write = async (items: PdsEnding[]) => {
      await withRetry(() =>
        db.transaction((tx) => finalizePdsCalls(tx, agentStates, taskId, items, clock.now())),
      );
      for (const item of items) {
        this.#owned.delete(item.call.id);
        this.#unwritten.delete(item.call.id);
      }
    };
    try {
      await write(batch);
      return;
    } catch (error) {
      if (batch.length === 1 || isTransient(error)) {
        log.error({ err: error, calls: batch.length }, 'could not record the end of PDS calls');
        for (const item of batch) this.#unwritten.set(item.call.id, item);
        return;
      }
    }
    for (const item of batch) {
      await write([item]).catch((error: unknown) => {
        log.error({ err: error, callId: item.call.id }, 'could not record the end of a PDS call');
        this.#unwritten.set(item.call.id, item);
      });
    }
  }

  async #writeUnwritten(): Promise<void> {
    for (const [taskId, items] of Map.groupBy(this.#unwritten.values(), (i) => i.call.task_id)) {
      await this.#finalize(taskId, items);
    }
  }
}

/** Waits until every promise settled or `ms` passed. */
async function settledWithin(promises: Array<Promise<unknown>>, ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}
