import { AppError } from '../../shared/errors.ts';
import { isId } from '../../shared/ids.ts';
import { formatDateTime } from '../../shared/time.ts';
import { notify, type Db } from '../../store/db.ts';
import { appSettings, appZone, updateAppSettings } from '../auth/app-directory.ts';
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

export interface WebhookSettings {
  url: string | null;
  /** The app's own signing secret, so the integrator can verify what it receives. */
  webhook_secret: string;
}

export interface EventView {
  event_id: string;
  type: string;
  subject_id: string;
  status: EventStatus;
  attempts: number;
  next_attempt_time: string | null;
  last_error: string | null;
  create_time: string;
  delivered_time: string | null;
  payload: Record<string, unknown>;
}

export interface DeliveryView {
  attempt: number;
  url: string;
  start_time: string;
  duration_ms: number;
  http_status: number | null;
  error: string | null;
  response_excerpt: string | null;
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
    return { url: app.webhookUrl, webhook_secret: app.webhookSecret };
  }

  /** Sets or (with null or "") clears the URL. Events recorded while unset fail and can be re-sent. */
  async setWebhookUrl(appId: number, url: string | null): Promise<WebhookSettings> {
    const value = url === null || url.trim() === '' ? null : checkUrl(url.trim());
    const app = await updateAppSettings(this.#db, appId, { webhookUrl: value });
    if (!app) throw new AppError('invalid_token');
    return { url: app.webhookUrl, webhook_secret: app.webhookSecret };
  }

  async listEvents(
    appId: number,
    query: { status?: EventStatus; page?: number; page_size?: number },
  ): Promise<{ total: number; page: number; page_size: number; list: EventView[] }> {
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 20;
    const zone = await this.#zone(appId);
    const { total, events } = await listEvents(this.#db, appId, {
      ...(query.status ? { status: query.status } : {}),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { total, page, page_size: pageSize, list: events.map((e) => eventView(e, zone)) };
  }

  async listDeliveries(
    appId: number,
    eventId: string,
  ): Promise<{ event: EventView; list: DeliveryView[] }> {
    const event = isId(eventId) ? await findEvent(this.#db, appId, eventId) : undefined;
    if (!event) throw new AppError('event_not_found');
    const zone = await this.#zone(appId);
    const deliveries = await listDeliveries(this.#db, appId, eventId);
    return { event: eventView(event, zone), list: deliveries.map((d) => deliveryView(d, zone)) };
  }

  /** Delivers the event again from the first attempt, whatever its status (a replay is allowed). */
  async resend(appId: number, eventId: string): Promise<EventView> {
    if (!isId(eventId)) throw new AppError('event_not_found');
    const event = await this.#db.transaction(async (tx) => {
      const row = await resetForResend(tx, appId, eventId);
      if (row) await notify(tx, WEBHOOKS_CHANNEL);
      return row;
    });
    if (!event) throw new AppError('event_not_found');
    return eventView(event, await this.#zone(appId));
  }

  async #zone(appId: number): Promise<string> {
    return appZone(this.#db, appId);
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

const time = (date: Date | null, zone: string) => (date ? formatDateTime(date, zone) : null);

function eventView(e: EventRow, zone: string): EventView {
  return {
    event_id: e.id,
    type: e.type,
    subject_id: e.subject_id,
    status: e.status,
    attempts: e.attempts,
    // Only a pending event has a next attempt; for the others the column is history.
    next_attempt_time: e.status === 'pending' ? time(e.next_attempt_at, zone) : null,
    last_error: e.last_error,
    create_time: formatDateTime(e.created_at, zone),
    delivered_time: time(e.delivered_at, zone),
    payload: e.payload,
  };
}

function deliveryView(d: DeliveryRow, zone: string): DeliveryView {
  return {
    attempt: d.attempt,
    url: d.url,
    start_time: formatDateTime(d.started_at, zone),
    duration_ms: d.duration_ms,
    http_status: d.http_status,
    error: d.error,
    response_excerpt: d.response_excerpt,
  };
}
