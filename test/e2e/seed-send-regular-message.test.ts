import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeGraph, type FakeGraph } from '../fakes/whatsapp-cloud/fake-graph-server.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { rawExchange, SEED_KEY, seedRequest } from '../helpers/seed-request.ts';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.ts';

// Issue 11's first "done when": the seed's "send regular message" request
// (seeds/000_c06f58c1ee10f68f.txt), sent byte for byte with its headers (its key, its EMPTY
// X-AIRudder-Sign, its body), answered as the seed shows, in a real conversation in its agent
// phase: the seed's user wrote on the seed's WhatsApp number (over the Cloud API adapter and the
// local Graph server), the integrator's transfer result gave the session to an agent, and the
// agent's message really leaves for WhatsApp.

const SEED_CALL_ID = 'aa2870b1e9da2fe808d690c42feca78e';
const CHANNEL_ID = '6583753709';
const PHONE_NUMBER_ID = '106540352242922';
const USER = '+62895402190807';

describe(`the seed's send regular message, byte for byte (${storeKind})`, () => {
  let graph: FakeGraph;
  let server: TestServer;
  let receiver: Receiver;
  let appId: number;

  before(async () => {
    graph = await startFakeGraph({ phoneNumberIds: [PHONE_NUMBER_ID] });
    receiver = await startReceiver();
    server = await startTestServer({ config: { timeScale: 1 } });
    const { auth, messaging, chatbot } = server.runtime.services;
    const created = await auth.createApp({ name: 'seed', webhookUrl: receiver.url });
    appId = created.app.id;
    // The integration keeps the key it already has, lenient: its client sends the sign empty.
    await auth.signingKeys.create(appId, { keyId: SEED_KEY, lenient: true });
    await messaging.createChannel(appId, {
      channelId: CHANNEL_ID,
      kind: 'whatsapp',
      name: 'Seed WABA',
      phoneNumber: `+${CHANNEL_ID}`,
      config: {
        phoneNumberId: PHONE_NUMBER_ID,
        accessToken: graph.accessToken,
        appSecret: graph.appSecret,
        verifyToken: 'seed-verify',
        graphUrl: graph.url,
      },
    });
    await graph.subscribe(`${server.url}/webhooks/whatsapp/${CHANNEL_ID}`, 'seed-verify', [
      PHONE_NUMBER_ID,
    ]);
    // The session carries the seed's call_id: an integration whose session ids are its own hands
    // it over (the entry the Huawei/bot channels use); the channel has no robot, so it waits
    // for an agent at once (§9.1).
    await chatbot.receive({
      appId,
      channel: 'WhatsApp',
      channelId: CHANNEL_ID,
      userId: USER.slice(1),
      content: { type: 'text', text: 'I want to talk to someone about my bill' },
      sessionId: SEED_CALL_ID,
    });
    // The user writes on WhatsApp: the 24-hour window opens and the message joins the session.
    await graph.userSends(PHONE_NUMBER_ID, USER, 'hello, anyone there?');
    await waitFor('the WhatsApp message in the session', async () => {
      const messages = await chatbot.listMessages(appId, { callId: SEED_CALL_ID, size: 20 });
      return messages.find((m) => JSON.stringify(m).includes('anyone there')) ? true : undefined;
    });
    await chatbot.transferResult(appId, {
      callId: SEED_CALL_ID,
      result: 'success',
      seatId: 'seat-1',
    });
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
    await graph?.close();
  });

  it('answers the seed request as the seed shows, and the agent message reaches WhatsApp', async () => {
    const port = Number(new URL(server.url).port);
    const answer = await rawExchange(port, seedRequest(`127.0.0.1:${port}`));
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    // The seed's answer: {"request_id": <32 hex>, "code": 200, "message": "Success", "data": {"msg_id": <32 hex>}}
    assert.deepEqual(Object.keys(body), ['request_id', 'code', 'message', 'data']);
    assert.match(String(body.request_id), /^[0-9a-f]{32}$/);
    assert.equal(body.code, 200);
    assert.equal(body.message, 'Success');
    const data = body.data as { msg_id: string };
    assert.deepEqual(Object.keys(data), ['msg_id']);
    assert.match(data.msg_id, /^[0-9a-f]{32}$/);

    const sent = await waitFor('the agent message at WhatsApp', () =>
      graph.received(USER).find((m) => m.type === 'text'),
    );
    assert.deepEqual(sent.body.text, { body: "this's agent", preview_url: false });
    const transcript = await server.runtime.services.chatbot.listMessages(appId, {
      callId: SEED_CALL_ID,
      size: 20,
    });
    const agent = transcript.find((m) => JSON.stringify(m).includes("this's agent")) as
      Record<string, unknown> | undefined;
    assert.ok(agent, 'the agent message is in the session');
    assert.equal(agent.sender_type ?? agent.senderType, 'agent');
  });
});
