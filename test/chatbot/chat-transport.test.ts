import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboundContent } from '../../src/channels/messaging/messaging-channel.ts';
import {
  messagingTransport,
  type ChatMessaging,
} from '../../src/modules/chatbot/chat-transport.ts';
import { AppError } from '../../src/shared/errors.ts';
import type { Queryable } from '../../src/store/db.ts';

// The messaging channels' transport: what the chatbot hands the messaging module for a send
// (its content in the channel's terms, the session as the conversation id), and which window
// applies. The messaging module's own tests cover what it does with them.

interface FreeForm {
  channelId: string;
  userId: string;
  messageId: string;
  content: OutboundContent;
  conversationId?: string;
  replyToMessageId?: string;
}

function recordingMessaging(windowOpen: boolean) {
  const sends: FreeForm[] = [];
  const reads: string[][] = [];
  const messaging: ChatMessaging = {
    async sendFreeForm(_tx, _appId, send) {
      sends.push(send);
    },
    async windowOf() {
      return { open: windowOpen, expiresAt: null };
    },
    async markRead(_tx, _appId, _channelId, ids) {
      reads.push(ids);
    },
    async channelInfo(_q, _appId, channelId) {
      return { channelId, channel: 'WhatsApp', defaultRobotId: '4502', callbackUrl: 'http://x/cb' };
    },
  };
  return { messaging, sends, reads };
}

const tx = {} as Queryable;
const session = (channel: string) => ({
  appId: 1,
  id: 'c'.repeat(32),
  channel,
  channelId: '6583753709',
  userId: '62895402190807',
  userName: null,
  robotId: null,
  seatId: '',
});

describe('the messaging transport', () => {
  it('sends in the channel terms with the session as conversation id', async () => {
    const { messaging, sends } = recordingMessaging(true);
    const t = messagingTransport(messaging);
    await t.send(tx, session('WhatsApp'), {
      id: 'm1',
      senderType: 'agent',
      content: { type: 'file', media: { origin_url: 'https://e.com/a.pdf', name: 'a.pdf' } },
      replyTo: 'm0',
    });
    assert.deepEqual(sends, [
      {
        channelId: '6583753709',
        userId: '62895402190807',
        messageId: 'm1',
        content: { type: 'file', media: { url: 'https://e.com/a.pdf', name: 'a.pdf' } },
        conversationId: 'c'.repeat(32),
        replyToMessageId: 'm0',
      },
    ]);
  });

  it('refuses what a channel never carries (a system message) with unsupported_content', async () => {
    const { messaging, sends } = recordingMessaging(true);
    await assert.rejects(
      messagingTransport(messaging).send(tx, session('WhatsApp'), {
        id: 'm2',
        senderType: 'system',
        content: {
          type: 'system',
          system: { type: 'conversation.start', from_seat_id: '', to_seat_id: '' },
        },
        replyTo: null,
      }),
      (e: unknown) => e instanceof AppError && e.key === 'unsupported_content',
    );
    assert.equal(sends.length, 0);
  });

  it("asks the messaging module for WhatsApp's window; SMS has none", async () => {
    const closed = messagingTransport(recordingMessaging(false).messaging);
    assert.equal(await closed.windowOpen(tx, session('WhatsApp')), false);
    assert.equal(await closed.windowOpen(tx, session('SMS')), true);
  });

  it("reads the channel's callback URL and default robot; read receipts only when there are some", async () => {
    const { messaging, reads } = recordingMessaging(true);
    const t = messagingTransport(messaging);
    assert.equal(await t.callbackUrl(tx, session('WhatsApp')), 'http://x/cb');
    assert.equal(await t.defaultRobotId(tx, session('WhatsApp')), '4502');
    await t.markRead(tx, session('WhatsApp'), []);
    await t.markRead(tx, session('WhatsApp'), ['u1']);
    assert.deepEqual(reads, [['u1']]);
  });
});
