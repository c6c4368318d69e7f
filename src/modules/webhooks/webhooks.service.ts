import { AppError } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import { notify, type Db } from '../../store/db.ts';
import { appSettings, updateAppSettings } from '../auth/app-directory.ts';
import { WEBHOOKS_CHANNEL } from './outbox.ts';
import {
  findEvent,
  listDeliveries,
  listEvents,
  resetForResend,
  type DeliveryRow,
  type EventRow,
  type EventStatus,
} from './webhooks.repository.ts';

/** The app's webhook target as the service answers it (webhooks.wire.ts renders it). */
export interface WebhookSettings {
  url: string | null;
  /** The app's own signing secret, so the integrator can verify what it receives. */
  signingSecret: string;
}

/** An event of the outbox as its app sees it. */
export interface WebhookEvent {
  id: string;
  type: string;
  subjectId: string;
  status: EventStatus;
  attempts: number;
  /** Only a pending event has a next attempt; for the others the column is history. */
  nextAttemptAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  payload: Record<string, unknown>;
}

/** One attempt to deliver an event (the delivery log). */
export interface DeliveryAttempt {
  attempt: number;
  url: string;
  startedAt: Date;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface EventPage {
  total: number;
  page: number;
  pageSize: number;
  events: WebhookEvent[];
}

const MAX_URL_LENGTH = 2000;

/** What an app sees and controls of its webhooks: the URL, its events, their attempts, resends. */
export class WebhookService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async getSettings(appId: number): Promise<WebhookSettings> {
    const app = await appSettings(this.#db, appId);
    if (!app) throw new AppError('invalid_token');
    return { url: app.webhookUrl, signingSecret: app.webhookSecret };
  }

  /** Sets or (with null or "") clears the URL. Events recorded while unset fail and can be re-sent. */
  async setWebhookUrl(appId: number, url: string | null): Promise<WebhookSettings> {
    const value = url === null || url.trim() === '' ? null : checkUrl(url.trim());
    const app = await updateAppSettings(this.#db, appId, { webhookUrl: value });
    if (!app) throw new AppError('invalid_token');
    return { url: app.webhookUrl, signingSecret: app.webhookSecret };
  }

  async listEvents(
    appId: number,
    query: { status?: EventStatus; page?: number; page_size?: number },
  ): Promise<EventPage> {
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 20;
    const { total, events } = await listEvents(this.#db, appId, {
      ...(query.status ? { status: query.status } : {}),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { total, page, pageSize, events: events.map(toEvent) };
  }

  async listDeliveries(
    appId: number,
    eventId: string,
  ): Promise<{ event: WebhookEvent; deliveries: DeliveryAttempt[] }> {
    const event = isId(eventId) ? await findEvent(this.#db, appId, eventId) : undefined;
    if (!event) throw new AppError('event_not_found');
    const deliveries = await listDeliveries(this.#db, appId, eventId);
    return { event: toEvent(event), deliveries: deliveries.map(toAttempt) };
  }

  /** Delivers the event again from the first attempt, whatever its status (a replay is allowed). */
  async resend(appId: number, eventId: string): Promise<WebhookEvent> {
    if (!isId(eventId)) throw new AppError('event_not_found');
    const event = await this.#db.transaction(async (tx) => {
      const row = await resetForResend(tx, appId, eventId);
      if (row) await notify(tx, WEBHOOKS_CHANNEL);
      return row;
    });
    if (!event) throw new AppError('event_not_found');
    return toEvent(event);
  }
}

function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('bad_request', 'url must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('bad_request', 'url must use http or https');
  }
  if (url.username || url.password) {
    // fetch refuses URLs with credentials; receivers authenticate requests by their signature.
    throw new AppError(
      'bad_request',
      'url must not contain a user name or password; verify the signature instead',
    );
  }
  if (text.length > MAX_URL_LENGTH)
    throw new AppError('bad_request', `url must be at most ${MAX_URL_LENGTH} characters`);
  return text;
}

function toEvent(e: EventRow): WebhookEvent {
  return {
    id: e.id,
    type: e.type,
    subjectId: e.subject_id,
    status: e.status,
    attempts: e.attempts,
    nextAttemptAt: e.status === 'pending' ? e.next_attempt_at : null,
    lastError: e.last_error,
    createdAt: e.created_at,
    deliveredAt: e.delivered_at,
    payload: e.payload,
  };
}

function toAttempt(d: DeliveryRow): DeliveryAttempt {
  return {
    attempt: d.attempt,
    url: d.url,
    startedAt: d.started_at,
    durationMs: d.duration_ms,
    httpStatus: d.http_status,
    error: d.error,
    responseExcerpt: d.response_excerpt,
  };
}
