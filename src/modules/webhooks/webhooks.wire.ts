import { formatDateTime } from '../../shared/time.ts';
import type {
  DeliveryAttempt,
  EventPage,
  WebhookEvent,
  WebhookSettings,
} from './webhooks.service.ts';

// The /v1 family's wire shapes of the webhook answers: snake_case, times in the app's zone as
// `YYYY-MM-DD HH:MM:SS`, like every /v1 time.

const time = (date: Date | null, zone: string) => (date ? formatDateTime(date, zone) : null);

export function webhookSettingsWire(s: WebhookSettings) {
  return { url: s.url, webhook_secret: s.signingSecret };
}

export function eventWire(e: WebhookEvent, zone: string) {
  return {
    event_id: e.id,
    type: e.type,
    subject_id: e.subjectId,
    status: e.status,
    attempts: e.attempts,
    next_attempt_time: time(e.nextAttemptAt, zone),
    last_error: e.lastError,
    create_time: formatDateTime(e.createdAt, zone),
    delivered_time: time(e.deliveredAt, zone),
    payload: e.payload,
  };
}

export function eventPageWire(p: EventPage, zone: string) {
  return {
    total: p.total,
    page: p.page,
    page_size: p.pageSize,
    list: p.events.map((e) => eventWire(e, zone)),
  };
}

export function deliveryWire(d: DeliveryAttempt, zone: string) {
  return {
    attempt: d.attempt,
    url: d.url,
    start_time: formatDateTime(d.startedAt, zone),
    duration_ms: d.durationMs,
    http_status: d.httpStatus,
    error: d.error,
    response_excerpt: d.responseExcerpt,
  };
}

export function deliveryLogWire(
  log: { event: WebhookEvent; deliveries: DeliveryAttempt[] },
  zone: string,
) {
  return {
    event: eventWire(log.event, zone),
    list: log.deliveries.map((d) => deliveryWire(d, zone)),
  };
}
