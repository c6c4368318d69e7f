import type { DeliveryStatus, InboundContent, InboundEvent } from '../messaging-channel.ts';

// The webhook envelope (`object:"whatsapp_business_account"`, entry[].changes[].value) → neutral
// InboundEvents. No dedupe, no ordering: Meta sends duplicates and out-of-order statuses, and the
// messaging module applies them by provider id and monotonically (docs/messaging.md).

/** An error Meta reports for the number or app rather than for one message (`value.errors`). */
export interface WebhookProviderError {
  phoneNumberId: string;
  code: string;
  message: string;
}

export interface ParseOptions {
  /** Where a media id resolves (`{graphUrl}/{apiVersion}`): GET `{base}/{id}` with the token. */
  mediaBase: string;
  onProviderError?: (error: WebhookProviderError) => void;
}

type Json = Record<string, unknown>;

export function parseWebhookPayload(payload: unknown, options: ParseOptions): InboundEvent[] {
  const events: InboundEvent[] = [];
  if (!isObject(payload) || payload.object !== 'whatsapp_business_account') return events;
  for (const entry of array(payload.entry)) {
    for (const change of array(entry.changes)) {
      const value = change.value;
      if (!isObject(value)) continue;
      const metadata = isObject(value.metadata) ? value.metadata : {};
      const to = str(metadata.phone_number_id) ?? '';
      const names = new Map<string, string>();
      for (const contact of array(value.contacts)) {
        const name = isObject(contact.profile) ? str(contact.profile.name) : undefined;
        const waId = str(contact.wa_id);
        if (waId && name) names.set(waId, name);
      }
      for (const m of array(value.messages)) {
        const event = message(m, to, names, options);
        if (event) events.push(event);
      }
      for (const s of array(value.statuses)) {
        const event = status(s);
        if (event) events.push(event);
      }
      for (const p of array(value.user_preferences)) {
        const value = p.value === 'stop' || p.value === 'resume' ? p.value : undefined;
        const waId = str(p.wa_id);
        if (!value || !waId) continue;
        events.push({
          kind: 'opt_out',
          to,
          from: e164(waId),
          at: when(p.timestamp),
          value,
          category: str(p.category) ?? 'marketing_messages',
        });
      }
      for (const e of array(value.errors)) options.onProviderError?.(providerError(e, to));
    }
  }
  return events;
}

function message(
  m: Json,
  to: string,
  names: Map<string, string>,
  options: ParseOptions,
): InboundEvent | undefined {
  const from = str(m.from);
  const id = str(m.id);
  if (!from || !id) return undefined;
  const context = isObject(m.context) ? str(m.context.id) : undefined;
  const profileName = names.get(from);
  return {
    kind: 'message',
    to,
    from: e164(from),
    providerMessageId: id,
    at: when(m.timestamp),
    content: inboundContent(m, options.mediaBase),
    ...(context ? { replyTo: context } : {}),
    ...(profileName ? { profileName } : {}),
  };
}

const MEDIA = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  document: 'file',
  sticker: 'sticker',
} as const;

function inboundContent(m: Json, mediaBase: string): InboundContent {
  const type = str(m.type) ?? '';
  // Contacts sit in an array beside `type`; every other kind in an object under its type.
  if (type === 'contacts') {
    const contacts = array(m.contacts).map((c) => ({
      name: (isObject(c.name) ? str(c.name.formatted_name) : undefined) ?? '',
      phoneNumber: str(array(c.phones)[0]?.phone) ?? '',
    }));
    return contacts.length > 0 ? { type: 'contacts', contacts } : { type: 'unsupported', raw: m };
  }
  const body = m[type];
  if (!isObject(body)) return { type: 'unsupported', raw: m };
  if (type === 'text' && str(body.body) !== undefined)
    return { type: 'text', text: str(body.body)! };
  if (Object.hasOwn(MEDIA, type)) {
    const id = str(body.id);
    // Webhooks carry a media id; the file is fetched with the access token from the URL the
    // Graph answers for it. Newer payloads may carry the URL itself.
    const url = str(body.url) ?? (id ? `${mediaBase}/${id}` : undefined);
    if (!url) return { type: 'unsupported', raw: m };
    const name = str(body.filename);
    const caption = str(body.caption);
    const mimeType = str(body.mime_type);
    return {
      type: MEDIA[type as keyof typeof MEDIA],
      media: {
        url,
        ...(name ? { name } : {}),
        ...(caption !== undefined ? { caption } : {}),
        ...(mimeType ? { mimeType } : {}),
      },
    };
  }
  if (type === 'location') {
    const latitude = Number(body.latitude);
    const longitude = Number(body.longitude);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude))
      return { type: 'unsupported', raw: m };
    const name = str(body.name);
    const address = str(body.address);
    return {
      type: 'location',
      location: { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) },
    };
  }
  if (type === 'interactive') {
    const kind =
      body.type === 'button_reply' ? 'button' : body.type === 'list_reply' ? 'list' : undefined;
    const reply = kind ? body[kind === 'button' ? 'button_reply' : 'list_reply'] : undefined;
    if (!kind || !isObject(reply) || str(reply.id) === undefined)
      return { type: 'unsupported', raw: m };
    return { type: 'choice', choice: { kind, id: str(reply.id)!, title: str(reply.title) ?? '' } };
  }
  if (type === 'button') {
    const payload = str(body.payload);
    return {
      type: 'button',
      button: { text: str(body.text) ?? '', ...(payload !== undefined ? { payload } : {}) },
    };
  }
  return { type: 'unsupported', raw: m };
}

const STATUSES: Record<string, DeliveryStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  // A voice message we sent was played: it was read first, and read is as far as we track.
  played: 'read',
  failed: 'failed',
};

function status(s: Json): InboundEvent | undefined {
  const id = str(s.id);
  const mapped = STATUSES[str(s.status) ?? ''];
  if (!id || !mapped) return undefined;
  const first = array(s.errors)[0];
  const error =
    mapped === 'failed'
      ? {
          code: first?.code !== undefined ? String(first.code) : 'unknown',
          message: first ? errorText(first) : 'failed without an error from WhatsApp',
        }
      : undefined;
  return {
    kind: 'status',
    providerMessageId: id,
    recipient: e164(str(s.recipient_id) ?? ''),
    status: mapped,
    at: when(s.timestamp),
    ...(error ? { error } : {}),
  };
}

function providerError(e: Json, phoneNumberId: string): WebhookProviderError {
  return { phoneNumberId, code: String(e.code ?? 'unknown'), message: errorText(e) };
}

/** Details say what to fix; the title is Meta's short label; either may be absent. */
function errorText(e: Json): string {
  const data = isObject(e.error_data) ? str(e.error_data.details) : undefined;
  return data ?? str(e.message) ?? str(e.title) ?? 'unknown error';
}

/** wa_ids are digits without '+'; the contract's people are E.164. */
function e164(waId: string): string {
  return waId.startsWith('+') ? waId : `+${waId}`;
}

/** Webhook timestamps are Unix seconds as strings. */
function when(value: unknown): Date {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function array(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
