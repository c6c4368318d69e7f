import { AppError } from '../../../shared/errors.ts';
import type { Queryable } from '../../../store/db.ts';
import type { AgentService } from '../../agents/agents.service.ts';
import { appName } from '../../auth/app-directory.ts';
import { ownRobotByName, saveRobotInTx, usableRobot } from '../../robots/robots.service.ts';
import type { NewCallee } from '../../tasks/task-access.ts';
import { createTaskInTx } from '../../tasks/tasks.service.ts';
import type { DialingMode, PdsSettings } from '../pds-settings.ts';
import { DEFAULT_OPENING_ROBOT, defaultOpeningRobot } from './default-opening-robot.ts';
import { DEFAULT_SETTINGS } from './pds-settings-input.ts';

// The workflow `pds` node's task (docs/workflows.md, "pds"): a PDS task with a workflow parent,
// made in the workflow step's own transaction, as a call node makes its robot task. Its group,
// robot and settings come from the node; what a node does not set takes createtask's defaults.

/** What a pds node asks for; the numbers are the records that entered it. */
export interface PdsNodeTaskInput {
  appId: number;
  timezone: string;
  workflowId: string;
  taskName: string;
  groupName: string;
  /** The robot that opens each answered call; absent: the app's default opening robot. */
  robotId?: number;
  dialingMode?: DialingMode;
  maxLostRatePercent?: number;
  acwSeconds?: number;
  repeatTimes?: number;
  callIntervalSeconds?: number;
  callerNumber: string;
  start: Date;
  end: Date;
  callees: NewCallee[];
}

/** The seam the workflow engine calls for a pds node (it holds no PDS service of its own). */
export interface PdsNodeTasks {
  createInTx(tx: Queryable, input: PdsNodeTaskInput): Promise<{ taskId: string }>;
}

export class PdsNodeTaskMaker implements PdsNodeTasks {
  readonly #agents: AgentService;

  constructor(agents: AgentService) {
    this.#agents = agents;
  }

  async createInTx(tx: Queryable, input: PdsNodeTaskInput): Promise<{ taskId: string }> {
    const group = await this.#agents.groupByName(input.appId, input.groupName, tx);
    if (!group) throw new AppError('skill_group_not_found', `group_name "${input.groupName}"`);
    const robot = await openingRobot(tx, input.appId, input.robotId);
    const pds: PdsSettings = {
      ...DEFAULT_SETTINGS,
      dialingMode: input.dialingMode ?? DEFAULT_SETTINGS.dialingMode,
      maxLostRatePercent: input.maxLostRatePercent ?? DEFAULT_SETTINGS.maxLostRatePercent,
      acwSeconds: input.acwSeconds ?? null,
      repeatTimes: input.repeatTimes ?? 0,
      callIntervalSeconds: input.callIntervalSeconds ?? DEFAULT_SETTINGS.callIntervalSeconds,
      groupId: group.id,
      groupName: group.name,
      agentNames: [],
      templateName: robot.templateName,
      copiedFrom: null,
    };
    const created = await createTaskInTx(tx, { appId: input.appId, timezone: input.timezone }, {
      task_name: input.taskName,
      robot_id: robot.id,
      start: input.start,
      end: input.end,
      redial_times: pds.repeatTimes,
      redial_interval_s: pds.callIntervalSeconds,
      caller_number: input.callerNumber,
      max_concurrency: null,
      callees: input.callees,
      workflow_id: input.workflowId,
      kind: 'pds',
      pds,
    } as Parameters<typeof createTaskInTx>[2]);
    return { taskId: created.task_id };
  }
}

/**
 * The node's robot if the app may use it (templateName: its name), else the app's default
 * opening robot, made the first time (templateName null, as createtask stores it).
 */
async function openingRobot(
  tx: Queryable,
  appId: number,
  robotId: number | undefined,
): Promise<{ id: number; templateName: string | null }> {
  if (robotId !== undefined) {
    const robot = await usableRobot(tx, appId, robotId);
    if (!robot) throw new AppError('robot_not_found', `robot_id ${robotId}`);
    return { id: robot.id, templateName: robot.definition.name };
  }
  const own = await ownRobotByName(tx, appId, DEFAULT_OPENING_ROBOT);
  if (own) return { id: own.id, templateName: null };
  const made = await saveRobotInTx(tx, appId, defaultOpeningRobot(await appName(tx, appId)));
  return { id: made.robot.id, templateName: null };
}
