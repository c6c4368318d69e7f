import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { Db, Queryable } from '../../store/db.ts';
import {
  insertDisposition,
  stateHistory,
  type CustomizeResult,
  type StateChangeRow,
} from './agent-state.repository.ts';
import { emitDispositionFiled } from './agent-events.ts';
import { nextState, stateConflict, type AgentAction } from './agent-states.ts';
import { move } from './agent-transitions.ts';
import { scheduleAcwEnd } from './agents.jobs.ts';
import * as repo from './agents.repository.ts';
import type { AgentRow } from './agents.repository.ts';
import { agentNotFound, DEFAULT_GROUP_ACW_SECONDS, groupNotFound } from './agents.service.ts';

// The agent state machine at work (docs/agents.md, "States"): what the agent desktop does
// (log in, ready, break, log out, disposition), what the dialer does (reserve an agent for a
// call, connect, release, hang up), and the after-call-work timer. Each change locks the agent,
// checks the transition (agent-states.ts), and stores it with its history row and event.

/** What an agent desktop can ask for without a call. */
export type DesktopAction = 'login' | 'ready' | 'break' | 'logout';

/** The call a reservation is for, as the dialer knows it. */
export interface CallToConnect {
  /** The dialer's id of the call (what webhooks call callid). */
  callRef: string;
  /** The contact's data for the agent's screen (customizeContacts, the robot's findings). */
  contact?: Record<string, unknown>;
  /** When not empty, only agents of these names may take it (a PDS task's agentName list). */
  onlyAgents?: readonly string[];
}

export interface Disposition {
  customizeResults: CustomizeResult[];
  remarks?: string;
  /** true: the agent is done wrapping up; after-call work ends now (only in acw). */
  ready?: boolean;
}

export class AgentStateService {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** An agent desktop's action; agent_state_conflict when the agent's state does not allow it. */
  async act(appId: number, agentId: number, action: DesktopAction): Promise<AgentRow> {
    return this.#db.transaction(async (tx) => {
      const agent = await this.#lock(tx, appId, agentId);
      await move(tx, agent, action, this.#clock.now());
      return (await repo.findAgent(tx, appId, agentId))!;
    });
  }

  /** The agent and the call it holds (reserved, talking or acw), or no call. */
  async currentCall(appId: number, agentId: number): Promise<AgentRow> {
    const agent = await repo.findAgent(this.#db, appId, agentId);
    if (!agent) throw agentNotFound(agentId);
    return agent;
  }

  /**
   * Files the agent's form for the call it is on or wrapping up (talking or acw); with `ready`,
   * in acw, after-call work ends now instead of at its timer. Publishes agent.disposition_filed
   * in the same transaction (the PDS TALKRESULT webhook). In the caller's transaction when `tx`
   * is given (the PDS dialer files a simulated agent's form with the call's end).
   */
  async dispose(
    appId: number,
    agentId: number,
    disposition: Disposition,
    tx?: Queryable,
  ): Promise<{ dispositionId: number; agent: AgentRow }> {
    return this.#within(tx, async (tx) => {
      const agent = await this.#lock(tx, appId, agentId);
      const now = this.#clock.now();
      if ((agent.state !== 'talking' && agent.state !== 'acw') || !agent.call_ref) {
        throw stateConflict(agent.name, agent.state, 'disposition', ['talking', 'acw']);
      }
      const dispositionId = await insertDisposition(tx, {
        appId,
        agentId,
        callRef: agent.call_ref,
        results: disposition.customizeResults,
        remarks: disposition.remarks ?? '',
        at: now,
      });
      await emitDispositionFiled(tx, {
        appId,
        agentId,
        agentName: agent.name,
        callRef: agent.call_ref,
        dispositionId,
        customizeResults: disposition.customizeResults,
        remarks: disposition.remarks ?? '',
        at: now,
      });
      if (disposition.ready) await move(tx, agent, 'disposition', now);
      return { dispositionId, agent: (await repo.findAgent(tx, appId, agentId))! };
    });
  }

  /** The agent's latest state changes, newest first. */
  async history(appId: number, agentId: number, limit = 100): Promise<StateChangeRow[]> {
    if (!(await repo.findAgent(this.#db, appId, agentId))) throw agentNotFound(agentId);
    return stateHistory(this.#db, appId, agentId, limit);
  }

  /**
   * The dialer: reserves the group's longest-idle ready agent for a call, or answers undefined
   * when none is ready. Two reservations at once never get the same agent (SKIP LOCKED). In the
   * caller's transaction when `tx` is given, so the dialer's own change commits with it.
   */
  async reserve(
    appId: number,
    groupId: number,
    call: CallToConnect,
    tx?: Queryable,
  ): Promise<AgentRow | undefined> {
    return this.#within(tx, async (q) => {
      if (!(await repo.findGroup(q, appId, groupId))) throw groupNotFound(groupId);
      const agent = await repo.lockLongestIdle(q, appId, groupId, call.onlyAgents);
      if (!agent) return undefined;
      await move(q, agent, 'reserve', this.#clock.now(), {
        call: { ref: call.callRef, groupId, data: call.contact ?? null },
      });
      return (await repo.findAgent(q, appId, agent.id))!;
    });
  }

  /** The dialer: the reserved agent's call is bridged; they are talking. */
  connect(appId: number, agentId: number, callRef: string, tx?: Queryable): Promise<AgentRow> {
    return this.#onCall(appId, agentId, callRef, 'connect', tx, async (q, agent, now) => {
      await move(q, agent, 'connect', now);
    });
  }

  /** The dialer: the call reserved for the agent will not reach them; ready again. */
  release(appId: number, agentId: number, callRef: string, tx?: Queryable): Promise<AgentRow> {
    return this.#onCall(appId, agentId, callRef, 'release', tx, async (q, agent, now) => {
      await move(q, agent, 'release', now);
    });
  }

  /**
   * The dialer: the agent's call ended; after-call work for `acwSeconds` (the task's acwTime;
   * by default the group's), then ready by the agent.acw_end job. 0 seconds: ready at once.
   */
  hangup(
    appId: number,
    agentId: number,
    callRef: string,
    options: { acwSeconds?: number } = {},
    tx?: Queryable,
  ): Promise<AgentRow> {
    return this.#onCall(appId, agentId, callRef, 'hangup', tx, async (q, agent, now) => {
      const acwSeconds = options.acwSeconds ?? (await this.#groupAcw(q, agent));
      if (!Number.isInteger(acwSeconds) || acwSeconds < 0 || acwSeconds > 3600) {
        throw new AppError('bad_request', 'acwSeconds must be a whole number from 0 to 3600');
      }
      const until = new Date(now.getTime() + acwSeconds * 1000);
      const moved = await move(q, agent, 'hangup', now, { acwUntil: until });
      if (acwSeconds === 0) {
        // Recorded as an acw of no length, so the history shows every call's wrap-up.
        const inAcw = (await repo.findAgent(q, appId, agentId))!;
        await move(q, inAcw, 'acw_timer', now);
      } else {
        await scheduleAcwEnd(q, agentId, moved.seq, until);
      }
    });
  }

  /** The agent.acw_end job: back to ready, unless that acw already ended (`seq` moved on). */
  async acwTimeUp(agentId: number, seq: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const agent = await repo.lockAgent(tx, null, agentId);
      if (!agent || agent.state !== 'acw' || agent.state_seq !== seq) return;
      await move(tx, agent, 'acw_timer', this.#clock.now());
    });
  }

  async #onCall(
    appId: number,
    agentId: number,
    callRef: string,
    action: AgentAction,
    tx: Queryable | undefined,
    change: (q: Queryable, agent: AgentRow, now: Date) => Promise<void>,
  ): Promise<AgentRow> {
    return this.#within(tx, async (q) => {
      const agent = await this.#lock(q, appId, agentId);
      // The state first: "is ready; connect needs reserved" says more than "holds no call".
      nextState(agent.name, agent.state, action);
      if (agent.call_ref !== callRef) {
        throw new AppError(
          'agent_state_conflict',
          `agent "${agent.name}" is ${agent.state}` +
            (agent.call_ref ? ` for call ${agent.call_ref}` : ' with no call') +
            `, not for call ${callRef}`,
        );
      }
      await change(q, agent, this.#clock.now());
      return (await repo.findAgent(q, appId, agentId))!;
    });
  }

  async #groupAcw(q: Queryable, agent: AgentRow): Promise<number> {
    if (agent.call_group_id === null) return DEFAULT_GROUP_ACW_SECONDS;
    const group = await repo.findGroup(q, agent.app_id, agent.call_group_id);
    return group?.acw_seconds ?? DEFAULT_GROUP_ACW_SECONDS;
  }

  async #lock(q: Queryable, appId: number, agentId: number): Promise<AgentRow> {
    const agent = await repo.lockAgent(q, appId, agentId);
    if (!agent) throw agentNotFound(agentId);
    return agent;
  }

  #within<T>(tx: Queryable | undefined, fn: (q: Queryable) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : this.#db.transaction(fn);
  }
}
