// The wire of the two channel variants where someone else owns the user's connection and Tiller
// runs only the bot: Huawei's contact centre (spec/chatbot-api.md §6) and the generic bot
// channel (§7). Both speak the same shapes: inbound `messages[]` (§6.1, §7.1) and the reply
// callback (§6.3, §7.2), so one mapper serves both. Transfer requests and ends (§6.4/§6.5,
// §7.3/§7.4) are the chatbot's own §9.1/§9.4 callbacks, supersets of those shapes, which the
// channel's transport dresses as the variant's (docs/chatbot-variants.md).

/** Which of the two variants: the route it came through and where its settings live. */
export type BotChannelKind = 'huawei' | 'bot';

/** One inbound message as §6.1 sends it. */
export type WireInbound =
  | { type: 'text'; text: string }
  | {
      type: 'image' | 'video' | 'audio' | 'file';
      media: { origin_url: string; name?: string };
    }
  | {
      type: 'location';
      location: { latitude: number; longitude: number; address?: string; name?: string };
    }
  | { type: 'contacts'; contacts: Array<{ name: string; phone_number: string }> }
  | {
      type: 'interactive';
      interactive:
        | { type: 'list_reply'; list_reply: { id: string; title: string } }
        | { type: 'button_reply'; button_reply: { id: string; title: string } };
    };

/**
 * The spec's content object (§5.7) as the chatbot stores it, plus, for an interactive answer, the
 * option id it echoes: the session's menu holding that id is what the stored answer quotes.
 */
export interface MappedInbound {
  content: Record<string, unknown>;
  optionId?: string;
}

/**
 * §5.8: a channel's `list_reply` / `button_reply` is stored as `{type:"interactive", text}` with
 * the menu quoted; media keep `origin_url` (and `name` for files); the rest is stored as sent.
 */
export function mapInbound(message: WireInbound): MappedInbound {
  switch (message.type) {
    case 'text':
      return { content: { type: 'text', text: message.text } };
    case 'image':
    case 'video':
    case 'audio':
    case 'file': {
      const media: Record<string, string> = { origin_url: message.media.origin_url };
      if (message.type === 'file' && message.media.name !== undefined)
        media.name = message.media.name;
      return { content: { type: message.type, media } };
    }
    case 'location':
      return { content: { type: 'location', location: { ...message.location } } };
    case 'contacts':
      return {
        content: {
          type: 'contacts',
          contacts: message.contacts.map((c) => ({ name: c.name, phone_number: c.phone_number })),
        },
      };
    case 'interactive': {
      const choice =
        message.interactive.type === 'list_reply'
          ? message.interactive.list_reply
          : message.interactive.button_reply;
      return { content: { type: 'interactive', text: choice.title }, optionId: choice.id };
    }
  }
}

/** Who a callback is about, as §6.1 named them. */
export interface CallbackSession {
  callId: string;
  /** The `channel` the integrator uses ('HuaWei', or the bot channel's own name). */
  channel: string;
  channelId: string;
  userId: string;
  userName: string | null;
}

const unix = (at: Date) => Math.floor(at.getTime() / 1000);

function head(s: CallbackSession) {
  const user: Record<string, string> = { id: s.userId };
  if (s.userName) user.name = s.userName;
  return { call_id: s.callId, channel: s.channel, channel_id: s.channelId, user };
}

/** One bot-side message of a reply callback. */
export interface CallbackMessage {
  msgId: string;
  senderType: string;
  at: Date;
  content: unknown;
}

/** §6.3 / §7.2: the bot's reply messages, in order. */
export function replyCallback(s: CallbackSession, messages: readonly CallbackMessage[]) {
  return {
    ...head(s),
    messages: messages.map((m) => ({
      msg_id: m.msgId,
      sender_type: m.senderType,
      timestamp: unix(m.at),
      content: m.content,
    })),
  };
}

/**
 * §7.5: the session summary, the session report (§9.13) plus `summary`. The spec names the field
 * only; ours is a one-line account built from what the report already holds, so it is the same
 * however often it is rebuilt. A bot channel's transport adds it to the chatbot's §9.13 report
 * (bot-channel-transport.ts, decorate).
 */
export function summaryCallback(
  report: Record<string, unknown>,
): Record<string, unknown> & { summary: string } {
  return { ...report, summary: summaryText(report) };
}

export function summaryText(report: Record<string, unknown>): string {
  const messages = Array.isArray(report.messages)
    ? (report.messages as Array<{ sender_type?: string }>)
    : [];
  const count = (who: string[]) => messages.filter((m) => who.includes(m.sender_type ?? '')).length;
  const parts = [
    `${count(['user'])} user message(s)`,
    `${count(['robot', 'chatbot'])} bot message(s)`,
    `${count(['agent', 'agent_system'])} agent message(s)`,
  ];
  const rounds = typeof report.talk_round === 'number' ? `, ${report.talk_round} round(s)` : '';
  const reason =
    typeof report.session_end_reason === 'string' ? `; ended by ${report.session_end_reason}` : '';
  const intention =
    typeof report.intention === 'string' && report.intention !== ''
      ? `; intention ${report.intention}`
      : '';
  return `${parts.join(', ')}${rounds}${reason}${intention}.`;
}
