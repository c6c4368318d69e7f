import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import type { Queryable } from '../../store/db.ts';

export interface RobotRow {
  id: number;
  app_id: number | null;
  name: string;
  business_line: RobotDefinition['business_line'];
  language: string;
  version: number;
  definition: RobotDefinition;
  updated_at: Date;
}

const COLUMNS = 'id, app_id, name, business_line, language, version, definition, updated_at';

/** An app sees its own robots and the built-in ones (app_id NULL). */
export async function listRobots(q: Queryable, appId: number): Promise<RobotRow[]> {
  return q.query<RobotRow>(
    `SELECT ${COLUMNS} FROM robots WHERE app_id IS NULL OR app_id = $1 ORDER BY id`,
    [appId],
  );
}

export async function findRobot(
  q: Queryable,
  appId: number,
  robotId: number,
): Promise<RobotRow | undefined> {
  const [row] = await q.query<RobotRow>(
    `SELECT ${COLUMNS} FROM robots WHERE id = $1 AND (app_id IS NULL OR app_id = $2)`,
    [robotId, appId],
  );
  return row;
}

/** The current script of a robot by id alone: its owner was checked when the task was made. */
export async function findScript(
  q: Queryable,
  robotId: number,
): Promise<{ definition: RobotDefinition; version: number } | undefined> {
  const [row] = await q.query<{ definition: RobotDefinition; version: number }>(
    'SELECT definition, version FROM robots WHERE id = $1',
    [robotId],
  );
  return row;
}

export async function findOwnRobotByName(
  q: Queryable,
  appId: number,
  name: string,
): Promise<RobotRow | undefined> {
  const [row] = await q.query<RobotRow>(
    `SELECT ${COLUMNS} FROM robots WHERE app_id = $1 AND name = $2 FOR UPDATE`,
    [appId, name],
  );
  return row;
}

export async function robotVersions(q: Queryable, robotId: number) {
  return q.query<{ version: number; created_at: Date }>(
    'SELECT version, created_at FROM robot_versions WHERE robot_id = $1 ORDER BY version',
    [robotId],
  );
}

/** Adds a robot; `id` only for built-in ones, app robots take the next id of robot_ids. */
export async function insertRobot(
  q: Queryable,
  appId: number | null,
  definition: RobotDefinition,
  id?: number,
): Promise<RobotRow> {
  const [row] = await q.query<RobotRow>(
    `INSERT INTO robots (id, app_id, name, business_line, language, definition)
     VALUES (coalesce($1, nextval('robot_ids')), $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [id ?? null, appId, definition.name, definition.business_line, definition.language, definition],
  );
  await q.query('INSERT INTO robot_versions (robot_id, version, definition) VALUES ($1, $2, $3)', [
    row!.id,
    row!.version,
    definition,
  ]);
  return row!;
}

/** Makes `definition` the robot's next version, keeping the earlier ones. */
export async function addRobotVersion(
  q: Queryable,
  robotId: number,
  definition: RobotDefinition,
): Promise<RobotRow> {
  const [row] = await q.query<RobotRow>(
    `UPDATE robots SET definition = $2, name = $3, business_line = $4, language = $5, version = version + 1,
       updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [robotId, definition, definition.name, definition.business_line, definition.language],
  );
  await q.query('INSERT INTO robot_versions (robot_id, version, definition) VALUES ($1, $2, $3)', [
    robotId,
    row!.version,
    definition,
  ]);
  return row!;
}

export async function lockRobot(q: Queryable, robotId: number): Promise<RobotRow | undefined> {
  const [row] = await q.query<RobotRow>(`SELECT ${COLUMNS} FROM robots WHERE id = $1 FOR UPDATE`, [
    robotId,
  ]);
  return row;
}
