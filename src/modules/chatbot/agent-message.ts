import { AppError } from '../../shared/errors.ts';
import type { ChatContent, WireInteractive } from './chat-content.ts';
import type { SendMessageBody } from './chatbot.schema.ts';

// §9.9's message rules past what the schema says: each type needs its own object (a text its
// text, an image its media.origin_url …), and an interactive menu keeps within WhatsApp's limits
// (§5.7: ≤3 reply buttons of ≤20 characters, ≤10 list rows of ≤24). One bad_request names the
// field, so the integrator sees what to fix.

type WireMessage = SendMessageBody['messages'][number];

const MAX_BUTTONS = 3;
const MAX_BUTTON_TITLE = 20;
const MAX_ROWS = 10;
const MAX_ROW_TITLE = 24;
const MAX_BODY = 1024;

const bad = (detail: string) => new AppError('bad_request', detail);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, field: string, max: number, min = 1): string => {
  if (typeof v !== 'string' || v.length < min || v.length > max)
    throw bad(`${field} must be a string of ${min}–${max} characters`);
  return v;
};

function httpUrl(v: unknown, field: string): string {
  const url = text(v, field, 2048);
  if (!/^https?:\/\/\S+$/i.test(url)) throw bad(`${field} must be an http(s) URL`);
  return url;
}

function interactiveOf(v: unknown): WireInteractive {
  if (!isObject(v)) throw bad('messages[0].interactive is required for type interactive');
  const body = isObject(v.body) ? text(v.body.text, 'interactive.body.text', MAX_BODY) : undefined;
  if (body === undefined) throw bad('interactive.body.text is required');
  const footer =
    isObject(v.footer) && typeof v.footer.text === 'string' ? { text: v.footer.text } : undefined;
  const action = isObject(v.action) ? v.action : undefined;
  if (!action) throw bad('interactive.action is required');
  if (v.type === 'button') {
    const buttons = action.buttons;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > MAX_BUTTONS)
      throw bad(`interactive.action.buttons must have 1–${MAX_BUTTONS} items`);
    return {
      type: 'button',
      body: { text: body },
      ...(footer ? { footer } : {}),
      action: {
        buttons: buttons.map((b: unknown, i) => {
          const reply = isObject(b) && isObject(b.reply) ? b.reply : undefined;
          if (!reply) throw bad(`interactive.action.buttons[${i}].reply is required`);
          return {
            type: 'reply' as const,
            reply: {
              id: text(reply.id, `buttons[${i}].reply.id`, 256),
              title: text(reply.title, `buttons[${i}].reply.title`, MAX_BUTTON_TITLE),
            },
          };
        }),
      },
    };
  }
  if (v.type === 'list') {
    const sections = action.sections;
    if (!Array.isArray(sections) || sections.length < 1)
      throw bad('interactive.action.sections must have at least one section');
    let rows = 0;
    const parsed = sections.map((s: unknown, i) => {
      if (!isObject(s) || !Array.isArray(s.rows)) throw bad(`sections[${i}].rows is required`);
      rows += s.rows.length;
      return {
        title: typeof s.title === 'string' ? s.title : '',
        rows: s.rows.map((r: unknown, j) => {
          if (!isObject(r)) throw bad(`sections[${i}].rows[${j}] must be an object`);
          return {
            id: text(r.id, `sections[${i}].rows[${j}].id`, 200),
            title: text(r.title, `sections[${i}].rows[${j}].title`, MAX_ROW_TITLE),
            ...(typeof r.description === 'string' ? { description: r.description } : {}),
          };
        }),
      };
    });
    if (rows < 1 || rows > MAX_ROWS) throw bad(`a list has 1–${MAX_ROWS} rows in all`);
    return {
      type: 'list',
      body: { text: body },
      ...(footer ? { footer } : {}),
      action: {
        ...(typeof action.button === 'string' ? { button: action.button } : {}),
        sections: parsed,
      },
    };
  }
  throw bad('interactive.type must be button or list');
}

/** The §5.7 content of a §9.9 message, or bad_request. */
export function agentContent(m: WireMessage): ChatContent {
  switch (m.type) {
    case 'text':
      return { type: 'text', text: text(m.text, 'messages[0].text', 2096) };
    case 'image':
    case 'video':
    case 'audio':
    case 'file': {
      if (!isObject(m.media)) throw bad(`messages[0].media is required for type ${m.type}`);
      const name = m.media.name;
      return {
        type: m.type,
        media: {
          origin_url: httpUrl(m.media.origin_url, 'messages[0].media.origin_url'),
          ...(typeof name === 'string' && name !== '' ? { name } : {}),
        },
      };
    }
    case 'location': {
      const l = m.location;
      if (!isObject(l)) throw bad('messages[0].location is required for type location');
      const { latitude, longitude } = l;
      if (typeof latitude !== 'number' || latitude < -90 || latitude > 90)
        throw bad('location.latitude must be a number in -90..90');
      if (typeof longitude !== 'number' || longitude < -180 || longitude > 180)
        throw bad('location.longitude must be a number in -180..180');
      return {
        type: 'location',
        location: {
          latitude,
          longitude,
          ...(typeof l.name === 'string' ? { name: l.name } : {}),
          ...(typeof l.address === 'string' ? { address: l.address } : {}),
        },
      };
    }
    case 'interactive':
      return { type: 'interactive', interactive: interactiveOf(m.interactive) };
    default:
      throw bad(`messages[0].type "${String(m.type)}"`);
  }
}
