import type { TransactionSubscriber } from '../../queue/domain-events.ts';
import { recordEvents, type NewEvent } from '../webhooks/outbox.ts';
import type { ChatSessionChanged } from './chat-events.ts';

// The agent inbox's webhooks (docs/agent-inbox.md), to the app's webhook URL in the standard
// style, written in the transaction of the session change that causes them:
//  - `inbox.conversation_status_changed` on every change of a conversation's status (what
//    Chatwoot users ask for on pending → open, chatwoot#9277), including the start of a handoff;
//  - `inbox.handoff` when the bot hands a conversation to the agents (the notification agents
//    get; the conversation is in its queue's `waiting` list from then on).

declare module '../webhooks/outbox.ts' {
  interface WebhookEventTypes {
    /** A conversation's inbox status changed (docs/agent-inbox.md). */
    'inbox.conversation_status_changed': 'an inbox conversation changed status';
    /** The bot handed a conversation to the agents of its queue. */
    'inbox.handoff': 'the bot handed a conversation to the agents';
  }
}

/** The wire session status after a change (spec §5.3), as the inbox reports it. */
function sessionStatusOf(e: ChatSessionChanged): string {
  if (e.to === 'resolved') return 'closed';
  if (e.to === 'open' || e.to === 'snoozed') return 'agent';
  return e.reason === 'transfer_requested' ? 'transferring' : 'open';
}

export function inboxPayload(e: ChatSessionChanged) {
  return {
    call_id: e.sessionId,
    channel: e.channel,
    channel_id: e.channelId,
    user: { id: e.userId },
    from: e.from,
    to: e.to,
    session_status: sessionStatusOf(e),
    seat_id: e.seatId,
    queue: e.queue,
    reason: e.reason,
    at: e.at,
  };
}

export const inboxWebhooks: TransactionSubscriber<ChatSessionChanged> = {
  name: 'inbox.webhooks',
  async handle(tx, events) {
    const rows: NewEvent[] = [];
    for (const { data } of events) {
      const payload = inboxPayload(data);
      const base = { appId: data.appId, subjectId: data.sessionId, group: data.sessionId };
      rows.push({ ...base, type: 'inbox.conversation_status_changed', payload });
      if (data.reason === 'transfer_requested')
        rows.push({ ...base, type: 'inbox.handoff', payload });
    }
    await recordEvents(tx, rows);
  },
};
