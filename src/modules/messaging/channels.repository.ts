import type { MessagingChannelKind } from '../../channels/messaging/messaging-channel.ts';
import type { Queryable } from '../../store/db.ts';

// Channels and templates of the messaging module, scoped by app in every statement that an API
// caller reaches. The provider webhook alone finds channels by public id across apps (it knows
// no app yet; the adapter's signature check tells which channel the body is for).

export interface ChannelRecord {
  pk: number;
  appId: number;
  channelId: string;
  kind: MessagingChannelKind;
  name: string;
  phoneNumber: string;
  status: string;
  config: Record<string, unknown>;
  sendsPerSecond: number | null;
  sendWindow: unknown;
  callbackUrl: string | null;
  defaultRobotId: string | null;
  updatedAt: Date;
}

interface ChannelRow {
  id: number;
  app_id: number;
  channel_id: string;
  kind: MessagingChannelKind;
  name: string;
  phone_number: string;
  status: string;
  config: Record<string, unknown>;
  sends_per_second: number | null;
  send_window: unknown;
  callback_url: string | null;
  default_robot_id: string | null;
  updated_at: Date;
}

const CHANNEL_COLUMNS = `id, app_id, channel_id, kind, name, phone_number, status, config,
  sends_per_second, send_window, callback_url, default_robot_id, updated_at`;

function toChannel(row: ChannelRow): ChannelRecord {
  return {
    pk: Number(row.id),
    appId: Number(row.app_id),
    channelId: row.channel_id,
    kind: row.kind,
    name: row.name,
    phoneNumber: row.phone_number,
    status: row.status,
    config: row.config ?? {},
    sendsPerSecond: row.sends_per_second === null ? null : Number(row.sends_per_second),
    sendWindow: row.send_window ?? null,
    callbackUrl: row.callback_url,
    defaultRobotId: row.default_robot_id,
    updatedAt: row.updated_at,
  };
}

export type NewChannel = Omit<ChannelRecord, 'pk' | 'updatedAt'>;

/** Inserts a channel; undefined when the app already has one with this channel_id. */
export async function insertChannel(
  q: Queryable,
  c: NewChannel,
): Promise<ChannelRecord | undefined> {
  const rows = await q.query<ChannelRow>(
    `INSERT INTO messaging_channels (app_id, channel_id, kind, name, phone_number, status, config,
       sends_per_second, send_window, callback_url, default_robot_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (app_id, channel_id) DO NOTHING
     RETURNING ${CHANNEL_COLUMNS}`,
    [
      c.appId,
      c.channelId,
      c.kind,
      c.name,
      c.phoneNumber,
      c.status,
      c.config,
      c.sendsPerSecond,
      c.sendWindow === null ? null : JSON.stringify(c.sendWindow),
      c.callbackUrl,
      c.defaultRobotId,
    ],
  );
  return rows[0] && toChannel(rows[0]);
}

export type ChannelPatch = Partial<
  Pick<
    ChannelRecord,
    | 'name'
    | 'phoneNumber'
    | 'status'
    | 'config'
    | 'sendsPerSecond'
    | 'sendWindow'
    | 'callbackUrl'
    | 'defaultRobotId'
  >
>;

const PATCH_COLUMNS: Record<keyof ChannelPatch, string> = {
  name: 'name',
  phoneNumber: 'phone_number',
  status: 'status',
  config: 'config',
  sendsPerSecond: 'sends_per_second',
  sendWindow: 'send_window',
  callbackUrl: 'callback_url',
  defaultRobotId: 'default_robot_id',
};

export async function updateChannel(
  q: Queryable,
  appId: number,
  channelId: string,
  patch: ChannelPatch,
): Promise<ChannelRecord | undefined> {
  const sets: string[] = [];
  const params: unknown[] = [appId, channelId];
  for (const [key, column] of Object.entries(PATCH_COLUMNS) as Array<
    [keyof ChannelPatch, string]
  >) {
    if (!(key in patch)) continue;
    const value = patch[key];
    params.push(key === 'sendWindow' && value !== null ? JSON.stringify(value) : value);
    sets.push(`${column} = $${params.length}`);
  }
  const rows = await q.query<ChannelRow>(
    `UPDATE messaging_channels SET ${[...sets, 'updated_at = now()'].join(', ')}
     WHERE app_id = $1 AND channel_id = $2 RETURNING ${CHANNEL_COLUMNS}`,
    params,
  );
  return rows[0] && toChannel(rows[0]);
}

export async function findChannel(
  q: Queryable,
  appId: number,
  channelId: string,
): Promise<ChannelRecord | undefined> {
  const rows = await q.query<ChannelRow>(
    `SELECT ${CHANNEL_COLUMNS} FROM messaging_channels WHERE app_id = $1 AND channel_id = $2`,
    [appId, channelId],
  );
  return rows[0] && toChannel(rows[0]);
}

export async function channelsByPk(
  q: Queryable,
  pks: readonly number[],
): Promise<Map<number, ChannelRecord>> {
  if (pks.length === 0) return new Map();
  const rows = await q.query<ChannelRow>(
    `SELECT ${CHANNEL_COLUMNS} FROM messaging_channels WHERE id = ANY($1::bigint[])`,
    [[...new Set(pks)]],
  );
  return new Map(rows.map((r) => [Number(r.id), toChannel(r)]));
}

export async function listChannels(
  q: Queryable,
  appId: number,
  kind?: MessagingChannelKind,
): Promise<ChannelRecord[]> {
  const rows = await q.query<ChannelRow>(
    `SELECT ${CHANNEL_COLUMNS} FROM messaging_channels
     WHERE app_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY id`,
    [appId, kind ?? null],
  );
  return rows.map(toChannel);
}

/** Every app's channel of this kind with this public id (the provider webhook's lookup). */
export async function channelsByPublicId(
  q: Queryable,
  channelId: string,
  kind: MessagingChannelKind,
): Promise<ChannelRecord[]> {
  const rows = await q.query<ChannelRow>(
    `SELECT ${CHANNEL_COLUMNS} FROM messaging_channels WHERE channel_id = $1 AND kind = $2 ORDER BY id`,
    [channelId, kind],
  );
  return rows.map(toChannel);
}

/** An SMS sender of the app by its channel_id or its phone number (the SMS API's `from`). */
export async function findSmsSender(
  q: Queryable,
  appId: number,
  from: string,
): Promise<ChannelRecord | undefined> {
  const rows = await q.query<ChannelRow>(
    `SELECT ${CHANNEL_COLUMNS} FROM messaging_channels
     WHERE app_id = $1 AND kind IN ('sms', 'simulated')
       AND (channel_id = $2 OR regexp_replace(phone_number, '[^0-9]', '', 'g') = regexp_replace($2, '[^0-9]', '', 'g'))
     ORDER BY (channel_id = $2) DESC, (kind = 'sms') DESC, id LIMIT 1`,
    [appId, from],
  );
  return rows[0] && toChannel(rows[0]);
}

/**
 * Takes the channel's pacing slot for `count` sends at `ratePerSecond`, unless another process
 * holds it this instant (SKIP LOCKED: it is claiming for this channel; ours comes next poll).
 * NO KEY UPDATE: FOR UPDATE also conflicts with the KEY SHARE lock every transaction inserting a
 * message takes on its channel (the foreign key), so under load the claim kept skipping and the
 * sender slept to its next poll (docs/performance.md).
 * Returns the instant of the first send, or undefined when the slot is taken or too far ahead.
 */
export async function takeSendSlots(
  q: Queryable,
  pk: number,
  now: Date,
  horizonMs: number,
  ratePerSecond: number,
  wanted: number,
): Promise<{ first: Date; count: number } | undefined> {
  const [row] = await q.query<{ next_send_at: Date | null }>(
    `SELECT next_send_at FROM messaging_channels WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED`,
    [pk],
  );
  if (!row) return undefined;
  const first = new Date(Math.max(now.getTime(), row.next_send_at?.getTime() ?? 0));
  const room = now.getTime() + horizonMs - first.getTime();
  if (room < 0) return undefined;
  const gapMs = 1000 / ratePerSecond;
  const count = Math.min(wanted, Math.floor(room / gapMs) + 1);
  return { first, count };
}

export async function setNextSendAt(q: Queryable, pk: number, at: Date): Promise<void> {
  await q.query(`UPDATE messaging_channels SET next_send_at = $2 WHERE id = $1`, [pk, at]);
}

/** Every channel whose provider pushes inbound messages over a connection of its own. */
export async function pushChannels(q: Queryable): Promise<ChannelRecord[]> {
  const rows = await q.query<ChannelRow>(
    `SELECT ${CHANNEL_COLUMNS} FROM messaging_channels WHERE kind IN ('sms', 'simulated') ORDER BY id`,
  );
  return rows.map(toChannel);
}
