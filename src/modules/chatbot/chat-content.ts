import type {
  InboundContent,
  Interactive,
  OutboundContent,
} from '../../channels/messaging/messaging-channel.ts';

// The spec's content object (spec/chatbot-api.md §5.7) as stored in chat_messages.content and
// sent on the wire, and its mapping to and from the messaging channel's neutral content. The
// wire shape is the stored shape: the API and callbacks never rebuild it.

export interface WireMedia {
  origin_url: string;
  name?: string;
}

export interface WireLocation {
  latitude: number;
  longitude: number;
  address?: string;
  name?: string;
}

export interface WireReplyButton {
  type: 'reply';
  reply: { id: string; title: string };
}

export interface WireListRow {
  id: string;
  title: string;
  description?: string;
}

/** The outbound interactive object of §5.7 (reply buttons or a list). */
export type WireInteractive =
  | {
      type: 'button';
      body: { text: string };
      footer?: { text: string };
      action: { buttons: WireReplyButton[] };
    }
  | {
      type: 'list';
      body: { text: string };
      footer?: { text: string };
      action: { button?: string; sections: Array<{ title: string; rows: WireListRow[] }> };
    };

export interface WireTemplate {
  type: 'WhatsApp';
  content: {
    header?: { type: string; media?: WireMedia; text?: string };
    body: string;
    footer?: string;
    button?: Array<{ type: string; text: string }>;
  };
  info: { id: number; name: string; language: string };
}

export type SystemEventType =
  'conversation.start' | 'conversation.take_over' | 'conversation.close';

/** §5.7: one message's content. */
export type ChatContent =
  | { type: 'text'; text: string }
  | { type: 'image' | 'video' | 'audio' | 'file' | 'sticker'; media: WireMedia }
  | { type: 'location'; location: WireLocation }
  | { type: 'contacts'; contacts: Array<{ name: string; phone_number: string }> }
  /** Outbound menu (`interactive`), or a user's stored choice (`text`, the menu in `reply`). */
  | { type: 'interactive'; interactive?: WireInteractive; text?: string }
  | { type: 'button'; text: string }
  | { type: 'template'; template: WireTemplate }
  | {
      type: 'system';
      system: { type: SystemEventType; from_seat_id: string; to_seat_id: string };
    }
  | { type: 'unsupported' };

/** What a person's message becomes in the transcript (§5.8 shapes 2 and 3). */
export function contentFromInbound(content: InboundContent): ChatContent {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: content.text };
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
    case 'sticker':
      return {
        type: content.type,
        media: {
          origin_url: content.media.url,
          ...(content.media.name !== undefined ? { name: content.media.name } : {}),
        },
      };
    case 'location':
      return { type: 'location', location: { ...content.location } };
    case 'contacts':
      return {
        type: 'contacts',
        contacts: content.contacts.map((c) => ({ name: c.name, phone_number: c.phoneNumber })),
      };
    case 'choice':
      return { type: 'interactive', text: content.choice.title };
    case 'button':
      return { type: 'button', text: content.button.text };
    case 'unsupported':
      return { type: 'unsupported' };
  }
}

/** The text the engine reads from a user's message (undefined: nothing it can read). */
export function textOf(content: ChatContent): string | undefined {
  switch (content.type) {
    case 'text':
    case 'button':
      return content.text;
    case 'interactive':
      return content.text;
    default:
      return undefined;
  }
}

function interactiveToChannel(w: WireInteractive): Interactive {
  const footer = w.footer?.text ? { footer: w.footer.text } : {};
  if (w.type === 'button') {
    return {
      type: 'button',
      body: w.body.text,
      ...footer,
      buttons: w.action.buttons.map((b) => ({ id: b.reply.id, title: b.reply.title })),
    };
  }
  return {
    type: 'list',
    body: w.body.text,
    ...footer,
    button: w.action.button ?? 'Choose',
    sections: w.action.sections.map((s) => ({
      title: s.title,
      rows: s.rows.map((r) => ({
        id: r.id,
        title: r.title,
        ...(r.description ? { description: r.description } : {}),
      })),
    })),
  };
}

/** What the channel sends for a bot or agent message; undefined for what is never sent. */
export function contentToOutbound(content: ChatContent): OutboundContent | undefined {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: content.text };
    case 'image':
    case 'video':
    case 'audio':
    case 'file':
      return {
        type: content.type,
        media: {
          url: content.media.origin_url,
          ...(content.media.name !== undefined ? { name: content.media.name } : {}),
        },
      };
    case 'location':
      return { type: 'location', location: { ...content.location } };
    case 'contacts':
      return {
        type: 'contacts',
        contacts: content.contacts.map((c) => ({ name: c.name, phoneNumber: c.phone_number })),
      };
    case 'interactive':
      return content.interactive
        ? { type: 'interactive', interactive: interactiveToChannel(content.interactive) }
        : undefined;
    default:
      return undefined;
  }
}
