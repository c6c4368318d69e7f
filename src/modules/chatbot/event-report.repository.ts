import type { Queryable } from '../../store/db.ts';

// SQL of the company event reports (§10.2–§10.4, docs/chatbot-variants.md): the app's opt-in,
// and the session a status change belongs to. Scoped to one app.

export interface ReportSettingsRow {
  enabled: boolean;
  url: string | null;
  updated_at: Date;
}

export async function findReportSettings(
  q: Queryable,
  appId: number,
): Promise<ReportSettingsRow | undefined> {
  const [row] = await q.query<ReportSettingsRow>(
    'SELECT enabled, url, updated_at FROM chat_report_settings WHERE app_id = $1',
    [appId],
  );
  return row;
}

/** The settings of several apps at once (a publish may carry events of more than one app). */
export async function findReportSettingsMany(
  q: Queryable,
  appIds: readonly number[],
): Promise<Map<number, ReportSettingsRow>> {
  const rows = await q.query<ReportSettingsRow & { app_id: string | number }>(
    `SELECT app_id, enabled, url, updated_at FROM chat_report_settings
     WHERE app_id = ANY($1::bigint[])`,
    [appIds],
  );
  return new Map(rows.map(({ app_id, ...r }) => [Number(app_id), r]));
}

export async function saveReportSettings(
  q: Queryable,
  appId: number,
  settings: { enabled: boolean; url: string | null },
  now: Date,
): Promise<ReportSettingsRow> {
  const [row] = await q.query<ReportSettingsRow>(
    `INSERT INTO chat_report_settings (app_id, enabled, url, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (app_id) DO UPDATE SET enabled = excluded.enabled, url = excluded.url,
       updated_at = excluded.updated_at
     RETURNING enabled, url, updated_at`,
    [appId, settings.enabled, settings.url, now],
  );
  return row!;
}

export interface ReportedMessageRow {
  session_id: string;
  channel: string;
  channel_id: string;
  user_id: string;
}

/** The session of one of our chat messages, when the message is one (a status change's subject). */
export async function findChatMessageSession(
  q: Queryable,
  appId: number,
  messageId: string,
): Promise<ReportedMessageRow | undefined> {
  const [row] = await q.query<ReportedMessageRow>(
    `SELECT s.id AS session_id, s.channel, s.channel_id, s.user_id
     FROM chat_messages m JOIN chat_sessions s ON s.app_id = m.app_id AND s.id = m.session_id
     WHERE m.app_id = $1 AND m.id = $2`,
    [appId, messageId],
  );
  return row;
}
