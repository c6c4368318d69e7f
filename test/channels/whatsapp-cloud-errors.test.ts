import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ChannelSendError,
  type OutboundContent,
} from '../../src/channels/messaging/messaging-channel.ts';
import { WhatsAppCloudChannel } from '../../src/channels/messaging/whatsapp-cloud/whatsapp-cloud-channel.ts';
import { graphSendError } from '../../src/channels/messaging/whatsapp-cloud/whatsapp-errors.ts';
import { PHONE_NUMBER_ID, startWhatsApp, type WhatsAppRun } from './whatsapp-cloud-harness.ts';

// Graph error answers → ChannelSendError: the code kept verbatim, retryable / optedOut /
// outsideWindow as docs/whatsapp.md's table says, from real answers of the local Graph server
// (refusals it makes itself where it can, failNext() for Meta-side ones), and the failures Meta
// reports later by webhook.

const PERSON = '+6281300000002';
const text: OutboundContent = { type: 'text', text: 'hi' };
let run: WhatsAppRun;
let n = 0;

before(async () => {
  run = await startWhatsApp({
    templates: [
      { name: 'promo', language: 'en', category: 'MARKETING' },
      { name: 'receipt', language: 'en', category: 'UTILITY', body: 1 },
    ],
    notOnWhatsApp: ['+6281399999999'],
  });
  await run.graph.userSends(PHONE_NUMBER_ID, PERSON, 'hi there');
});
after(() => run.stop());

function send(content: OutboundContent = text, to = PERSON, channel = run.channel) {
  return channel.send({ from: PHONE_NUMBER_ID, to, content, idempotencyKey: `e${++n}` });
}

async function refused(promise: Promise<unknown>): Promise<ChannelSendError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ChannelSendError, `a ChannelSendError, got ${String(error)}`);
    return error;
  }
  assert.fail('the send was accepted');
}

const flags = (e: ChannelSendError) => ({
  code: e.code,
  retryable: e.retryable,
  retryAfterMs: e.retryAfterMs,
  optedOut: e.optedOut,
  outsideWindow: e.outsideWindow,
});

describe('WhatsApp Cloud error mapping (synchronous Graph answers)', () => {
  const table: Array<[number, Partial<ReturnType<typeof flags>>]> = [
    [130429, { retryable: true, retryAfterMs: 1_000 }],
    [131056, { retryable: true, retryAfterMs: 6_000 }],
    [131048, { retryable: true, retryAfterMs: undefined }],
    [131047, { retryable: false, outsideWindow: true, optedOut: false }],
    [131050, { retryable: false, optedOut: true, outsideWindow: false }],
    [131026, { retryable: false }],
    [132000, { retryable: false }],
    [132001, { retryable: false }],
    [100, { retryable: false }],
    [190, { retryable: false }],
    [131000, { retryable: true }],
    [1, { retryable: true }],
    [2, { retryable: true }],
    // Not in the table: a 4xx code is permanent.
    [131051, { retryable: false }],
  ];
  for (const [code, expected] of table) {
    it(`Graph code ${code}`, async () => {
      run.graph.failNext(code);
      const error = await refused(send());
      assert.deepEqual(flags(error), { ...flags(error), code: String(code), ...expected });
      assert.match(error.message, new RegExp(`\\(#${code}\\)`), "Meta's message is kept");
    });
  }

  it('a cut connection is a retryable network_error', async () => {
    run.graph.failNext('disconnect');
    const error = await refused(send());
    assert.equal(error.code, 'network_error');
    assert.equal(error.retryable, true);
  });

  it('no answer within timeoutMs is a retryable timeout', async () => {
    const impatient = new WhatsAppCloudChannel({
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: run.graph.accessToken,
      appSecret: 's',
      verifyToken: 'v',
      graphUrl: run.graph.url,
      timeoutMs: 200,
    });
    try {
      run.graph.failNext('hang');
      const error = await refused(send(text, PERSON, impatient));
      assert.deepEqual([error.code, error.retryable], ['timeout', true]);
      assert.equal(run.graph.counters.rejected.hang, 1);
    } finally {
      await impatient.close();
    }
  });

  it('a bad access token is 190, permanent (the fake checks the bearer token)', async () => {
    const wrong = new WhatsAppCloudChannel({
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: 'stolen',
      appSecret: 's',
      verifyToken: 'v',
      graphUrl: run.graph.url,
    });
    try {
      const error = await refused(send(text, PERSON, wrong));
      assert.deepEqual([error.code, error.retryable], ['190', false]);
    } finally {
      await wrong.close();
    }
  });

  it('an unknown template is 132001 and wrong parameters 132000, both permanent', async () => {
    const unknown = await refused(
      send({ type: 'template', template: { name: 'nope', language: 'en', body: {} } }),
    );
    assert.deepEqual([unknown.code, unknown.retryable], ['132001', false]);
    const params = await refused(
      send({
        type: 'template',
        template: { name: 'receipt', language: 'en', body: { '1': 'a', '2': 'b' } },
      }),
    );
    assert.deepEqual([params.code, params.retryable], ['132000', false]);
    assert.match(params.message, /expected number of params \(1\)/, 'the details are kept');
  });

  it('an invalid recipient is 100, permanent', async () => {
    const error = await refused(send(text, 'not-a-number'));
    assert.deepEqual([error.code, error.retryable], ['100', false]);
  });

  it('after close(), send rejects (retryable: the module rebuilds the channel)', async () => {
    const closing = new WhatsAppCloudChannel({
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: run.graph.accessToken,
      appSecret: 's',
      verifyToken: 'v',
      graphUrl: run.graph.url,
    });
    await closing.close();
    const error = await refused(send(text, PERSON, closing));
    assert.deepEqual([error.code, error.retryable], ['channel_closed', true]);
  });

  it('bodies without a Graph code fall back on the HTTP status and Retry-After', () => {
    const throttled = graphSendError(429, undefined, '3');
    assert.deepEqual(flags(throttled), {
      code: 'http_429',
      retryable: true,
      retryAfterMs: 3_000,
      optedOut: false,
      outsideWindow: false,
    });
    assert.deepEqual(
      [graphSendError(502, undefined).code, graphSendError(502, undefined).retryable],
      ['http_502', true],
    );
    assert.deepEqual(
      [graphSendError(404, { error: {} }).code, graphSendError(404, {}).retryable],
      ['http_404', false],
    );
    // A Retry-After never makes a permanent code retryable.
    assert.equal(graphSendError(400, { error: { code: 131050 } }, '5').retryAfterMs, undefined);
  });
});

describe('WhatsApp Cloud rate limits on the local Graph server', () => {
  it("sending faster than the number's throughput meets 130429, retryable", async () => {
    run.graph.setThroughput(PHONE_NUMBER_ID, 5);
    try {
      const people = Array.from(
        { length: 12 },
        (_, i) => `+62813100000${String(i).padStart(2, '0')}`,
      );
      for (const p of people) await run.graph.userSends(PHONE_NUMBER_ID, p, 'hi');
      const results = await Promise.allSettled(people.map((p) => send(text, p)));
      const codes = results.map((r) =>
        r.status === 'fulfilled' ? 'ok' : (r.reason as ChannelSendError).code,
      );
      assert.ok(codes.filter((c) => c === 'ok').length >= 5, codes.join());
      assert.ok(codes.includes('130429'), codes.join());
      const throttled = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((throttled.reason as ChannelSendError).retryable, true);
    } finally {
      run.graph.setThroughput(PHONE_NUMBER_ID, 1_000);
    }
  });

  it('more than a burst to one person meets the pair rate 131056, wait ~6 s', async () => {
    const pair = await startWhatsApp({ pairBurst: 3 });
    try {
      await pair.graph.userSends(PHONE_NUMBER_ID, PERSON, 'hi');
      for (let i = 0; i < 3; i++) await send(text, PERSON, pair.channel);
      const error = await refused(send(text, PERSON, pair.channel));
      assert.deepEqual([error.code, error.retryable, error.retryAfterMs], ['131056', true, 6_000]);
      // Another person is not held back by this pair.
      const other = await send(text, '+6281300000003', pair.channel);
      assert.match(other.providerMessageId, /^wamid\./);
    } finally {
      await pair.stop();
    }
  });
});

describe('WhatsApp Cloud failures reported later by webhook', () => {
  async function failedStatus(providerMessageId: string) {
    return run.waitFor(
      (e) =>
        e.kind === 'status' && e.providerMessageId === providerMessageId && e.status === 'failed',
    );
  }

  it('free-form outside the window: accepted, then failed 131047', async () => {
    const { providerMessageId } = await send(text, '+6281300000099');
    const event = await failedStatus(providerMessageId);
    assert.deepEqual(event.kind === 'status' && [event.recipient, event.error?.code], [
      '+6281300000099',
      '131047',
    ]);
  });

  it('a marketing template to a person who opted out: accepted, then failed 131050; a utility one still arrives', async () => {
    const person = '+6281300000077';
    await run.graph.userOptsOut(PHONE_NUMBER_ID, person);
    const promo = await send(
      { type: 'template', template: { name: 'promo', language: 'en', body: {} } },
      person,
    );
    const event = await failedStatus(promo.providerMessageId);
    assert.equal(event.kind === 'status' && event.error?.code, '131050');
    const receipt = await send(
      { type: 'template', template: { name: 'receipt', language: 'en', body: { '1': 'x' } } },
      person,
    );
    const read = await run.waitFor(
      (e) =>
        e.kind === 'status' &&
        e.providerMessageId === receipt.providerMessageId &&
        e.status === 'read',
    );
    assert.equal(read.kind, 'status');
  });

  it("a number not on WhatsApp: accepted, then failed 131026 with Meta's details", async () => {
    const { providerMessageId } = await send(
      { type: 'template', template: { name: 'promo', language: 'en', body: {} } },
      '+6281399999999',
    );
    const event = await failedStatus(providerMessageId);
    assert.deepEqual(event.kind === 'status' && [event.error?.code, event.error?.message], [
      '131026',
      'Message Undeliverable.',
    ]);
  });
});
