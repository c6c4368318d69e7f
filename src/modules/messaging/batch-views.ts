import type { Db } from '../../store/db.ts';
import { wireStatus } from './message-wire.ts';
import type { MessageStatus } from './messages.repository.ts';

// What the workflow queries (workflows/workflow-queries.service.ts) read of the template batches
// its WABA nodes sent (spec/workflow-api.md §14d/§14e): each batch with its template and
// channel, and its messages with their status. Read only, scoped to the app; the workflow module
// names the batch ids (its node runs), this module reads its own tables.

export interface BatchSummary {
  id: string;
  templateId: number | null;
  templateName: string;
  /** The WABA account's public id (the spec's channel_id). */
  channelId: string;
  createdAt: Date;
  total: number;
  /** Messages not yet with the provider (queued or sending). */
  pending: number;
}

export interface BatchMessage {
  id: string;
  /** E.164 with '+'. */
  callee: string;
  /** The workflow facts' vocabulary: 'sent' | 'delivery' | 'read' | 'failed', '' while queued. */
  status: string;
  sentAt: Date | null;
}

export interface BatchMessageFilter {
  /** E.164 with '+'. */
  callee?: string;
  /** Only these message ids. */
  messageIds?: readonly string[];
}

const SUMMARY = `SELECT b.id, b.template_id, coalesce(t.name, '') AS template_name,
    ch.channel_id, b.created_at,
    (SELECT count(*) FROM messages m WHERE m.batch_id = b.id) AS total,
    (SELECT count(*) FROM messages m WHERE m.batch_id = b.id
       AND m.status IN ('queued', 'sending')) AS pending
  FROM message_batches b
  JOIN messaging_channels ch ON ch.id = b.channel_pk
  LEFT JOIN messaging_templates t ON t.id = b.template_id`;

interface SummaryRow {
  id: string;
  template_id: number | null;
  template_name: string;
  channel_id: string;
  created_at: Date;
  total: number;
  pending: number;
}

const toSummary = (r: SummaryRow): BatchSummary => ({
  id: r.id,
  templateId: r.template_id === null ? null : Number(r.template_id),
  templateName: r.template_name,
  channelId: r.channel_id,
  createdAt: r.created_at,
  total: Number(r.total),
  pending: Number(r.pending),
});

/** The facts' status words (workflows/facts.ts WabaFact): '' while the message is queued. */
const factStatus = (status: MessageStatus) => {
  const wire = wireStatus(status);
  return wire === 'pending' ? '' : wire;
};

export class BatchViews {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** The app's batches among `ids`, by id. */
  async summaries(appId: number, ids: readonly string[]): Promise<Map<string, BatchSummary>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db.query<SummaryRow>(
      `${SUMMARY} WHERE b.id = ANY($1::text[]) AND b.app_id = $2`,
      [[...new Set(ids)], appId],
    );
    return new Map(rows.map((r) => [r.id, toSummary(r)]));
  }

  /** A page of the batch's outbound messages in send order; undefined: the app has no such batch. */
  async messages(
    appId: number,
    batchId: string,
    filter: BatchMessageFilter,
    offset: number,
    limit: number,
  ): Promise<{ batch: BatchSummary; total: number; messages: BatchMessage[] } | undefined> {
    const [batch] = await this.#db.query<SummaryRow>(
      `${SUMMARY} WHERE b.id = $1 AND b.app_id = $2`,
      [batchId, appId],
    );
    if (!batch) return undefined;
    // Messages hold the person as E.164 digits without '+'.
    const where = `m.batch_id = $1 AND m.app_id = $2 AND m.direction = 'out'
      AND ($3::text IS NULL OR m.user_id = $3) AND ($4::text[] IS NULL OR m.id = ANY($4::text[]))`;
    const params = [
      batchId,
      appId,
      filter.callee === undefined ? null : filter.callee.replace(/^\+/, ''),
      filter.messageIds === undefined ? null : [...filter.messageIds],
    ];
    const [count] = await this.#db.query<{ n: number }>(
      `SELECT count(*) AS n FROM messages m WHERE ${where}`,
      params,
    );
    const rows = await this.#db.query<{
      id: string;
      user_id: string;
      status: MessageStatus;
      sent_at: Date | null;
    }>(
      `SELECT m.id, m.user_id, m.status, m.sent_at FROM messages m WHERE ${where}
       ORDER BY m.seq LIMIT $5 OFFSET $6`,
      [...params, limit, offset],
    );
    return {
      batch: toSummary(batch),
      total: Number(count?.n ?? 0),
      messages: rows.map((r) => ({
        id: r.id,
        callee: `+${r.user_id}`,
        status: factStatus(r.status),
        sentAt: r.sent_at,
      })),
    };
  }
}
