import type {
  ChannelCapabilities,
  MessagingChannelKind,
  OutboundContent,
} from '../../channels/messaging/messaging-channel.ts';
import { AppError } from '../../shared/errors.ts';

// What a channel can carry, checked when a message is queued so the sender never finds out at
// the provider: SMS carries text only; interactive messages and media need the capability;
// templates go through the template send, never as a free-form message.

/** WhatsApp's text body limit; an SMS is cut into parts by the SMS centre up to our own cap. */
export const MAX_TEXT_LENGTH = 4_096;

export function checkContent(
  kind: MessagingChannelKind,
  capabilities: ChannelCapabilities,
  content: OutboundContent,
): void {
  const refuse = (why: string) => {
    throw new AppError('unsupported_content', why);
  };
  switch (content.type) {
    case 'text':
      if (content.text.length === 0) refuse('the text is empty');
      if (content.text.length > MAX_TEXT_LENGTH)
        refuse(`a text has at most ${MAX_TEXT_LENGTH} characters`);
      return;
    case 'template':
      return refuse('a template is sent with the template send, not as a free-form message');
    case 'interactive':
      if (!capabilities.interactive) refuse(`a ${kind} channel carries no buttons or lists`);
      if (content.interactive.type === 'button' && content.interactive.buttons.length > 3) {
        refuse('at most 3 reply buttons');
      }
      if (
        content.interactive.type === 'list' &&
        content.interactive.sections.reduce((n, s) => n + s.rows.length, 0) > 10
      ) {
        refuse('at most 10 list rows');
      }
      return;
    default:
      if (!capabilities.media) refuse(`a ${kind} channel carries text only`);
  }
}
