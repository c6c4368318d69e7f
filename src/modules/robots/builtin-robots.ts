import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { checkRobot } from '../../dialogue/script/check-robot.ts';
import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import type { Db } from '../../store/db.ts';
import { addRobotVersion, insertRobot, lockRobot } from './robots.repository.ts';

const DIR = new URL('./builtin/', import.meta.url);

export interface BuiltinRobot {
  robot_id: number;
  definition: RobotDefinition;
}

/** The demo robots shipped with Tiller (one file each under builtin/). */
export function builtinRobots(): BuiltinRobot[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const robot = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as BuiltinRobot;
      const problems = checkRobot(robot.definition);
      if (problems.length > 0)
        throw new Error(`built-in robot ${file} is invalid:\n${problems.join('\n')}`);
      return robot;
    });
}

/**
 * Brings the built-in robots in the store up to the shipped definitions at start: a changed
 * definition becomes a new version (calls keep naming the version they ran); an unchanged one
 * is left alone, so restarts add nothing.
 */
export async function seedBuiltinRobots(db: Db): Promise<void> {
  for (const { robot_id, definition } of builtinRobots()) {
    await db.transaction(async (tx) => {
      const current = await lockRobot(tx, robot_id);
      if (!current) await insertRobot(tx, null, definition, robot_id);
      else if (!isDeepStrictEqual(current.definition, definition))
        await addRobotVersion(tx, robot_id, definition);
    });
  }
}
