import type { ConversationResult, ConversationState } from '../../dialogue/conversation.ts';
import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import type { Queryable } from '../../store/db.ts';

// The conversations table (migration 0017). Only the conversations module reads or writes it.

export interface ConversationRow {
  id: string;
  app_id: number;
  robot_id: number;
  robot_name: string;
  robot_version: number;
  robot: RobotDefinition;
  channel: ConversationState['channel'];
  contact: string;
  state: ConversationState;
  version: number;
  status: 'active' | 'ended';
  result: ConversationResult | null;
  created_at: Date;
  updated_at: Date;
}

export type NewConversation = Omit<ConversationRow, 'version' | 'updated_at'>;

const COLUMNS =
  'id, app_id, robot_id, robot_name, robot_version, robot, channel, contact, state, version, status, result, created_at, updated_at';

export async function insertConversation(q: Queryable, c: NewConversation): Promise<void> {
  await q.query(
    `INSERT INTO conversations (id, app_id, robot_id, robot_name, robot_version, robot, channel, contact,
       state, status, result, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
    [
      c.id,
      c.app_id,
      c.robot_id,
      c.robot_name,
      c.robot_version,
      c.robot,
      c.channel,
      c.contact,
      c.state,
      c.status,
      c.result,
      c.created_at,
    ],
  );
}

export async function findConversation(
  q: Queryable,
  appId: number,
  id: string,
): Promise<ConversationRow | undefined> {
  const [row] = await q.query<ConversationRow>(
    `SELECT ${COLUMNS} FROM conversations WHERE app_id = $1 AND id = $2`,
    [appId, id],
  );
  return row;
}

/**
 * Writes the state a step gave, if no one wrote since `version` was read. Returns false when
 * another writer won (nothing is changed then).
 */
export async function saveStep(
  q: Queryable,
  step: {
    appId: number;
    id: string;
    version: number;
    state: ConversationState;
    result: ConversationResult | null;
    at: Date;
  },
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE conversations
        SET state = $4, status = $5, result = $6, version = version + 1, updated_at = $7
      WHERE app_id = $1 AND id = $2 AND version = $3
      RETURNING id`,
    [
      step.appId,
      step.id,
      step.version,
      step.state,
      step.result === null ? 'active' : 'ended',
      step.result,
      step.at,
    ],
  );
  return rows.length === 1;
}
