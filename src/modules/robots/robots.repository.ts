import type { Queryable } from '../../store/db.ts';
import type { DemoScript } from '../../dialogue/demo-conversation.ts';

export interface RobotRow {
  id: number;
  name: string;
  business_line: 'collection' | 'telemarketing' | 'info_check';
  language: string;
  script: DemoScript;
}

/** An app sees its own robots and the built-in ones (app_id NULL). */
export async function listRobots(q: Queryable, appId: number): Promise<RobotRow[]> {
  return q.query<RobotRow>(
    'SELECT id, name, business_line, language, script FROM robots WHERE app_id IS NULL OR app_id = $1 ORDER BY id',
    [appId],
  );
}

export async function findRobot(
  q: Queryable,
  appId: number,
  robotId: number,
): Promise<RobotRow | undefined> {
  const [row] = await q.query<RobotRow>(
    'SELECT id, name, business_line, language, script FROM robots WHERE id = $1 AND (app_id IS NULL OR app_id = $2)',
    [robotId, appId],
  );
  return row;
}
