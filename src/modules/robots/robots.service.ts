import { checkRobot } from '../../dialogue/script/check-robot.ts';
import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import { AppError } from '../../shared/errors.ts';
import type { Db, Queryable } from '../../store/db.ts';
import * as repo from './robots.repository.ts';

/** A robot as the service answers it; the API families render it (robots.wire.ts). */
export interface Robot {
  id: number;
  /** null: a built-in robot, every app's. */
  appId: number | null;
  name: string;
  businessLine: RobotDefinition['business_line'];
  language: string;
  version: number;
  definition: RobotDefinition;
  updatedAt: Date;
}

export interface RobotVersion {
  version: number;
  createdAt: Date;
}

function toRobot(row: repo.RobotRow): Robot {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    businessLine: row.business_line,
    language: row.language,
    version: row.version,
    definition: row.definition,
    updatedAt: row.updated_at,
  };
}

/** A robot as another module uses it: to check a task's robot and to run its script. */
export interface UsableRobot {
  id: number;
  version: number;
  definition: RobotDefinition;
}

/**
 * The robot the app may use (its own or a built-in one), or undefined: the seam through which
 * tasks and plans check a robot id (they never read robots.repository.ts).
 */
export async function usableRobot(
  q: Queryable,
  appId: number,
  robotId: number,
): Promise<UsableRobot | undefined> {
  return usable(await repo.findRobot(q, appId, robotId));
}

/** The app's own robot of that name (not a built-in one), or undefined. */
export async function ownRobotByName(
  q: Queryable,
  appId: number,
  name: string,
): Promise<UsableRobot | undefined> {
  return usable(await repo.findOwnRobotByName(q, appId, name));
}

const usable = (row: repo.RobotRow | undefined): UsableRobot | undefined =>
  row && { id: row.id, version: row.version, definition: row.definition };

/** save() in the caller's transaction: a module that makes a robot as part of its own write. */
export async function saveRobotInTx(
  tx: Queryable,
  appId: number,
  input: unknown,
): Promise<{ robot: Robot; created: boolean }> {
  const definition = valid(input);
  // Two imports of one name at once: the second waits and adds a version, instead of failing on
  // the unique name.
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `tiller:robot-name:${appId}:${definition.name}`,
  ]);
  const existing = await repo.findOwnRobotByName(tx, appId, definition.name);
  if (existing)
    return {
      robot: toRobot(await repo.addRobotVersion(tx, existing.id, definition)),
      created: false,
    };
  return { robot: toRobot(await repo.insertRobot(tx, appId, definition)), created: true };
}

/** The robot's current script and version, by id (the dialer: the task's owner check is done). */
export async function currentScript(
  q: Queryable,
  robotId: number,
): Promise<{ definition: RobotDefinition; version: number } | undefined> {
  return repo.findScript(q, robotId);
}

export class RobotService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async list(appId: number): Promise<Robot[]> {
    return (await repo.listRobots(this.#db, appId)).map(toRobot);
  }

  async get(appId: number, robotId: number): Promise<{ robot: Robot; versions: RobotVersion[] }> {
    const robot = await repo.findRobot(this.#db, appId, robotId);
    if (!robot) throw new AppError('robot_not_found', `robot_id ${robotId}`);
    const versions = await repo.robotVersions(this.#db, robot.id);
    return {
      robot: toRobot(robot),
      versions: versions.map((v) => ({ version: v.version, createdAt: v.created_at })),
    };
  }

  /** Adds a robot, or a new version of the app's robot of the same name (what `import` means). */
  async save(appId: number, input: unknown): Promise<{ robot: Robot; created: boolean }> {
    const definition = valid(input);
    return this.#db.transaction((tx) => saveRobotInTx(tx, appId, definition));
  }

  async update(appId: number, robotId: number, input: unknown): Promise<Robot> {
    const definition = valid(input);
    const row = await this.#db.transaction(async (tx) => {
      const robot = await repo.lockRobot(tx, robotId);
      if (!robot || (robot.app_id !== null && robot.app_id !== appId)) {
        throw new AppError('robot_not_found', `robot_id ${robotId}`);
      }
      if (robot.app_id === null) throw new AppError('robot_read_only');
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `tiller:robot-name:${appId}:${definition.name}`,
      ]);
      const namesake = await repo.findOwnRobotByName(tx, appId, definition.name);
      if (namesake && namesake.id !== robotId) {
        throw new AppError(
          'duplicate_name',
          `robot "${definition.name}" is robot_id ${namesake.id}`,
        );
      }
      return repo.addRobotVersion(tx, robotId, definition);
    });
    return toRobot(row);
  }
}

function valid(input: unknown): RobotDefinition {
  const problems = checkRobot(input);
  if (problems.length > 0) throw new AppError('invalid_robot', problems.slice(0, 20).join('; '));
  return input as RobotDefinition;
}
