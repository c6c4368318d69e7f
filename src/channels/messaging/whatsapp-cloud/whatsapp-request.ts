import {
  ChannelSendError,
  type Interactive,
  type OutboundContent,
  type OutboundMessage,
} from '../messaging-channel.ts';

// OutboundMessage → the Cloud API's `POST /{phone-number-id}/messages` body (docs/whatsapp.md).
// Limits Meta enforces are checked here first, so a message that cannot go out fails at once as
// unsupported_content instead of costing a request and a Graph error code.

/** Meta's documented limits (interactive messages guide, message object reference). */
export const LIMITS = {
  textBody: 4096,
  caption: 1024,
  interactiveBody: 1024,
  footer: 60,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  listSections: 10,
  listRows: 10,
  sectionTitle: 24,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
} as const;

export type GraphMessageBody = Record<string, unknown> & {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
  type: string;
};

/** The JSON body of a send. Throws ChannelSendError('unsupported_content') on a limit. */
export function toGraphMessage(message: OutboundMessage): GraphMessageBody {
  const body: GraphMessageBody = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    // The WhatsApp id is the number's digits; Meta takes "+" too, but one form keeps the
    // recipient the same in the request, the answer's contacts[].wa_id and status webhooks.
    to: message.to.replace(/^\+/, ''),
    ...content(message.content),
  };
  if (message.replyTo) body.context = { message_id: message.replyTo };
  return body;
}

function content(c: OutboundContent): { type: string } & Record<string, unknown> {
  switch (c.type) {
    case 'text':
      limit('text', c.text, LIMITS.textBody, 1);
      // The contract has no preview flag: a link preview is what a person expects to see when
      // the text carries a link, and costs nothing otherwise.
      return { type: 'text', text: { preview_url: /https?:\/\//i.test(c.text), body: c.text } };
    case 'image':
    case 'video':
    case 'audio':
    case 'file': {
      const type = c.type === 'file' ? 'document' : c.type;
      if (!/^https?:\/\//i.test(c.media.url)) refuse(`${c.type} needs an http(s) link`);
      const media: Record<string, string> = { link: c.media.url };
      if (c.media.caption !== undefined) {
        // Audio has no caption on WhatsApp: dropping it silently would lose words the sender wrote.
        if (type === 'audio') refuse('audio messages carry no caption');
        limit('caption', c.media.caption, LIMITS.caption);
        media.caption = c.media.caption;
      }
      if (c.media.name !== undefined && type === 'document') media.filename = c.media.name;
      return { type, [type]: media };
    }
    case 'location': {
      const { latitude, longitude, name, address } = c.location;
      if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180))
        refuse('location outside latitude ±90, longitude ±180');
      return {
        type: 'location',
        location: {
          latitude,
          longitude,
          ...(name !== undefined ? { name } : {}),
          ...(address !== undefined ? { address } : {}),
        },
      };
    }
    case 'contacts':
      if (c.contacts.length === 0) refuse('contacts message without contacts');
      return {
        type: 'contacts',
        contacts: c.contacts.map((person) => ({
          // Meta requires formatted_name and one more name part.
          name: { formatted_name: person.name, first_name: person.name },
          phones: [{ phone: person.phoneNumber, type: 'CELL' }],
        })),
      };
    case 'interactive':
      return { type: 'interactive', interactive: interactive(c.interactive) };
    case 'template':
      return { type: 'template', template: template(c.template) };
  }
}

function interactive(i: Interactive): Record<string, unknown> {
  limit('interactive body', i.body, LIMITS.interactiveBody, 1);
  const common: Record<string, unknown> = { body: { text: i.body } };
  if (i.footer !== undefined) {
    limit('footer', i.footer, LIMITS.footer, 1);
    common.footer = { text: i.footer };
  }
  if (i.type === 'button') {
    const n = i.buttons.length;
    if (n < 1 || n > LIMITS.buttons) refuse(`${n} reply buttons (1 to ${LIMITS.buttons})`);
    unique(
      i.buttons.map((b) => b.id),
      'button ids',
    );
    for (const b of i.buttons) {
      limit('button title', b.title, LIMITS.buttonTitle, 1);
      limit('button id', b.id, LIMITS.buttonId, 1);
    }
    return {
      type: 'button',
      ...common,
      action: {
        buttons: i.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })),
      },
    };
  }
  limit('list button', i.button, LIMITS.listButton, 1);
  const sections = i.sections.length;
  if (sections < 1 || sections > LIMITS.listSections)
    refuse(`${sections} list sections (1 to ${LIMITS.listSections})`);
  const rows = i.sections.flatMap((s) => s.rows);
  if (rows.length < 1 || rows.length > LIMITS.listRows)
    refuse(`${rows.length} list rows in total (1 to ${LIMITS.listRows})`);
  unique(
    rows.map((r) => r.id),
    'row ids',
  );
  for (const s of i.sections) {
    // Meta requires a section title only when there are several sections.
    if (sections > 1 || s.title) limit('section title', s.title, LIMITS.sectionTitle, 1);
    for (const r of s.rows) {
      limit('row title', r.title, LIMITS.rowTitle, 1);
      limit('row id', r.id, LIMITS.rowId, 1);
      if (r.description !== undefined)
        limit('row description', r.description, LIMITS.rowDescription);
    }
  }
  return {
    type: 'list',
    ...common,
    action: {
      button: i.button,
      sections: i.sections.map((s) => ({
        ...(s.title ? { title: s.title } : {}),
        rows: s.rows.map((r) => ({
          id: r.id,
          title: r.title,
          ...(r.description !== undefined ? { description: r.description } : {}),
        })),
      })),
    },
  };
}

type TemplateContent = Extract<OutboundContent, { type: 'template' }>['template'];

function template(t: TemplateContent): Record<string, unknown> {
  if (!t.name || !t.language) refuse('a template needs its name and language');
  const components: Array<Record<string, unknown>> = [];
  if (t.headerMedia) {
    const type = t.headerMedia.type === 'file' ? 'document' : t.headerMedia.type;
    const media: Record<string, string> = { link: t.headerMedia.url };
    if (type === 'document' && t.headerMedia.name !== undefined)
      media.filename = t.headerMedia.name;
    components.push({ type: 'header', parameters: [{ type, [type]: media }] });
  }
  const parameters = bodyParameters(t.body);
  if (parameters.length > 0) components.push({ type: 'body', parameters });
  (t.buttonPayloads ?? []).forEach((payload, index) => {
    components.push({
      type: 'button',
      sub_type: 'quick_reply',
      index: String(index),
      parameters: [{ type: 'payload', payload }],
    });
  });
  return {
    name: t.name,
    language: { code: t.language },
    ...(components.length > 0 ? { components } : {}),
  };
}

/**
 * Positional templates ({{1}}, {{2}}…) take their values in order, named ones ({{first_name}})
 * by `parameter_name`. A template is one or the other, so a mix, or positions with a gap, can
 * never match the approved template: refused here rather than as Graph error 132000.
 */
function bodyParameters(params: Record<string, string>): Array<Record<string, string>> {
  const keys = Object.keys(params);
  if (keys.length === 0) return [];
  // Meta refuses empty values (131008) and values with new lines, tabs or more than four spaces
  // in a row (132018): a multi-line address in a variable is the usual cause.
  for (const [k, v] of Object.entries(params)) {
    if (v.trim() === '') refuse(`template parameter {{${k}}} is empty`);
    if (/[\n\t]| {5}/.test(v))
      refuse(`template parameter {{${k}}} has a new line, a tab or more than 4 spaces in a row`);
  }
  const positional = keys.filter((k) => /^[1-9]\d*$/.test(k));
  if (positional.length === keys.length) {
    const ordered = positional.map(Number).sort((a, b) => a - b);
    if (ordered.some((n, i) => n !== i + 1))
      refuse(`positional template parameters must run 1..${keys.length} without gaps`);
    return ordered.map((n) => ({ type: 'text', text: params[String(n)] ?? '' }));
  }
  if (positional.length > 0) refuse('template parameters mix positions and names');
  for (const k of keys)
    if (!/^[a-z_][a-z0-9_]*$/.test(k)) refuse(`template parameter name "${k}" is not valid`);
  return keys.map((k) => ({ type: 'text', parameter_name: k, text: params[k] ?? '' }));
}

/** The mark-as-read body (blue ticks on the person's message). */
export function toReadReceipt(providerMessageId: string): Record<string, string> {
  return { messaging_product: 'whatsapp', status: 'read', message_id: providerMessageId };
}

function limit(what: string, value: string, max: number, min = 0): void {
  // Meta counts characters, not bytes or UTF-16 units: an emoji is one.
  const length = [...value].length;
  if (length < min) refuse(`${what} is empty`);
  if (length > max) refuse(`${what} is ${length} characters (at most ${max})`);
}

function unique(ids: string[], what: string): void {
  if (new Set(ids).size !== ids.length) refuse(`${what} must be unique`);
}

function refuse(reason: string): never {
  throw new ChannelSendError('unsupported_content', `WhatsApp cannot carry this: ${reason}`, {
    retryable: false,
  });
}
