import type { ChannelRecord } from './channels.repository.ts';
import type { MessageRecord, MessageStatus } from './messages.repository.ts';
import type { TemplateContent, TemplateRecord } from './templates.repository.ts';

// The spec's vocabulary for our values (spec/chatbot-api.md §5.10, §8): pure functions the
// routes and the callbacks share.

/** 'WhatsApp', 'SMS' or 'Simulated': the spec's `channel`. */
export function channelLabel(kind: ChannelRecord['kind']): 'WhatsApp' | 'SMS' | 'Simulated' {
  return kind === 'whatsapp' ? 'WhatsApp' : kind === 'sms' ? 'SMS' : 'Simulated';
}

/** §5.10: delivered is "delivery"; a message not yet with the provider is "pending". */
export function wireStatus(status: MessageStatus): string {
  switch (status) {
    case 'queued':
    case 'sending':
      return 'pending';
    case 'delivered':
    case 'received':
      return 'delivery';
    default:
      return status;
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The placeholder names of a template's header text and body, in order of first use. */
export function placeholdersOf(content: TemplateContent): string[] {
  const names = new Set<string>();
  for (const text of [content.header?.text ?? '', content.body]) {
    for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1]!);
  }
  return [...names];
}

/** The body with the values filled in (a missing value stays as its placeholder). */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

/** The template as the person saw it: the §5.13 `content.template` object. */
export function renderedTemplate(
  template: TemplateRecord,
  variables: Record<string, string>,
  headerMediaUrl?: string,
): Record<string, unknown> {
  const c = template.content;
  const header = c.header
    ? {
        ...c.header,
        ...(c.header.text !== undefined
          ? { text: fillPlaceholders(c.header.text, variables) }
          : {}),
        ...(headerMediaUrl ? { media: { origin_url: headerMediaUrl } } : {}),
      }
    : undefined;
  return {
    type: 'WhatsApp',
    content: {
      ...(header ? { header } : {}),
      body: fillPlaceholders(c.body, variables),
      ...(c.footer ? { footer: c.footer } : {}),
      ...(c.button ? { button: c.button } : {}),
    },
    info: { id: template.id, name: template.name, language: template.language },
  };
}

/** Unix seconds, as the spec's `timestamp`. */
export const unixSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** The message's send time for §8.5/§8.6, '' before it was sent. */
export function sendTimeOf(message: MessageRecord, format: (at: Date) => string): string {
  return message.sentAt ? format(message.sentAt) : '';
}
