import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  WebhookSignatureError,
  type InboundEvent,
} from '../../src/channels/messaging/messaging-channel.ts';
import { signatureOf } from '../../src/channels/messaging/whatsapp-cloud/whatsapp-signature.ts';
import {
  PHONE_NUMBER_ID,
  VERIFY_TOKEN,
  startWhatsApp,
  type WhatsAppRun,
} from './whatsapp-cloud-harness.ts';

// Inbound: the GET handshake, the signature over the raw bytes, and every webhook kind the local
// Graph server sends (Meta's envelope) parsed into neutral events, duplicates and out-of-order
// statuses included (the adapter neither dedupes nor orders: the messaging module does).

const PERSON = '+6281400000004';
let run: WhatsAppRun;

before(async () => {
  run = await startWhatsApp();
});
after(() => run.stop());

const messageOf = (wamid: string) => (e: InboundEvent) =>
  e.kind === 'message' && e.providerMessageId === wamid;

describe('WhatsApp webhook: handshake', () => {
  it('echoes the challenge for mode=subscribe and the right token, refuses anything else', () => {
    const { webhook } = run.channel;
    const ok = {
      'hub.mode': 'subscribe',
      'hub.verify_token': VERIFY_TOKEN,
      'hub.challenge': '1158201444',
    };
    assert.equal(webhook.verifyHandshake(ok), '1158201444');
    assert.equal(webhook.verifyHandshake({ ...ok, 'hub.verify_token': 'wrong' }), undefined);
    assert.equal(
      webhook.verifyHandshake({ ...ok, 'hub.verify_token': `${VERIFY_TOKEN}x` }),
      undefined,
    );
    assert.equal(webhook.verifyHandshake({ ...ok, 'hub.mode': 'unsubscribe' }), undefined);
    assert.equal(
      webhook.verifyHandshake({ 'hub.mode': 'subscribe', 'hub.challenge': '1' }),
      undefined,
    );
  });

  it('the fake subscribes only through the handshake: a wrong token makes subscribe() fail', async () => {
    await assert.rejects(
      run.graph.subscribe(run.webhookUrl, 'not-our-token'),
      /verification failed: HTTP 403/,
    );
  });
});

describe('WhatsApp webhook: signature on the raw bytes', () => {
  let raw: Buffer;
  let headers: Record<string, string | string[] | undefined>;
  before(async () => {
    const wamid = await run.graph.userSends(PHONE_NUMBER_ID, PERSON, 'Café, 100 €');
    const post = run.posts.find((p) => p.body.includes(wamid))!;
    raw = post.body;
    headers = post.headers;
  });

  it('accepts the bytes Meta signed', () => {
    const events = run.channel.webhook.parse(raw, headers);
    assert.equal(events.length, 1);
    assert.equal(
      events[0]!.kind === 'message' &&
        events[0]!.content.type === 'text' &&
        events[0]!.content.text,
      'Café, 100 €',
    );
  });

  it('refuses a missing, malformed or wrong signature', () => {
    const fails = (h: Record<string, string | undefined>, body = raw) =>
      assert.throws(() => run.channel.webhook.parse(body, h), WebhookSignatureError);
    fails({});
    fails({ 'x-hub-signature-256': 'sha1=abc' });
    fails({ 'x-hub-signature-256': signatureOf(raw, 'another-secret') });
    fails(
      { 'x-hub-signature-256': signatureOf(raw, run.graph.appSecret) },
      Buffer.concat([raw, Buffer.from(' ')]),
    );
  });

  it('refuses the same JSON serialised again (Meta escapes what JSON.stringify does not)', () => {
    assert.ok(raw.includes('Caf\\u00e9'), 'the fake escapes like Meta');
    for (const reserialised of [
      Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8')))),
      Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8')), null, 1)),
    ]) {
      assert.notDeepEqual(reserialised, raw);
      assert.throws(() => run.channel.webhook.parse(reserialised, headers), WebhookSignatureError);
    }
  });

  it('reads the header whatever its case; a signed body that is not JSON is a SyntaxError', () => {
    const signature = headers['x-hub-signature-256'];
    assert.equal(run.channel.webhook.parse(raw, { 'X-Hub-Signature-256': signature }).length, 1);
    const junk = Buffer.from('not json');
    const signed = { 'x-hub-signature-256': signatureOf(junk, run.graph.appSecret) };
    assert.throws(() => run.channel.webhook.parse(junk, signed), SyntaxError);
  });

  it('another object than whatsapp_business_account yields no events', () => {
    const page = Buffer.from(
      JSON.stringify({
        object: 'page',
        entry: [
          {
            changes: [
              { value: { messages: [{ from: '1', id: 'x', type: 'text', text: { body: 'b' } }] } },
            ],
          },
        ],
      }),
    );
    const signed = { 'x-hub-signature-256': signatureOf(page, run.graph.appSecret) };
    assert.deepEqual(run.channel.webhook.parse(page, signed), []);
  });

  it('a POST signed with another secret is answered 401, retried by the fake, and yields no event', async () => {
    const other = await startWhatsApp(
      { appSecret: 'meta-secret', webhook: { maxAttempts: 3, retryDelayMs: 1 } },
      { appSecret: 'our-stale-secret' },
    );
    try {
      await assert.rejects(
        other.graph.userSends(PHONE_NUMBER_ID, PERSON, 'hi'),
        /not accepted after 3 attempts \(last HTTP 401\)/,
      );
      assert.deepEqual(
        other.posts.map((p) => p.status),
        [401, 401, 401],
      );
      assert.deepEqual(
        [other.graph.counters.webhookRetries, other.graph.counters.webhookFailures],
        [2, 1],
      );
      assert.deepEqual(other.events, []);
    } finally {
      await other.stop();
    }
  });
});

describe('WhatsApp webhook: messages of every kind', () => {
  it('text with the profile name, the sender as E.164 and our number as `to`', async () => {
    const wamid = await run.graph.userSends(PHONE_NUMBER_ID, PERSON, 'Halo', {
      profileName: 'Budi',
    });
    const event = await run.waitFor(messageOf(wamid));
    assert.deepEqual(
      { ...event, at: undefined },
      {
        kind: 'message',
        to: PHONE_NUMBER_ID,
        from: PERSON,
        providerMessageId: wamid,
        at: undefined,
        content: { type: 'text', text: 'Halo' },
        profileName: 'Budi',
      },
    );
    assert.ok(event.at instanceof Date && Math.abs(event.at.getTime() - Date.now()) < 60_000);
  });

  const cases: Array<[string, Parameters<WhatsAppRun['graph']['userSends']>[2], unknown]> = [
    [
      'a template quick-reply tap',
      { type: 'button', text: 'Confirm', payload: 'confirm:42' },
      { type: 'button', button: { text: 'Confirm', payload: 'confirm:42' } },
    ],
    [
      'a reply button',
      { type: 'button_reply', id: 'yes', title: 'Yes' },
      { type: 'choice', choice: { kind: 'button', id: 'yes', title: 'Yes' } },
    ],
    [
      'a list row',
      { type: 'list_reply', id: 'd1', title: 'Tomorrow', description: 'Before noon' },
      { type: 'choice', choice: { kind: 'list', id: 'd1', title: 'Tomorrow' } },
    ],
    [
      'a location',
      { type: 'location', latitude: -6.2, longitude: 106.8, name: 'Home', address: 'Jl. A 1' },
      {
        type: 'location',
        location: { latitude: -6.2, longitude: 106.8, name: 'Home', address: 'Jl. A 1' },
      },
    ],
    [
      'contacts',
      { type: 'contacts', contacts: [{ name: 'Sister', phone: '+6281500000005' }] },
      { type: 'contacts', contacts: [{ name: 'Sister', phoneNumber: '+6281500000005' }] },
    ],
    [
      'a reaction (unsupported, kept raw)',
      {
        type: 'raw',
        message: { type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } },
      },
      'unsupported',
    ],
  ];
  for (const [what, content, expected] of cases) {
    it(what, async () => {
      const wamid = await run.graph.userSends(PHONE_NUMBER_ID, PERSON, content);
      const event = await run.waitFor(messageOf(wamid));
      assert.equal(event.kind, 'message');
      if (event.kind !== 'message') return;
      if (expected === 'unsupported') {
        assert.equal(event.content.type, 'unsupported');
        assert.deepEqual((event.content as { raw: { reaction: unknown } }).raw.reaction, {
          message_id: 'wamid.X',
          emoji: '👍',
        });
      } else assert.deepEqual(event.content, expected);
    });
  }

  it('media: an image with caption and a document with its file name, by the Graph media URL', async () => {
    const image = await run.graph.userSends(PHONE_NUMBER_ID, PERSON, {
      type: 'image',
      caption: 'proof',
    });
    const doc = await run.graph.userSends(PHONE_NUMBER_ID, PERSON, {
      type: 'document',
      filename: 'slip.pdf',
    });
    const [i, d] = [await run.waitFor(messageOf(image)), await run.waitFor(messageOf(doc))];
    assert.ok(i.kind === 'message' && i.content.type === 'image');
    assert.match(i.content.media.url, new RegExp(`^${run.graph.url}/v21\\.0/\\d+$`));
    assert.deepEqual(
      { ...i.content.media, url: 'u' },
      { url: 'u', caption: 'proof', mimeType: 'image/jpeg' },
    );
    assert.ok(d.kind === 'message' && d.content.type === 'file');
    assert.deepEqual(
      { ...d.content.media, url: 'u' },
      { url: 'u', name: 'slip.pdf', mimeType: 'application/pdf' },
    );
  });

  it('a reply to our message carries its id as replyTo', async () => {
    const wamid = await run.graph.userSends(PHONE_NUMBER_ID, PERSON, 'yes that one', {
      contextId: 'wamid.OURS',
    });
    const event = await run.waitFor(messageOf(wamid));
    assert.equal(event.kind === 'message' && event.replyTo, 'wamid.OURS');
  });

  it('a marketing opt-out and resume arrive as opt_out events', async () => {
    const person = '+6281400000044';
    await run.graph.userOptsOut(PHONE_NUMBER_ID, person);
    await run.graph.userOptsOut(PHONE_NUMBER_ID, person, 'resume');
    const events = await run.waitForCount((e) => e.kind === 'opt_out' && e.from === person, 2);
    assert.deepEqual(
      events.map((e) => e.kind === 'opt_out' && [e.to, e.value, e.category]),
      [
        [PHONE_NUMBER_ID, 'stop', 'marketing_messages'],
        [PHONE_NUMBER_ID, 'resume', 'marketing_messages'],
      ],
    );
  });
});
