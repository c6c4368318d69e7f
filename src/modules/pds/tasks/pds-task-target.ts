import { AppError } from '../../../shared/errors.ts';
import type { Agent, AgentService } from '../../agents/agents.service.ts';
import type { RobotService } from '../../robots/robots.service.ts';
import { absent, readText } from './pds-fields.ts';
import { DEFAULT_OPENING_ROBOT, defaultOpeningRobot } from './default-opening-robot.ts';

// Who a PDS task's calls go to and which robot opens them: the skill group and agents named by
// groupName / agentName (agents module), and the robot named by templateName, or the app's
// default opening robot, made on first use (docs/pds-api.md).

export interface TaskTarget {
  groupId: number;
  groupName: string;
  agentNames: string[];
}

/** The names an agentName field holds: a list of names, one name, or "a,b". */
function agentNamesOf(value: unknown): string[] {
  if (absent(value)) return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (!items || !items.every((n) => typeof n === 'string'))
    throw new AppError('agent_name_invalid', `agentName ${JSON.stringify(value)}: a list of names`);
  return [...new Set(items.map((n) => n.trim()).filter((n) => n !== ''))];
}

export async function resolveTarget(
  agents: AgentService,
  appId: number,
  groupField: unknown,
  agentField: unknown,
): Promise<TaskTarget> {
  if (absent(groupField)) throw new AppError('group_name_missing');
  const groupName = readText('skill_group_not_found', 'groupName', groupField, 200);
  const group = await agents.groupByName(appId, groupName);
  if (!group) throw new AppError('skill_group_not_found', `groupName "${groupName}"`);
  const names = agentNamesOf(agentField);
  if (names.length > 0) {
    const byName = new Map<string, Agent>((await agents.listAgents(appId)).map((a) => [a.name, a]));
    for (const name of names) {
      const agent = byName.get(name);
      if (!agent) throw new AppError('agent_name_invalid', `agentName "${name}"`);
      if (!agent.group_ids.includes(group.id))
        throw new AppError('agent_not_in_group', `agentName "${name}" is not in "${group.name}"`);
    }
  }
  return { groupId: group.id, groupName: group.name, agentNames: names };
}

/**
 * The robot that opens the task's calls: the app's (or a built-in) robot named templateName, or
 * the app's default opening robot, created the first time a task needs it. That creation is the
 * app's, not the task's: it stays when the task is then refused, and serves the next one.
 */
export async function resolveRobot(
  robots: RobotService,
  appId: number,
  templateName: string | null,
  company: () => Promise<string>,
): Promise<{ id: number; templateName: string | null }> {
  const usable = await robots.list(appId);
  const named = (name: string) =>
    usable.find((r) => r.name === name && r.appId === appId) ?? usable.find((r) => r.name === name);
  if (templateName !== null) {
    const robot = named(templateName);
    if (!robot)
      throw new AppError('pds_field_invalid', `templateName "${templateName}" names no robot`);
    return { id: robot.id, templateName };
  }
  const own = named(DEFAULT_OPENING_ROBOT);
  if (own) return { id: own.id, templateName: null };
  const { robot } = await robots.save(appId, defaultOpeningRobot(await company()));
  return { id: robot.id, templateName: null };
}
