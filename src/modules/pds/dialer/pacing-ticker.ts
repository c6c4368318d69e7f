import type { Config } from '../../../config.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { Logger } from '../../../shared/logger.ts';
import type { Db } from '../../../store/db.ts';
import type { AgentStateService } from '../../agents/agent-state.service.ts';
import type { AgentService } from '../../agents/agents.service.ts';
import { appZone } from '../../auth/app-directory.ts';
import { recordEvents } from '../../webhooks/outbox.ts';
import { taskStatus } from '../webhooks/pds-events.ts';
import { sleepBusiness } from './business-time.ts';
import { claimPdsLines, type PdsClaim } from './pds-claim.ts';
import type { PdsCallRun } from './pds-call-run.ts';
import {
  dialingCallsOfTask,
  finishedCallsOfTask,
  runningPdsTasks,
  type PdsTaskRow,
} from './pds-calls.repository.ts';
import { inRestTime } from './rest-times.ts';
import { agentViews, TaskPacing } from './task-pacing.ts';

// The PDS dialer's pacing loop: about once a second of business time (and whenever a call ends),
// for each running PDS task outside its rest times, it reads the group's agents and the task's
// calls in flight, asks the task's pacer how many lines to open and claims them
// (docs/pds-dialer.md, "Each tick").

/** Real agents' hangups arrive by NOTIFY; every this many ticks they are also checked. */
const AGENT_CHECK_EVERY = 5;
/** A task's pacer is forgotten after this many ticks without it (its estimates replay later). */
const FORGET_AFTER_TICKS = 3_600;
const FINISHED_CALLS_REPLAYED = 300;

export interface PacingTickerDeps {
  db: Db;
  config: Config;
  clock: Clock;
  log: Logger;
  workerId: string;
  agents: AgentService;
  agentStates: AgentStateService;
  /** The dialer's calls not yet ended in the store: a claim adds its calls before it commits. */
  owned: Set<string>;
  runs: ReadonlyMap<string, PdsCallRun>;
  start(claim: PdsClaim, task: PdsTaskRow, acwSeconds: number, pacing: PdsCallRun['pacing']): void;
}

export class PacingTicker {
  readonly #d: PacingTickerDeps;
  readonly #pacings = new Map<string, { pacing: TaskPacing; seen: number }>();
  /** Per task, this process's calls waiting for an agent. */
  readonly #waiting = new Map<string, Set<string>>();
  readonly #zones = new Map<number, string>();
  readonly #resting = new Set<string>();
  #ticks = 0;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake = new AbortController();

  constructor(deps: PacingTickerDeps) {
    this.#d = deps;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
  }

  /** Tick now (a call ended, an agent may be free). */
  wake(): void {
    this.#wake.abort();
  }

  async #run(): Promise<void> {
    const { config, log } = this.#d;
    // A second of business time, but never more often than the poll interval in real time: a
    // sped-up simulation must not turn the tick into a busy loop on the store.
    const tickMs = Math.max(1000, config.pollIntervalMs * config.timeScale);
    while (this.#running) {
      this.#wake = new AbortController();
      try {
        await this.#tick();
      } catch (error) {
        log.error({ err: error }, 'PDS dialer tick failed');
      }
      if (!this.#running) break;
      await sleepBusiness(tickMs, config.timeScale, this.#wake.signal);
    }
  }

  async #tick(): Promise<void> {
    const { db, clock, log } = this.#d;
    this.#ticks += 1;
    for (const task of await runningPdsTasks(db, clock.now())) {
      if (!this.#running) return;
      try {
        await this.#pace(task);
      } catch (error) {
        log.error({ err: error, taskId: task.id }, 'PDS pacing failed for a task');
      }
    }
    if (this.#ticks % AGENT_CHECK_EVERY === 0) await this.#checkRealAgents();
    this.#forgetIdle();
  }

  async #pace(task: PdsTaskRow): Promise<void> {
    const { db, clock, config, workerId, agents, owned } = this.#d;
    if (await this.#resting_(task)) return;
    const { group, agents: members } = await agents.getGroup(task.app_id, task.pds.groupId);
    const pacing = await this.#pacingOf(task, group.acw_seconds);
    const dialing = await dialingCallsOfTask(db, task.id);
    const waiting = this.#waitingOf(task.id);
    // A call reserved for an agent or with one is no line any more; one waiting for an agent is
    // the pacer's waiting call.
    const held = new Set(
      members.flatMap((a) =>
        (a.state === 'reserved' || a.state === 'talking') && a.call_ref ? [a.call_ref] : [],
      ),
    );
    const lines = dialing
      .filter((c) => !held.has(c.id) && !waiting.has(c.id))
      .map((c) => ({ dialledAt: c.started_at.getTime() }));
    const views = agentViews(members, task.pds.agentNames, group.acw_seconds);
    const want = pacing.linesToDial(views, lines, waiting.size);
    if (want <= 0) return;
    const claimed: string[] = [];
    let claims: PdsClaim[];
    try {
      claims = await db.transaction(async (tx) => {
        const made = await claimPdsLines(
          tx,
          { config, workerId, now: clock.now() },
          task,
          want,
          dialing.length,
        );
        // Before the commit: the sweep must never see these calls as nobody's.
        for (const claim of made) {
          owned.add(claim.call.callId);
          claimed.push(claim.call.callId);
        }
        return made;
      });
    } catch (error) {
      for (const id of claimed) owned.delete(id);
      throw error;
    }
    const acwSeconds = task.pds.acwSeconds ?? group.acw_seconds;
    for (const claim of claims) {
      const callId = claim.call.callId;
      this.#d.start(claim, task, acwSeconds, {
        observe: (event) => pacing.observe(event),
        waiting: (delta) => (delta > 0 ? waiting.add(callId) : waiting.delete(callId)),
      });
    }
  }

  /**
   * Whether the task is inside a rest time now. A running task that enters or leaves one says so
   * (TaskStatus Paused, Running): this process remembers it, so another worker, or this one
   * after a restart, may say it again.
   */
  async #resting_(task: PdsTaskRow): Promise<boolean> {
    const { db, clock } = this.#d;
    if (task.pds.restTimes.length === 0) return false;
    let zone = this.#zones.get(task.app_id);
    if (zone === undefined) {
      zone = await appZone(db, task.app_id);
      this.#zones.set(task.app_id, zone);
    }
    const now = clock.now();
    const resting = inRestTime(task.pds.restTimes, now, zone);
    if (resting !== this.#resting.has(task.id)) {
      if (resting) this.#resting.add(task.id);
      else this.#resting.delete(task.id);
      if (task.status === 'Running') {
        const events = taskStatus(
          {
            appId: task.app_id,
            taskId: task.id,
            taskName: task.task_name,
            groupName: task.pds.groupName,
          },
          task.pds.callbackUrl,
          resting ? 'Paused' : 'Running',
          now,
        );
        if (events.length > 0) await db.transaction((tx) => recordEvents(tx, events));
      }
    }
    return resting;
  }

  async #pacingOf(task: PdsTaskRow, groupAcwSeconds: number): Promise<TaskPacing> {
    const known = this.#pacings.get(task.id);
    if (known) {
      known.seen = this.#ticks;
      return known.pacing;
    }
    const pacing = new TaskPacing(task.pds, groupAcwSeconds, this.#d.clock);
    pacing.replay(await finishedCallsOfTask(this.#d.db, task.id, FINISHED_CALLS_REPLAYED));
    this.#pacings.set(task.id, { pacing, seen: this.#ticks });
    return pacing;
  }

  #waitingOf(taskId: string): Set<string> {
    let waiting = this.#waiting.get(taskId);
    if (!waiting) this.#waiting.set(taskId, (waiting = new Set()));
    return waiting;
  }

  /** Real agents who hung up in a process whose NOTIFY did not reach us. */
  async #checkRealAgents(): Promise<void> {
    for (const run of this.#d.runs.values()) {
      const agent = run.agent;
      if (!agent || agent.simulated || agent.phase !== 'talking' || run.agentHungUp.fired) continue;
      const now = await this.#d.agentStates.currentCall(run.call.appId, agent.id);
      if (now.state !== 'talking' || now.call_ref !== run.call.callId) run.agentHungUp.fire();
    }
  }

  #forgetIdle(): void {
    const busy = new Set([...this.#d.runs.values()].map((run) => run.call.taskId));
    for (const [taskId, entry] of this.#pacings) {
      if (busy.has(taskId) || this.#ticks - entry.seen < FORGET_AFTER_TICKS) continue;
      this.#pacings.delete(taskId);
      this.#waiting.delete(taskId);
      this.#resting.delete(taskId);
    }
  }
}
