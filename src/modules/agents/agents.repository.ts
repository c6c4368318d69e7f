import type { Queryable } from '../../store/db.ts';
import type { AgentState } from './agent-states.ts';

// SQL on agent_groups, agents and agent_group_members. Every statement that takes an id from a
// request is scoped by app_id: a group or agent of another app is not found.

export interface GroupRow {
  id: number;
  app_id: number;
  name: string;
  acw_seconds: number;
  created_at: Date;
  agent_count: number;
}

export interface AgentRow {
  id: number;
  app_id: number;
  name: string;
  simulated: boolean;
  talk_median_seconds: number;
  talk_sigma: number;
  acw_median_seconds: number | null;
  state: AgentState;
  state_since: Date;
  state_seq: number;
  call_ref: string | null;
  call_group_id: number | null;
  call_data: Record<string, unknown> | null;
  acw_until: Date | null;
  created_at: Date;
  group_ids: number[];
}

const GROUP_COLUMNS = `g.id, g.app_id, g.name, g.acw_seconds, g.created_at,
  (SELECT count(*) FROM agent_group_members m WHERE m.group_id = g.id) AS agent_count`;

const AGENT_COLUMNS = `a.id, a.app_id, a.name, a.simulated, a.talk_median_seconds, a.talk_sigma,
  a.acw_median_seconds, a.state, a.state_since, a.state_seq, a.call_ref, a.call_group_id,
  a.call_data, a.acw_until, a.created_at,
  array(SELECT m.group_id FROM agent_group_members m WHERE m.agent_id = a.id ORDER BY m.group_id)
    AS group_ids`;

// int8 arrays come back as text from one driver: ids are numbers everywhere else.
const agentOf = (row: AgentRow): AgentRow => ({ ...row, group_ids: row.group_ids.map(Number) });

/** The new group, or undefined when the app already has a group of that name. */
export async function insertGroup(
  q: Queryable,
  appId: number,
  group: { name: string; acwSeconds: number },
  now: Date,
): Promise<GroupRow | undefined> {
  const [row] = await q.query<GroupRow>(
    `INSERT INTO agent_groups AS g (app_id, name, acw_seconds, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (app_id, name) DO NOTHING
     RETURNING ${GROUP_COLUMNS}`,
    [appId, group.name, group.acwSeconds, now],
  );
  return row;
}

export async function listGroups(q: Queryable, appId: number): Promise<GroupRow[]> {
  return q.query<GroupRow>(
    `SELECT ${GROUP_COLUMNS} FROM agent_groups g WHERE g.app_id = $1 ORDER BY g.id`,
    [appId],
  );
}

export async function findGroup(
  q: Queryable,
  appId: number,
  groupId: number,
): Promise<GroupRow | undefined> {
  const [row] = await q.query<GroupRow>(
    `SELECT ${GROUP_COLUMNS} FROM agent_groups g WHERE g.app_id = $1 AND g.id = $2`,
    [appId, groupId],
  );
  return row;
}

export async function findGroupByName(
  q: Queryable,
  appId: number,
  name: string,
): Promise<GroupRow | undefined> {
  const [row] = await q.query<GroupRow>(
    `SELECT ${GROUP_COLUMNS} FROM agent_groups g WHERE g.app_id = $1 AND g.name = $2`,
    [appId, name],
  );
  return row;
}

/** Locks the group row (a delete and a membership change of it wait for each other). */
export async function lockGroup(q: Queryable, appId: number, groupId: number): Promise<boolean> {
  const rows = await q.query(
    'SELECT id FROM agent_groups WHERE app_id = $1 AND id = $2 FOR UPDATE',
    [appId, groupId],
  );
  return rows.length > 0;
}

export async function updateGroup(
  q: Queryable,
  appId: number,
  groupId: number,
  patch: { name?: string; acwSeconds?: number },
): Promise<GroupRow | undefined> {
  const [row] = await q.query<GroupRow>(
    `UPDATE agent_groups g SET name = coalesce($3, g.name), acw_seconds = coalesce($4, g.acw_seconds)
      WHERE g.app_id = $1 AND g.id = $2
     RETURNING ${GROUP_COLUMNS}`,
    [appId, groupId, patch.name ?? null, patch.acwSeconds ?? null],
  );
  return row;
}

export async function deleteGroup(q: Queryable, appId: number, groupId: number): Promise<void> {
  await q.query('DELETE FROM agent_groups WHERE app_id = $1 AND id = $2', [appId, groupId]);
}

/**
 * Those of `groupIds` that are groups of the app, key-share locked: a delete of one of them waits
 * until the caller's memberships are written (and then finds them), or, if it came first, the
 * group is not found here (rather than failing the membership's foreign key).
 */
export async function existingGroupIds(
  q: Queryable,
  appId: number,
  groupIds: readonly number[],
): Promise<number[]> {
  const rows = await q.query<{ id: number }>(
    'SELECT id FROM agent_groups WHERE app_id = $1 AND id = ANY($2::bigint[]) FOR KEY SHARE',
    [appId, groupIds],
  );
  return rows.map((r) => Number(r.id));
}

export interface AgentProfile {
  name: string;
  simulated: boolean;
  talkMedianSeconds: number;
  talkSigma: number;
  acwMedianSeconds: number | null;
}

/** The new agent, offline; undefined when the app already has an agent of that name. */
export async function insertAgent(
  q: Queryable,
  appId: number,
  profile: AgentProfile,
  now: Date,
): Promise<number | undefined> {
  const [row] = await q.query<{ id: number }>(
    `INSERT INTO agents (app_id, name, simulated, talk_median_seconds, talk_sigma,
                         acw_median_seconds, state_since, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
     ON CONFLICT (app_id, name) DO NOTHING
     RETURNING id`,
    [
      appId,
      profile.name,
      profile.simulated,
      profile.talkMedianSeconds,
      profile.talkSigma,
      profile.acwMedianSeconds,
      now,
    ],
  );
  return row && Number(row.id);
}

/** Replaces the agent's groups with `groupIds` (checked to be the app's). */
export async function setMemberships(
  q: Queryable,
  agentId: number,
  groupIds: readonly number[],
): Promise<void> {
  await q.query(
    'DELETE FROM agent_group_members WHERE agent_id = $1 AND NOT (group_id = ANY($2::bigint[]))',
    [agentId, groupIds],
  );
  await q.query(
    `INSERT INTO agent_group_members (group_id, agent_id)
     SELECT g, $1 FROM unnest($2::bigint[]) AS g ON CONFLICT DO NOTHING`,
    [agentId, groupIds],
  );
}

export async function listAgents(
  q: Queryable,
  appId: number,
  filter: { groupId?: number } = {},
): Promise<AgentRow[]> {
  const rows = await q.query<AgentRow>(
    `SELECT ${AGENT_COLUMNS} FROM agents a
      WHERE a.app_id = $1
        AND ($2::bigint IS NULL OR EXISTS (
          SELECT 1 FROM agent_group_members m WHERE m.agent_id = a.id AND m.group_id = $2))
      ORDER BY a.id`,
    [appId, filter.groupId ?? null],
  );
  return rows.map(agentOf);
}

export async function findAgent(
  q: Queryable,
  appId: number,
  agentId: number,
): Promise<AgentRow | undefined> {
  const [row] = await q.query<AgentRow>(
    `SELECT ${AGENT_COLUMNS} FROM agents a WHERE a.app_id = $1 AND a.id = $2`,
    [appId, agentId],
  );
  return row && agentOf(row);
}

/** The agent, locked until the transaction ends; appId null: any app's (the acw timer). */
export async function lockAgent(
  q: Queryable,
  appId: number | null,
  agentId: number,
): Promise<AgentRow | undefined> {
  const [row] = await q.query<AgentRow>(
    `SELECT ${AGENT_COLUMNS} FROM agents a
      WHERE a.id = $2 AND ($1::bigint IS NULL OR a.app_id = $1) FOR UPDATE OF a`,
    [appId, agentId],
  );
  return row && agentOf(row);
}

/**
 * The ready agent of the group who has waited longest, locked; agents another transaction is
 * reserving this instant are skipped (SKIP LOCKED), so two reservations never get one agent and
 * neither waits for the other.
 */
export async function lockLongestIdle(
  q: Queryable,
  appId: number,
  groupId: number,
  onlyNames: readonly string[] = [],
): Promise<AgentRow | undefined> {
  const [row] = await q.query<AgentRow>(
    `SELECT ${AGENT_COLUMNS} FROM agents a
      WHERE a.app_id = $1 AND a.state = 'ready'
        AND EXISTS (SELECT 1 FROM agent_group_members m WHERE m.agent_id = a.id AND m.group_id = $2)
        AND (cardinality($3::text[]) = 0 OR a.name = ANY($3::text[]))
      ORDER BY a.state_since, a.id
      LIMIT 1
      FOR UPDATE OF a SKIP LOCKED`,
    [appId, groupId, onlyNames],
  );
  return row && agentOf(row);
}

export async function updateAgentProfile(
  q: Queryable,
  appId: number,
  agentId: number,
  patch: Partial<Omit<AgentProfile, 'simulated'>>,
): Promise<void> {
  await q.query(
    `UPDATE agents SET name = coalesce($3, name),
            talk_median_seconds = coalesce($4, talk_median_seconds),
            talk_sigma = coalesce($5, talk_sigma),
            acw_median_seconds = CASE WHEN $6 THEN $7 ELSE acw_median_seconds END
      WHERE app_id = $1 AND id = $2`,
    [
      appId,
      agentId,
      patch.name ?? null,
      patch.talkMedianSeconds ?? null,
      patch.talkSigma ?? null,
      patch.acwMedianSeconds !== undefined,
      patch.acwMedianSeconds ?? null,
    ],
  );
}

export async function deleteAgent(q: Queryable, appId: number, agentId: number): Promise<void> {
  await q.query('DELETE FROM agents WHERE app_id = $1 AND id = $2', [appId, agentId]);
}
