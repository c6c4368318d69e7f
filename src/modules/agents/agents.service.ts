import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { move } from './agent-transitions.ts';
import * as repo from './agents.repository.ts';
import type { AgentRow, GroupRow } from './agents.repository.ts';

// Skill groups and the dialer's human agents, per app (docs/agents.md). An agent belongs to one
// or more groups; a PDS task dials for a group and connects its calls to the group's agents.
// State changes are in agent-state.service.ts.

export type { AgentRow as Agent, GroupRow as Group } from './agents.repository.ts';

/** The after-call work of a group whose tasks give no acwTime. */
export const DEFAULT_GROUP_ACW_SECONDS = 30;
/** A simulated agent's talk time: lognormal with this median and sigma (docs/agents.md). */
export const DEFAULT_TALK_MEDIAN_SECONDS = 180;
export const DEFAULT_TALK_SIGMA = 0.5;
/** At most this many simulated agents in one `tiller group create --agents K`. */
export const MAX_SIMULATED_AGENTS = 1000;

export interface GroupInput {
  name: string;
  acwSeconds?: number;
}

export interface AgentInput {
  name: string;
  groupIds: number[];
  simulated?: boolean;
  talkMedianSeconds?: number;
  talkSigma?: number;
  /** null: the task's (or group's) whole acw time. */
  acwMedianSeconds?: number | null;
}

export type AgentPatch = Partial<Omit<AgentInput, 'simulated'>>;

export class AgentService {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async createGroup(appId: number, input: GroupInput): Promise<GroupRow> {
    const group = await repo.insertGroup(
      this.#db,
      appId,
      { name: checkName(input.name), acwSeconds: checkAcw(input.acwSeconds) },
      this.#clock.now(),
    );
    if (!group) throw duplicate('skill group', input.name);
    return group;
  }

  listGroups(appId: number): Promise<GroupRow[]> {
    return repo.listGroups(this.#db, appId);
  }

  async getGroup(appId: number, groupId: number): Promise<{ group: GroupRow; agents: AgentRow[] }> {
    const group = await repo.findGroup(this.#db, appId, groupId);
    if (!group) throw groupNotFound(groupId);
    return { group, agents: await repo.listAgents(this.#db, appId, { groupId }) };
  }

  /** The app's group of that name (a PDS task names its group), or undefined. */
  groupByName(appId: number, name: string, q: Queryable = this.#db): Promise<GroupRow | undefined> {
    return repo.findGroupByName(q, appId, name);
  }

  async updateGroup(appId: number, groupId: number, patch: Partial<GroupInput>): Promise<GroupRow> {
    const name = patch.name === undefined ? undefined : checkName(patch.name);
    return this.#db.transaction(async (tx) => {
      if (!(await repo.lockGroup(tx, appId, groupId))) throw groupNotFound(groupId);
      const updated = await renaming(
        name,
        () =>
          repo.updateGroup(tx, appId, groupId, {
            ...(name !== undefined ? { name } : {}),
            ...(patch.acwSeconds !== undefined ? { acwSeconds: checkAcw(patch.acwSeconds) } : {}),
          }),
        'skill group',
      );
      return updated!;
    });
  }

  /** Deletes an empty group; group_not_empty while agents belong to it. */
  async deleteGroup(appId: number, groupId: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      if (!(await repo.lockGroup(tx, appId, groupId))) throw groupNotFound(groupId);
      const agents = await repo.listAgents(tx, appId, { groupId });
      if (agents.length > 0) {
        throw new AppError(
          'group_not_empty',
          `group_id ${groupId} has ${agents.length} agent(s): ${agents
            .slice(0, 5)
            .map((a) => `"${a.name}"`)
            .join(', ')}${agents.length > 5 ? ', ...' : ''}`,
        );
      }
      await repo.deleteGroup(tx, appId, groupId);
    });
  }

  async createAgent(appId: number, input: AgentInput): Promise<AgentRow> {
    return this.#db.transaction((tx) => this.#insertAgent(tx, appId, input, this.#clock.now()));
  }

  listAgents(appId: number, filter: { groupId?: number } = {}): Promise<AgentRow[]> {
    return repo.listAgents(this.#db, appId, filter);
  }

  async getAgent(appId: number, agentId: number): Promise<AgentRow> {
    const agent = await repo.findAgent(this.#db, appId, agentId);
    if (!agent) throw agentNotFound(agentId);
    return agent;
  }

  async updateAgent(appId: number, agentId: number, patch: AgentPatch): Promise<AgentRow> {
    const name = patch.name === undefined ? undefined : checkName(patch.name);
    return this.#db.transaction(async (tx) => {
      const agent = await repo.lockAgent(tx, appId, agentId);
      if (!agent) throw agentNotFound(agentId);
      if (patch.groupIds !== undefined) {
        await repo.setMemberships(tx, agentId, await checkGroups(tx, appId, patch.groupIds));
      }
      await renaming(
        name,
        () =>
          repo.updateAgentProfile(tx, appId, agentId, {
            ...(name !== undefined ? { name } : {}),
            ...(patch.talkMedianSeconds !== undefined
              ? { talkMedianSeconds: patch.talkMedianSeconds }
              : {}),
            ...(patch.talkSigma !== undefined ? { talkSigma: patch.talkSigma } : {}),
            ...(patch.acwMedianSeconds !== undefined
              ? { acwMedianSeconds: patch.acwMedianSeconds }
              : {}),
          }),
        'agent',
      );
      return (await repo.findAgent(tx, appId, agentId))!;
    });
  }

  /** Deletes an agent who is logged out; agent_state_conflict otherwise (a call may hold them). */
  async deleteAgent(appId: number, agentId: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const agent = await repo.lockAgent(tx, appId, agentId);
      if (!agent) throw agentNotFound(agentId);
      if (agent.state !== 'offline') {
        throw new AppError(
          'agent_state_conflict',
          `agent "${agent.name}" is ${agent.state}; delete needs offline (log them out first)`,
        );
      }
      await repo.deleteAgent(tx, appId, agentId);
    });
  }

  /**
   * `tiller group create --name N --agents K`: the group and K simulated agents (N-sim-001, ...)
   * with the default talk time, logged in and ready at once. One transaction: all or nothing.
   */
  async createSimulatedGroup(
    appId: number,
    input: GroupInput & { agents: number },
  ): Promise<{ group: GroupRow; agents: AgentRow[] }> {
    if (!Number.isInteger(input.agents) || input.agents < 0) {
      throw new AppError('bad_request', 'agents must be a whole number, 0 or more');
    }
    if (input.agents > MAX_SIMULATED_AGENTS) {
      throw new AppError('bad_request', `agents must be at most ${MAX_SIMULATED_AGENTS}`);
    }
    const name = checkName(input.name);
    return this.#db.transaction(async (tx) => {
      const now = this.#clock.now();
      const group = await repo.insertGroup(
        tx,
        appId,
        { name, acwSeconds: checkAcw(input.acwSeconds) },
        now,
      );
      if (!group) throw duplicate('skill group', name);
      const width = Math.max(3, String(input.agents).length);
      const agents: AgentRow[] = [];
      for (let i = 1; i <= input.agents; i++) {
        const agent = await this.#insertAgent(
          tx,
          appId,
          {
            name: `${name}-sim-${String(i).padStart(width, '0')}`,
            groupIds: [group.id],
            simulated: true,
          },
          now,
        );
        await move(tx, agent, 'login', now);
        agents.push((await repo.findAgent(tx, appId, agent.id))!);
      }
      return { group: (await repo.findGroup(tx, appId, group.id))!, agents };
    });
  }

  async #insertAgent(tx: Queryable, appId: number, input: AgentInput, now: Date) {
    const groupIds = await checkGroups(tx, appId, input.groupIds);
    const agentId = await repo.insertAgent(
      tx,
      appId,
      {
        name: checkName(input.name),
        simulated: input.simulated ?? false,
        talkMedianSeconds: input.talkMedianSeconds ?? DEFAULT_TALK_MEDIAN_SECONDS,
        talkSigma: input.talkSigma ?? DEFAULT_TALK_SIGMA,
        acwMedianSeconds: input.acwMedianSeconds ?? null,
      },
      now,
    );
    if (agentId === undefined) throw duplicate('agent', input.name);
    await repo.setMemberships(tx, agentId, groupIds);
    return (await repo.findAgent(tx, appId, agentId))!;
  }
}

/** The group ids, deduplicated, each a group of the app; at least one. */
async function checkGroups(q: Queryable, appId: number, groupIds: readonly number[]) {
  const unique = [...new Set(groupIds)];
  if (unique.length === 0) throw new AppError('bad_request', 'an agent needs at least one group');
  if (!unique.every((id) => Number.isSafeInteger(id) && id > 0)) {
    throw new AppError('bad_request', 'group_ids must be positive whole numbers');
  }
  const known = new Set(await repo.existingGroupIds(q, appId, unique));
  const missing = unique.filter((id) => !known.has(id));
  if (missing.length > 0) throw groupNotFound(missing.join(', '));
  return unique;
}

/** A group's acw time: whole seconds from 0 to an hour (the routes' schema says so too). */
function checkAcw(seconds: number | undefined): number {
  if (seconds === undefined) return DEFAULT_GROUP_ACW_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
    throw new AppError('bad_request', 'acw_seconds must be a whole number from 0 to 3600');
  }
  return seconds;
}

/** A name of 1 to 64 characters, without spaces around it. */
function checkName(name: unknown): string {
  if (typeof name !== 'string' || !/^\S(?:.{0,62}\S)?$/u.test(name)) {
    throw new AppError(
      'bad_request',
      'name must be 1 to 64 characters, with no spaces at its start or end',
    );
  }
  return name;
}

/**
 * Runs an update that may rename: a name another row of the app has (the unique index says so,
 * whoever renamed first) is duplicate_name. The update is the transaction's last write.
 */
async function renaming<T>(name: string | undefined, update: () => Promise<T>, what: string) {
  try {
    return await update();
  } catch (error) {
    if (name !== undefined && (error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw duplicate(what, name);
    }
    throw error;
  }
}

const UNIQUE_VIOLATION = '23505';

const duplicate = (what: string, name: string) =>
  new AppError('duplicate_name', `the app already has a ${what} named "${name}"`);

export const groupNotFound = (groupId: number | string) =>
  new AppError('group_not_found', `group_id ${groupId}`);

export const agentNotFound = (agentId: number) =>
  new AppError('agent_not_found', `agent_id ${agentId}`);
