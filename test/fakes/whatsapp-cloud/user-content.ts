// What a person can send on the fake (`userSends`), and the message object Meta's webhook
// carries for it (webhooks reference, "messages").

export type UserContent =
  | string
  | { type: 'text'; text: string }
  /** A template's quick-reply button tapped: its text and the payload the send set. */
  | { type: 'button'; text: string; payload?: string }
  /** A reply button of an interactive message tapped. */
  | { type: 'button_reply'; id: string; title: string }
  /** A row of an interactive list chosen. */
  | { type: 'list_reply'; id: string; title: string; description?: string }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | {
      type: 'image' | 'video' | 'audio' | 'document' | 'sticker';
      mimeType?: string;
      caption?: string;
      filename?: string;
    }
  | { type: 'contacts'; contacts: Array<{ name: string; phone: string }> }
  /** Any other message object (reaction, order, system…), kept as given beside from/id/timestamp. */
  | { type: 'raw'; message: Record<string, unknown> };

const MIME = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg',
  document: 'application/pdf',
  sticker: 'image/webp',
};

let media = 0;

/** The webhook `messages[]` item (without from, id, timestamp, context). */
export function userMessage(content: UserContent): Record<string, unknown> {
  const c = typeof content === 'string' ? { type: 'text' as const, text: content } : content;
  switch (c.type) {
    case 'text':
      return { type: 'text', text: { body: c.text } };
    case 'button':
      return {
        type: 'button',
        button: { text: c.text, ...(c.payload !== undefined ? { payload: c.payload } : {}) },
      };
    case 'button_reply':
      return {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: c.id, title: c.title } },
      };
    case 'list_reply':
      return {
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: {
            id: c.id,
            title: c.title,
            ...(c.description !== undefined ? { description: c.description } : {}),
          },
        },
      };
    case 'location': {
      const { type, ...location } = c;
      return { type, location };
    }
    case 'contacts':
      return {
        type: 'contacts',
        contacts: c.contacts.map((p) => ({
          name: { formatted_name: p.name, first_name: p.name },
          phones: [{ phone: p.phone, wa_id: p.phone.replace(/\D/g, ''), type: 'CELL' }],
        })),
      };
    case 'raw':
      return c.message;
    default: {
      const id = `${Date.now()}${(++media).toString().padStart(6, '0')}`;
      return {
        type: c.type,
        [c.type]: {
          id,
          mime_type: c.mimeType ?? MIME[c.type],
          sha256: 'ZmFrZQ==',
          ...(c.caption !== undefined ? { caption: c.caption } : {}),
          ...(c.filename !== undefined ? { filename: c.filename } : {}),
          ...(c.type === 'audio' ? { voice: false } : {}),
          ...(c.type === 'sticker' ? { animated: false } : {}),
        },
      };
    }
  }
}
