import type { InboundContent } from '../../channels/messaging/messaging-channel.ts';
import type { Queryable } from '../../store/db.ts';
import { recordEvents } from '../webhooks/outbox.ts';
import type { ChannelRecord } from './channels.repository.ts';
import { batchesByIds, type MessageRecord } from './messages.repository.ts';
import { channelLabel, renderedTemplate, unixSeconds, wireStatus } from './message-wire.ts';
import type { TemplateRecord } from './templates.repository.ts';

// §8.8: a person answered a single template send (a button tap or free text). Written to the
// webhook outbox in the transaction that stored the answer; the target is the send's
// callback_url, else the channel's, else the app's webhook URL.

/** A person's message content in the spec's shapes (§5.7, §5.8). */
export function wireContent(content: InboundContent): Record<string, unknown> {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: content.text };
    case 'button':
      return { type: 'button', text: content.button.text };
    case 'choice':
      return {
        type: 'interactive',
        interactive: {
          type: content.choice.kind === 'button' ? 'button_reply' : 'list_reply',
          [content.choice.kind === 'button' ? 'button_reply' : 'list_reply']: {
            id: content.choice.id,
            title: content.choice.title,
          },
        },
      };
    case 'unsupported':
      return { type: 'unsupported' };
    default:
      return content as unknown as Record<string, unknown>;
  }
}

export async function recordTemplateReply(
  tx: Queryable,
  r: {
    channel: ChannelRecord;
    answered: MessageRecord;
    template: TemplateRecord;
    reply: { id: string; at: Date; content: InboundContent };
  },
): Promise<void> {
  const { channel, answered, template, reply } = r;
  const batch = answered.batchId
    ? (await batchesByIds(tx, [answered.batchId])).get(answered.batchId)
    : undefined;
  const url = batch?.callbackUrl ?? channel.callbackUrl ?? undefined;
  const headerMedia = (answered.content.template as { headerMedia?: { url?: string } } | undefined)
    ?.headerMedia?.url;
  await recordEvents(tx, [
    {
      appId: channel.appId,
      type: 'waba.template_reply',
      subjectId: reply.id,
      group: `message:${answered.id}`,
      delivery: { ...(url ? { url } : {}), style: 'airudder' },
      payload: {
        template_msg_id: answered.id,
        channel: channelLabel(channel.kind),
        channel_id: channel.channelId,
        user: { id: answered.userId },
        // The chatbot session's id, when a chatbot answers: the chatbot module reports it.
        call_id: '',
        message: {
          msg_id: reply.id,
          sender_type: 'user',
          timestamp: unixSeconds(reply.at),
          status: 'delivery',
          content: wireContent(reply.content),
          reply: {
            msg_id: answered.id,
            sender_type: 'chatbot',
            timestamp: unixSeconds(answered.sentAt ?? answered.createdAt),
            status: wireStatus(answered.status),
            content: {
              type: 'template',
              template: renderedTemplate(template, answered.variables ?? {}, headerMedia),
            },
          },
        },
      },
    },
  ]);
}
