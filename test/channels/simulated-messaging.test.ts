// The simulated messaging channel's people: what each persona answers to a template, a
// question, an interactive message, in order and the same on every run.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type {
  InboundEvent,
  OutboundContent,
} from '../../src/channels/messaging/messaging-channel.ts';
import {
  MESSAGING_PERSONAS,
  messagingPersonaNumber,
  messagingPersonaOf,
  type MessagingPersona,
} from '../../src/channels/messaging/simulated/messaging-personas.ts';
import { simulatedChannelFromConfig } from '../../src/channels/messaging/simulated/simulated-config.ts';
import { MAX_REPLIES } from '../../src/channels/messaging/simulated/persona-replies.ts';
import {
  SimulatedChannel,
  type SimulatedChannelOptions,
} from '../../src/channels/messaging/simulated/simulated-messaging-channel.ts';

const SENDER = '+6280012345';
const REMINDER: OutboundContent = {
  type: 'template',
  template: {
    name: 'payment_reminder',
    language: 'en',
    body: { '1': 'Budi' },
    buttonPayloads: ['PAY_NOW', 'UNSUBSCRIBE'],
  },
};
const BUTTONS = [
  { type: 'QUICK_REPLY', text: 'I will pay' },
  { type: 'OPT_OUT', text: 'Stop promotions' },
];
const QUESTION: OutboundContent = { type: 'text', text: 'When can you pay your bill?' };

const channels: SimulatedChannel[] = [];
afterEach(async () => {
  for (const channel of channels.splice(0)) await channel.close();
});

function open(options: SimulatedChannelOptions = {}) {
  const channel = new SimulatedChannel({
    timeScale: 2000,
    templateButtons: ({ name }) => (name === 'payment_reminder' ? BUTTONS : undefined),
    ...options,
  });
  channels.push(channel);
  const events: InboundEvent[] = [];
  channel.onInbound((event) => {
    events.push(event);
  });
  return { channel, events };
}

let serial = 0;
const send = (channel: SimulatedChannel, to: string, content: OutboundContent) =>
  channel.send({ from: SENDER, to, content, idempotencyKey: `sim-test-${++serial}` });

type Message = Extract<InboundEvent, { kind: 'message' }>;
type Status = Extract<InboundEvent, { kind: 'status' }>;
const messagesOf = (events: InboundEvent[]) =>
  events.filter((e): e is Message => e.kind === 'message');

/** Waits until `count` messages from the person arrived. */
async function answers(events: InboundEvent[], count: number): Promise<Message[]> {
  const deadline = Date.now() + 5000;
  while (messagesOf(events).length < count) {
    if (Date.now() > deadline) assert.fail(`expected ${count} answers: ${JSON.stringify(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return messagesOf(events);
}

/** Waits for a status of a message. */
async function status(events: InboundEvent[], id: string, wanted: Status['status']) {
  const deadline = Date.now() + 5000;
  const match = (e: InboundEvent): e is Status =>
    e.kind === 'status' && e.providerMessageId === id && e.status === wanted;
  while (!events.some(match)) {
    if (Date.now() > deadline) assert.fail(`no ${wanted} for ${id}: ${JSON.stringify(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return events.find(match)!;
}

/** The conversation of a persona: the template, then `questions`, one answer awaited each. */
async function converse(
  persona: MessagingPersona,
  questions: OutboundContent[] = [],
): Promise<Array<Message['content']>> {
  const { channel, events } = open();
  const to = messagingPersonaNumber(persona);
  const { providerMessageId } = await send(channel, to, REMINDER);
  const [first] = await answers(events, 1);
  assert.equal(first!.replyTo, providerMessageId, 'the answer quotes our template');
  assert.equal(first!.from, to);
  assert.equal(first!.to, SENDER);
  for (const [i, question] of questions.entries()) {
    await send(channel, to, question);
    await answers(events, i + 2);
  }
  return messagesOf(events).map((m) => m.content);
}

const text = (t: string) => ({ type: 'text' as const, text: t });

describe('simulated messaging personas', () => {
  it('picks the persona by the last digit, and gives numbers for each', () => {
    for (const [digit, persona] of MESSAGING_PERSONAS.entries()) {
      const number = messagingPersonaNumber(persona, 42);
      assert.match(number, /^\+62812\d{9}$/);
      assert.equal(number.at(-1), String(digit));
      assert.equal(messagingPersonaOf(number), persona);
    }
    assert.notEqual(messagingPersonaNumber('replies', 1), messagingPersonaNumber('replies', 2));
  });

  it('replies: answers the template with free text, then promises to pay tomorrow', async () => {
    assert.deepEqual(
      await converse('replies', [QUESTION, { type: 'text', text: 'Is that correct?' }]),
      [
        text('Hi, yes this is me. What is this about?'),
        text('I will pay tomorrow.'),
        text('Yes, I confirm.'),
      ],
    );
  });

  it('quick_reply: taps the first QUICK_REPLY button with its payload, then chats', async () => {
    assert.deepEqual(await converse('quick_reply', [QUESTION]), [
      { type: 'button', button: { text: 'I will pay', payload: 'PAY_NOW' } },
      text('I will pay tomorrow.'),
    ]);
  });

  it('opts_out: taps the OPT_OUT button, then stays silent', async () => {
    const { channel, events } = open();
    const to = messagingPersonaNumber('opts_out');
    await send(channel, to, REMINDER);
    const [tap] = await answers(events, 1);
    assert.deepEqual(tap!.content, {
      type: 'button',
      button: { text: 'Stop promotions', payload: 'UNSUBSCRIBE' },
    });
    const { providerMessageId } = await send(channel, to, QUESTION);
    await status(events, providerMessageId, 'read');
    assert.equal(messagesOf(events).length, 1, 'read, and no answer after opting out');
  });

  it('opts_out writes STOP to a template without a known opt-out button', async () => {
    const { channel, events } = open({ templateButtons: undefined });
    await send(channel, messagingPersonaNumber('opts_out'), REMINDER);
    const [stop] = await answers(events, 1);
    assert.deepEqual(stop!.content, text('STOP'));
  });

  it('ignores: statuses stop at delivered, and no answer comes', async () => {
    const { channel, events } = open();
    const to = messagingPersonaNumber('ignores');
    const { providerMessageId } = await send(channel, to, REMINDER);
    // A later message to an answering person marks the point by which the ignorer would have
    // read and answered (both timelines run the same delays).
    const other = messagingPersonaNumber('replies', 1);
    await send(channel, other, REMINDER);
    await answers(events, 1);
    const mine = events.filter(
      (e) => e.kind === 'status' && e.providerMessageId === providerMessageId,
    );
    assert.deepEqual(
      mine.map((e) => e.kind === 'status' && e.status),
      ['sent', 'delivered'],
    );
    assert.deepEqual(
      messagesOf(events).map((m) => m.from),
      [other],
    );
  });

  it('asks_for_human: asks for an agent, and again', async () => {
    assert.deepEqual(await converse('asks_for_human', [QUESTION]), [
      text('I want to talk to a person. Agent please.'),
      text('Agent please.'),
    ]);
  });

  it('location and image: answer the template with a location or a receipt photo, then chat', async () => {
    const [location, afterLocation] = await converse('location', [QUESTION]);
    assert.equal(location!.type, 'location');
    assert.ok(location!.type === 'location' && location!.location.latitude < 0);
    assert.deepEqual(afterLocation, text('I will pay tomorrow.'));
    const [image] = await converse('image');
    assert.ok(image!.type === 'image');
    assert.equal(image!.media.mimeType, 'image/jpeg');
    assert.equal(image!.media.caption, 'Here is my payment receipt.');
  });

  it('refuses: refuses the template and the question', async () => {
    assert.deepEqual(await converse('refuses', [QUESTION]), [
      text('I am not going to pay this.'),
      text('I am not going to pay this.'),
    ]);
  });

  it('unreachable: the message fails with an error code, never sent or delivered', async () => {
    const { channel, events } = open();
    const to = messagingPersonaNumber('unreachable');
    const { providerMessageId } = await send(channel, to, REMINDER);
    const failed = await status(events, providerMessageId, 'failed');
    assert.deepEqual(failed.error, {
      code: '131026',
      message: 'Message undeliverable (simulated)',
    });
    assert.equal(failed.recipient, to);
    assert.deepEqual(
      events.map((e) => e.kind === 'status' && e.status),
      ['failed'],
    );
  });

  it('chooses a button on an interactive message: yes for the willing, no for the refuser', async () => {
    const interactive: OutboundContent = {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: 'Can you pay today?',
        buttons: [
          { id: 'later', title: 'Later' },
          { id: 'yes', title: 'Yes, I pay' },
          { id: 'no', title: 'No' },
        ],
      },
    };
    const [, willing] = await converse('replies', [interactive]);
    assert.deepEqual(willing, {
      type: 'choice',
      choice: { kind: 'button', id: 'yes', title: 'Yes, I pay' },
    });
    const [, refusing] = await converse('refuses', [interactive]);
    assert.deepEqual(refusing, {
      type: 'choice',
      choice: { kind: 'button', id: 'later', title: 'Later' },
    });
    const list: OutboundContent = {
      type: 'interactive',
      interactive: {
        type: 'list',
        body: 'How can we help?',
        button: 'Options',
        sections: [
          {
            title: 'Help',
            rows: [
              { id: 'bill', title: 'My bill' },
              { id: 'cs', title: 'Talk to an agent' },
            ],
          },
        ],
      },
    };
    const [, human] = await converse('asks_for_human', [list]);
    assert.deepEqual(human, {
      type: 'choice',
      choice: { kind: 'list', id: 'cs', title: 'Talk to an agent' },
    });
  });

  it('answers in Indonesian to an Indonesian template', async () => {
    const { channel, events } = open();
    await send(channel, messagingPersonaNumber('replies'), {
      type: 'template',
      template: { name: 'pengingat', language: 'id', body: {} },
    });
    const [greeting] = await answers(events, 1);
    assert.deepEqual(greeting!.content, text('Halo, ya saya sendiri. Ada apa ya?'));
  });

  it('answers the last of several messages sent together, once', async () => {
    const { channel, events } = open();
    const to = messagingPersonaNumber('replies');
    await send(channel, to, { type: 'text', text: 'Hello Budi.' });
    const last = await send(channel, to, QUESTION);
    const [answer] = await answers(events, 1);
    assert.equal(answer!.replyTo, last.providerMessageId);
    await send(channel, to, { type: 'text', text: 'Thanks.' });
    await answers(events, 2);
    assert.deepEqual(
      messagesOf(events).map((m) => m.content),
      [text('I will pay tomorrow.'), text('OK, thank you.')],
    );
  });

  it(`stops answering after ${MAX_REPLIES} answers: a bot cannot loop forever`, async () => {
    const { channel, events } = open();
    const to = messagingPersonaNumber('replies');
    for (let i = 1; i <= MAX_REPLIES; i++) {
      await send(channel, to, QUESTION);
      await answers(events, i);
    }
    const { providerMessageId } = await send(channel, to, QUESTION);
    await status(events, providerMessageId, 'read');
    // An answer would follow the read after the typing delay: wait that long on another person.
    await send(channel, messagingPersonaNumber('replies', 1), QUESTION);
    await answers(events, MAX_REPLIES + 1);
    assert.deepEqual(
      messagesOf(events).map((m) => m.from),
      [...Array(MAX_REPLIES).fill(to), messagingPersonaNumber('replies', 1)],
    );
  });

  it('reads_only: reads every message and never answers', async () => {
    const { channel, events } = open();
    const { providerMessageId } = await send(
      channel,
      messagingPersonaNumber('reads_only'),
      REMINDER,
    );
    await status(events, providerMessageId, 'read');
    await send(channel, messagingPersonaNumber('replies', 1), REMINDER);
    await answers(events, 1);
    assert.deepEqual(
      messagesOf(events).map((m) => m.from),
      [messagingPersonaNumber('replies', 1)],
    );
  });

  it('gives the same conversation on every run', async () => {
    const once = await converse('quick_reply', [QUESTION, QUESTION]);
    const again = await converse('quick_reply', [QUESTION, QUESTION]);
    assert.deepEqual(again, once);
  });

  it('refuses a second send with the same idempotency key, and a number that is not E.164', async () => {
    const { channel } = open();
    const message = {
      from: SENDER,
      to: messagingPersonaNumber('replies'),
      content: QUESTION,
      idempotencyKey: 'same',
    };
    await channel.send(message);
    await assert.rejects(channel.send(message), { code: 'duplicate', retryable: false });
    await assert.rejects(channel.send({ ...message, idempotencyKey: 'other', to: '0812' }), {
      code: 'invalid_recipient',
    });
    assert.equal(channel.sent.length, 1);
  });

  it('throttles past its throughput, retryable with a wait', async () => {
    const { channel } = open({ sendsPerSecond: 3, timeScale: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => send(channel, messagingPersonaNumber('replies'), QUESTION)),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    assert.equal(refused.length, 2);
    for (const error of refused) {
      assert.equal(error.code, '130429');
      assert.equal(error.retryable, true);
      assert.equal(error.retryAfterMs, 1000);
    }
  });

  it('hands an event again to a listener that failed', async () => {
    const { channel } = open();
    const seen: string[] = [];
    let failures = 2;
    channel.onInbound((event) => {
      if (event.kind !== 'message') return;
      if (failures-- > 0) throw new Error('database down');
      seen.push(event.providerMessageId);
    });
    const id = await channel.personSends(messagingPersonaNumber('replies'), SENDER, text('Hi'));
    assert.deepEqual(seen, [id]);
  });

  it('builds a channel from a row’s settings, refusing a bad time scale', async () => {
    const channel = simulatedChannelFromConfig({ timeScale: 500 }, { sendsPerSecond: 9 });
    channels.push(channel);
    assert.equal(channel.kind, 'simulated');
    assert.equal(channel.capabilities.defaultSendsPerSecond, 9);
    assert.throws(() => simulatedChannelFromConfig({ timeScale: 0 }), /"timeScale"/);
    assert.throws(() => simulatedChannelFromConfig({ timeScale: 'fast' }), /"timeScale"/);
  });
});
