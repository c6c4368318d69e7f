import type { Queryable } from '../../store/db.ts';
import type { BotChannelKind } from './bot-channel.wire.ts';

// SQL of the channel variants (docs/chatbot-variants.md): the Huawei and bot channels an app
// registered, and the menu a channel's interactive answer echoes. Scoped to one app throughout.

export interface BotChannelRow {
  kind: BotChannelKind;
  channel_id: string;
  channel_name: string;
  callback_url: string;
  robot_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'kind, channel_id, channel_name, callback_url, robot_id, created_at, updated_at';

export async function upsertBotChannel(
  q: Queryable,
  appId: number,
  c: {
    kind: BotChannelKind;
    channelId: string;
    channelName: string;
    callbackUrl: string;
    robotId: string | null;
  },
  now: Date,
): Promise<{ row: BotChannelRow; created: boolean }> {
  const [row] = await q.query<BotChannelRow & { created: boolean }>(
    `INSERT INTO chat_bot_channels
       (app_id, kind, channel_id, channel_name, callback_url, robot_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
     ON CONFLICT (app_id, kind, channel_id) DO UPDATE SET channel_name = excluded.channel_name,
       callback_url = excluded.callback_url, robot_id = excluded.robot_id,
       updated_at = excluded.updated_at
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
    [appId, c.kind, c.channelId, c.channelName, c.callbackUrl, c.robotId, now],
  );
  const { created, ...rest } = row!;
  return { row: rest, created };
}

export async function findBotChannel(
  q: Queryable,
  appId: number,
  kind: BotChannelKind,
  channelId: string,
): Promise<BotChannelRow | undefined> {
  const [row] = await q.query<BotChannelRow>(
    `SELECT ${COLUMNS} FROM chat_bot_channels WHERE app_id = $1 AND kind = $2 AND channel_id = $3`,
    [appId, kind, channelId],
  );
  return row;
}

export async function listBotChannels(q: Queryable, appId: number): Promise<BotChannelRow[]> {
  return q.query<BotChannelRow>(
    `SELECT ${COLUMNS} FROM chat_bot_channels WHERE app_id = $1 ORDER BY kind, channel_id`,
    [appId],
  );
}

export async function deleteBotChannel(
  q: Queryable,
  appId: number,
  kind: BotChannelKind,
  channelId: string,
): Promise<boolean> {
  const rows = await q.query(
    `DELETE FROM chat_bot_channels WHERE app_id = $1 AND kind = $2 AND channel_id = $3
     RETURNING channel_id`,
    [appId, kind, channelId],
  );
  return rows.length > 0;
}

/**
 * The newest message of the session whose menu offers the option id a `button_reply` /
 * `list_reply` echoes (§5.8): the stored answer quotes it. Undefined when no menu of the session
 * offered it (an answer to a menu of an earlier session, a made-up id).
 */
export async function findMenuOffering(
  q: Queryable,
  appId: number,
  sessionId: string,
  optionId: string,
): Promise<string | undefined> {
  const [row] = await q.query<{ id: string }>(
    `SELECT id FROM chat_messages
     WHERE app_id = $1 AND session_id = $2 AND content->>'type' = 'interactive'
       AND content ? 'interactive'
       AND (jsonb_path_exists(content, 'lax $.interactive.action.buttons[*].reply ? (@.id == $id)',
              jsonb_build_object('id', $3::text))
         OR jsonb_path_exists(content, 'lax $.interactive.action.sections[*].rows[*] ? (@.id == $id)',
              jsonb_build_object('id', $3::text)))
     ORDER BY seq DESC LIMIT 1`,
    [appId, sessionId, optionId],
  );
  return row?.id;
}
