import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CHAT_SESSION_REPORTED,
  type ChatSessionReported,
} from '../../src/modules/chatbot/chat-events.ts';
import { domainEvents, type DomainEvent } from '../../src/queue/domain-events.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.ts';
import { COLLECTION_VARS, TestChannel } from './chat-harness.ts';

// `chat.session_reported` (docs/domain-events.md): once per ended session, in the transaction
// that records its §9.13 report, carrying that very report, for subscribers such as a
// workflow's chatbot node that must not read the chat tables.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the wire as it comes
type Json = any;

describe(`chat.session_reported (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let appId: number;
  const channel = new TestChannel();
  const published: DomainEvent<ChatSessionReported>[] = [];

  before(async () => {
    receiver = await startReceiver();
    server = await startTestServer();
    channel.defaultRobot = '4496';
    server.runtime.services.chatbot.addTransport('WhatsApp', channel);
    const created = await server.runtime.services.auth.createApp({
      name: 'chat-reported',
      webhookUrl: receiver.url,
    });
    appId = created.app.id;
    domainEvents.inTransaction(CHAT_SESSION_REPORTED, {
      name: 'test.session-reported',
      handle: async (_tx, events) => void published.push(...events),
    });
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('is published once when a session ends, with the §9.13 report the integrator gets', async () => {
    const user = '6281234567100';
    const chatbot = server.runtime.services.chatbot;
    await chatbot.receive({
      appId,
      channel: 'WhatsApp',
      channelId: '6583753709',
      userId: user,
      content: { type: 'text', text: 'hi' },
      variables: COLLECTION_VARS,
    });
    const [session] = await chatbot.listSessions(appId, { userId: user });
    assert.ok(session);
    assert.equal(
      published.filter((e) => e.data.sessionId === session.callId).length,
      0,
      'nothing before the end',
    );
    await chatbot.close(appId, { callId: session.callId, reason: 'api' });
    // Closing again is refused and publishes nothing more.
    await assert.rejects(chatbot.close(appId, { callId: session.callId, reason: 'api' }));
    const mine = published.filter((e) => e.data.sessionId === session.callId);
    assert.equal(mine.length, 1);
    const event = mine[0]!;
    assert.equal(event.id, session.callId);
    assert.equal(event.data.appId, appId);
    assert.equal(event.data.userId, user);
    assert.equal(event.data.wabaTaskId, null);
    assert.equal(event.data.templateMsgId, null);
    assert.equal(event.data.report.call_id, session.callId);
    assert.equal(event.data.report.session_end_reason, 'api');
    const wire = await waitFor('the §9.13 callback', () =>
      receiver.requests
        .map((r) => JSON.parse(r.body) as Json)
        .find((b) => b.messages && b.call_id === session.callId),
    );
    assert.deepEqual(event.data.report, wire);
  });
});
