import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  messagingAdapters,
  type AdapterSpec,
} from '../../src/channels/messaging/channel-factory.ts';
import type { MessagingChannel } from '../../src/channels/messaging/messaging-channel.ts';
import type { ChannelFactory } from '../../src/modules/messaging/channel-registry.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.ts';

// The whole life of a WhatsApp conversation through the real server, its workers, a real
// messaging adapter and the webhook deliverer, as an integrator sees it (issue 11's "done when"):
// a template with a quick reply, the tap, chatbot turns, the user asking for a person, the
// transfer request (§9.1), the transfer result (§9.5), agent messages (§9.9) and their statuses
// (§9.2), the user's replies to the agent (§9.3), the end (§9.10, §9.4) and the session-end report
// (§9.13). Every callback is checked against the spec's field list. The channel under test is a
// `ChatWorld`: the Cloud API adapter against the local Graph server, or the simulated channel.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the wire as it comes
export type Json = any;

/** What the person does, in the world's terms. */
export type PersonAction =
  | { type: 'text'; text: string }
  /** A template quick-reply button: its text (and the payload our send set, when the world has it). */
  | { type: 'quick_reply'; text: string }
  /** A reply button or list row of our interactive message, by its id and title. */
  | { type: 'choice'; id: string; title: string };

export interface ChatWorld {
  name: string;
  /** The person (E.164) the flow talks to. */
  person: string;
  /** The `channel` callbacks name: 'WhatsApp', or 'Simulated' for the simulator. */
  wireChannel: string;
  /** Our number, when the channel sends from it (else +<channel_id>). */
  sender?: string;
  /** The channel row's kind and provider settings. */
  channel: { kind: 'whatsapp' | 'simulated'; config: Record<string, unknown> };
  /** Called once the server runs (a webhook subscription to it, for the Cloud API). */
  attach(server: TestServer, channelId: string): Promise<void>;
  /** The person writes, taps or chooses. */
  act(person: string, action: PersonAction): Promise<void>;
  /** What the provider accepted for the person, oldest first, as Graph-like message bodies. */
  received(person: string): Array<{ type: string; body: Json }>;
  close(): Promise<void>;
}

const HEX32 = /^[0-9a-f]{32}$/;
const CHANNEL_ID = '6583753709';
const SEAT = 'seat-ayu';
/** The built-in English collection chatbot (src/modules/robots/builtin/4502-*.json). */
const ROBOT_ID = '4502';

export function chatFlow(world: ChatWorld) {
  const PERSON = world.person;
  const USER_ID = PERSON.slice(1);
  let server: TestServer;
  let receiver: Receiver;
  let secret = '';
  let keyId = '';
  let templateId = 0;

  /** A signed Chatbot/WABA API call: HMAC-SHA256 of the raw body with the key's secret (§2). */
  async function api(path: string, body: unknown): Promise<Json> {
    const raw = JSON.stringify(body);
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-airudder-sign-key': keyId,
        'x-airudder-sign': createHmac('sha256', secret).update(raw).digest('hex'),
      },
      body: raw,
    });
    assert.equal(response.status, 200, `${path}: HTTP ${response.status}`);
    const answer = (await response.json()) as Json;
    assert.match(answer.request_id, HEX32);
    return answer;
  }

  const callbacks = () =>
    receiver.requests
      .filter((r) => r.headers['user-agent'] === 'Airudder')
      .map((r) => ({ body: JSON.parse(r.body) as Json }));
  const callback = (what: string, test: (body: Json) => boolean) =>
    waitFor(what, () => callbacks().find((c) => test(c.body))?.body);
  const botTexts = () =>
    world
      .received(PERSON)
      .map((m) =>
        m.type === 'text'
          ? String(m.body.text?.body ?? '')
          : m.type === 'interactive'
            ? String(m.body.interactive?.body?.text ?? '')
            : '',
      );

  return {
    /** `adapters` builds the channel's adapter (given the real ones), when the test holds it. */
    async start(adapters?: (spec: AdapterSpec, real: ChannelFactory) => MessagingChannel) {
      receiver = await startReceiver();
      const real = messagingAdapters();
      server = await startTestServer({
        config: { timeScale: 1 },
        ...(adapters ? { channels: (spec: AdapterSpec) => adapters(spec, real) } : {}),
      });
      const { auth, messaging } = server.runtime.services;
      const created = await auth.createApp({
        name: `e2e-${world.name}`,
        webhookUrl: receiver.url,
        timezone: 'Asia/Jakarta',
      });
      const key = await auth.signingKeys.create(created.app.id, {});
      keyId = key.key.keyId;
      secret = key.secret;
      await messaging.createChannel(created.app.id, {
        channelId: CHANNEL_ID,
        kind: world.channel.kind,
        name: 'Tiller Demo',
        phoneNumber: world.sender ?? `+${CHANNEL_ID}`,
        config: world.channel.config,
      });
      templateId = (
        await messaging.createTemplate(created.app.id, CHANNEL_ID, {
          name: 'payment_reminder',
          language: 'en',
          category: 'UTILITY',
          status: 'APPROVED',
          content: {
            body: 'Hi {{1}}, your payment of {{2}} is due. Shall we talk about it?',
            footer: 'Tiller Demo',
            button: [
              { type: 'QUICK_REPLY', text: 'Yes, chat now' },
              { type: 'OPT_OUT', text: 'Stop messages' },
            ],
          },
        })
      ).id;
      await world.attach(server, CHANNEL_ID);
      return { appId: created.app.id };
    },

    async run() {
      // 1. The template, to a person who never wrote: allowed outside any window.
      const sent = await api('/api/v1/waba/template/send/single', {
        channel: world.wireChannel,
        channel_id: CHANNEL_ID,
        template_id: templateId,
        robot_id: ROBOT_ID,
        user: { id: USER_ID },
        // Positional values fill the template; named ones are the chatbot's variables.
        variables: {
          '1': 'Tom',
          '2': 'IDR 1,500,000',
          callee_name: 'Tom',
          total_owing_amount: '1500000',
          due_date: '2026-12-01',
        },
      });
      assert.equal(sent.code, 200);
      const templateMsgId: string = sent.data.template_msg_id;
      assert.match(templateMsgId, HEX32);
      await waitFor('the template at the provider', () =>
        world.received(PERSON).find((m) => m.type === 'template'),
      );
      // §8.6: every status change of the template message, with the spec's fields.
      const status = await callback(
        '§8.6 template status',
        (b) => b.template_msg_id === templateMsgId && ['delivery', 'read'].includes(b.status),
      );
      for (const field of [
        'waba_task_id',
        'msg_id',
        'channel',
        'channel_id',
        'user',
        'status',
        'send_time',
        'waba_template_name',
        'waba_template_id',
        'timestamp',
      ])
        assert.ok(field in status, `§8.6 lacks ${field}`);
      assert.equal(status.waba_template_name, 'payment_reminder');

      // 2. The quick reply opens a chatbot session: §8.8, then the bot's opening with its choices.
      await world.act(PERSON, { type: 'quick_reply', text: 'Yes, chat now' });
      const reply = await callback(
        '§8.8 template reply',
        (b) => b.template_msg_id === templateMsgId && b.message?.sender_type === 'user',
      );
      assert.deepEqual(reply.message.content, { type: 'button', text: 'Yes, chat now' });
      assert.equal(reply.message.reply.content.type, 'template');
      const menu = await waitFor('the bot opening with choices', () =>
        world.received(PERSON).find((m) => m.type === 'interactive'),
      );
      const options: Array<{ id: string; title: string }> =
        menu.body.interactive.type === 'button'
          ? menu.body.interactive.action.buttons.map((b: Json) => b.reply)
          : menu.body.interactive.action.sections.flatMap((s: Json) => s.rows);
      assert.ok(options.length >= 2, 'the opening offers choices');
      assert.match(String(menu.body.interactive.body.text), /Tom/);

      // 3. A choice, then the user asks for a person: the handoff line and §9.1.
      const promise = options.find((o) => /date|later/i.test(o.title));
      assert.ok(
        promise,
        `a "promise a date" choice among ${options.map((o) => o.title).join(', ')}`,
      );
      await world.act(PERSON, { type: 'choice', id: promise.id, title: promise.title });
      await waitFor('the bot asks for a date', () => botTexts().find((t) => /which date/i.test(t)));
      await world.act(PERSON, { type: 'text', text: 'agent please' });
      const transfer = await callback(
        '§9.1 transfer request',
        (b) => b.robot_id === ROBOT_ID && 'ner_slots' in b && Array.isArray(b.messages),
      );
      const callId: string = transfer.call_id;
      assert.match(callId, HEX32);
      assert.equal(transfer.channel, world.wireChannel);
      assert.equal(transfer.channel_id, CHANNEL_ID);
      assert.equal(transfer.user.id, USER_ID);
      assert.equal(typeof transfer.timestamp, 'number');
      // The handoff line travels through the provider, the callback through the webhook queue:
      // either may arrive first.
      await waitFor('the handoff line', () =>
        botTexts().find((t) => /passing you to one of our agents/i.test(t)),
      );

      // 4. The integrator assigns a seat (§9.5): conversation.take_over; the bot goes quiet.
      const result = await api('/api/v1/session/transfer/result', {
        call_id: callId,
        channel: world.wireChannel,
        channel_id: CHANNEL_ID,
        user: { id: USER_ID },
        result: 'success',
        seat_id: SEAT,
      });
      assert.equal(result.code, 200);

      // 5. The agent writes (§9.9, the seed's shape) and the message's status comes back (§9.2).
      const agent = await api('/api/v1/session/message/send', {
        channel: world.wireChannel,
        channel_id: CHANNEL_ID,
        user: { id: USER_ID },
        call_id: callId,
        sender_type: 'agent',
        messages: [{ type: 'text', text: "this's agent" }],
      });
      assert.deepEqual(Object.keys(agent).sort(), ['code', 'data', 'message', 'request_id']);
      assert.equal(agent.message, 'Success');
      const msgId: string = agent.data.msg_id;
      assert.match(msgId, HEX32);
      await waitFor('the agent message at the provider', () =>
        botTexts().find((t) => t === "this's agent"),
      );
      const delivered = await callback(
        '§9.2 agent message status',
        (b) => b.msg_id === msgId && ['delivery', 'read'].includes(b.status),
      );
      for (const field of [
        'call_id',
        'msg_id',
        'channel',
        'channel_id',
        'user',
        'status',
        'timestamp',
        'error_code',
        'error_message',
      ])
        assert.ok(field in delivered, `§9.2 lacks ${field}`);

      // 6. The user answers the agent: §9.3, not the bot.
      const before = botTexts().length;
      await world.act(PERSON, { type: 'text', text: 'ok I will pay on Friday' });
      const userAfter = await callback(
        '§9.3 user message after transfer',
        (b) =>
          b.call_id === callId &&
          b.seat_id === SEAT &&
          b.messages?.[0]?.content?.text === 'ok I will pay on Friday',
      );
      assert.equal(userAfter.messages[0].sender_type, 'user');
      assert.equal(
        botTexts().length,
        before,
        'the bot stays silent while the agent holds the chat',
      );

      // 7. The agent ends it (§9.10): §9.4 then the §9.13 report with the whole transcript.
      const closed = await api('/api/v1/session/close', {
        call_id: callId,
        channel: world.wireChannel,
        channel_id: CHANNEL_ID,
        user: { id: USER_ID },
        sender_type: 'agent',
      });
      assert.equal(closed.code, 200);
      const end = await callback(
        '§9.4 session end',
        (b) => b.call_id === callId && b.status === 'closed' && !('messages' in b),
      );
      assert.equal(end.session_end_reason, 'agent');
      const report = await callback(
        '§9.13 session report',
        (b) => b.call_id === callId && Array.isArray(b.messages) && 'talk_round' in b,
      );
      for (const field of [
        'call_id',
        'channel',
        'channel_id',
        'user',
        'robot_id',
        'waba_task_id',
        'template_msg_id',
        'status',
        'session_start_time',
        'session_end_time',
        'session_end_reason',
        'intention',
        'talk_round',
        'ner_slots',
        'event_label',
        'variables',
        'messages',
      ])
        assert.ok(field in report, `§9.13 lacks ${field}`);
      assert.equal(report.status, 'closed');
      assert.equal(report.template_msg_id, templateMsgId);
      assert.match(report.session_start_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const kinds = report.messages.map((m: Json) =>
        m.sender_type === 'system' ? m.content.system.type : m.sender_type,
      );
      assert.equal(kinds[0], 'conversation.start');
      assert.ok(kinds.includes('chatbot'), 'the template is in the transcript');
      assert.ok(kinds.indexOf('conversation.take_over') < kinds.indexOf('agent'));
      assert.equal(kinds.at(-1), 'conversation.close');
      const take = report.messages.find(
        (m: Json) => m.content?.system?.type === 'conversation.take_over',
      );
      assert.equal(take.content.system.to_seat_id, SEAT);
      return { callId, report };
    },

    async stop() {
      await server?.close();
      await receiver?.close();
      await world.close();
    },
  };
}
