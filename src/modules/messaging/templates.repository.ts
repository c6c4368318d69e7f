import type { Queryable } from '../../store/db.ts';

// WhatsApp templates of a channel. Their approval is the provider's review, which we cannot
// reach: an admin sets the status on /v1 (docs/messaging.md).

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
export type TemplateButtonType = 'QUICK_REPLY' | 'OPT_OUT' | 'URL' | 'PHONE_NUMBER';

export interface TemplateContent {
  header?: { type: string; text?: string; media?: { origin_url: string } } | null;
  body: string;
  footer?: string | null;
  button?: Array<{ type: TemplateButtonType; text: string }>;
}

export interface TemplateRecord {
  id: number;
  appId: number;
  channelPk: number;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  content: TemplateContent;
}

interface TemplateRow {
  id: number;
  app_id: number;
  channel_pk: number;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  content: TemplateContent;
}

const COLUMNS = 'id, app_id, channel_pk, name, language, category, status, content';

function toTemplate(row: TemplateRow): TemplateRecord {
  return {
    id: Number(row.id),
    appId: Number(row.app_id),
    channelPk: Number(row.channel_pk),
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    content: row.content,
  };
}

/** Undefined when the channel already has a template of this name and language. */
export async function insertTemplate(
  q: Queryable,
  t: Omit<TemplateRecord, 'id'>,
): Promise<TemplateRecord | undefined> {
  const rows = await q.query<TemplateRow>(
    `INSERT INTO messaging_templates (app_id, channel_pk, name, language, category, status, content)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (channel_pk, name, language) DO NOTHING RETURNING ${COLUMNS}`,
    [t.appId, t.channelPk, t.name, t.language, t.category, t.status, t.content],
  );
  return rows[0] && toTemplate(rows[0]);
}

export async function findTemplate(
  q: Queryable,
  appId: number,
  channelPk: number,
  id: number,
): Promise<TemplateRecord | undefined> {
  const rows = await q.query<TemplateRow>(
    `SELECT ${COLUMNS} FROM messaging_templates WHERE app_id = $1 AND channel_pk = $2 AND id = $3`,
    [appId, channelPk, id],
  );
  return rows[0] && toTemplate(rows[0]);
}

export async function templatesByIds(
  q: Queryable,
  ids: readonly number[],
): Promise<Map<number, TemplateRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query<TemplateRow>(
    `SELECT ${COLUMNS} FROM messaging_templates WHERE id = ANY($1::bigint[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [Number(r.id), toTemplate(r)]));
}

export async function listTemplates(
  q: Queryable,
  appId: number,
  channelPk: number,
  filter: { name?: string; status?: string; page: number; size: number },
): Promise<{ total: number; list: TemplateRecord[] }> {
  const params = [appId, channelPk, filter.name ?? null, filter.status ?? null];
  const where = `app_id = $1 AND channel_pk = $2
    AND ($3::text IS NULL OR strpos(lower(name), lower($3)) > 0)
    AND ($4::text IS NULL OR status = $4)`;
  const [count] = await q.query<{ n: number }>(
    `SELECT count(*) AS n FROM messaging_templates WHERE ${where}`,
    params,
  );
  const rows = await q.query<TemplateRow>(
    `SELECT ${COLUMNS} FROM messaging_templates WHERE ${where} ORDER BY id LIMIT $5 OFFSET $6`,
    [...params, filter.size, (filter.page - 1) * filter.size],
  );
  return { total: Number(count?.n ?? 0), list: rows.map(toTemplate) };
}

export async function setTemplateStatus(
  q: Queryable,
  appId: number,
  channelPk: number,
  id: number,
  status: TemplateStatus,
): Promise<TemplateRecord | undefined> {
  const rows = await q.query<TemplateRow>(
    `UPDATE messaging_templates SET status = $4, updated_at = now()
     WHERE app_id = $1 AND channel_pk = $2 AND id = $3 RETURNING ${COLUMNS}`,
    [appId, channelPk, id, status],
  );
  return rows[0] && toTemplate(rows[0]);
}

/**
 * An approved template's content by its provider name and language, in any app: what the
 * simulated channel asks to know a template's buttons (a simulated person taps them).
 */
export async function approvedTemplateByName(
  q: Queryable,
  name: string,
  language: string,
): Promise<TemplateRecord | undefined> {
  const rows = await q.query<TemplateRow>(
    `SELECT ${COLUMNS} FROM messaging_templates
     WHERE name = $1 AND language = $2 AND status = 'APPROVED' ORDER BY id DESC LIMIT 1`,
    [name, language],
  );
  return rows[0] && toTemplate(rows[0]);
}
