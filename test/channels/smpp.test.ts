// The SMPP adapter against the local SMS centre: what the conformance suite does not cover
// (codings on the wire, binds, keep-alive, reconnects, command statuses, redelivery).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import smpp from 'smpp';
import {
  ChannelSendError,
  type InboundEvent,
  type OutboundMessage,
} from '../../src/channels/messaging/messaging-channel.ts';
import {
  SmppChannel,
  type SmppChannelOptions,
} from '../../src/channels/messaging/smpp/smpp-channel.ts';
import { SmppCentre, type SmppCentreOptions } from '../fakes/smpp-centre.ts';

const SENDER = '+6280012345';
const PERSON = '+6281234567000';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function setUp(
  centreOptions: Partial<SmppCentreOptions> = {},
  channelOptions: Partial<SmppChannelOptions> = {},
) {
  const centre = await SmppCentre.start({
    systemId: 'tiller',
    password: 'secret',
    ...centreOptions,
  });
  stops.push(() => centre.close());
  const channel = new SmppChannel({
    url: centre.url,
    systemId: 'tiller',
    password: 'secret',
    reconnectMaxDelayMs: 200,
    ...channelOptions,
  });
  stops.push(() => channel.close());
  const events: InboundEvent[] = [];
  channel.onInbound((event) => {
    events.push(event);
  });
  return { centre, channel, events };
}

let serial = 0;
const text = (body: string, to = PERSON): OutboundMessage => ({
  from: SENDER,
  to,
  content: { type: 'text', text: body },
  idempotencyKey: `smpp-test-${++serial}`,
});

/** Waits for a condition the centre or the adapter reaches on its own. */
async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sendError = (code: string, retryable: boolean) => (error: unknown) => {
  assert.ok(error instanceof ChannelSendError, String(error));
  assert.equal(error.code, code);
  assert.equal(error.retryable, retryable);
  return true;
};

describe('SMPP channel', () => {
  it('submits GSM-7 as is, other text as UCS2, long text in message_payload, asking for receipts', async () => {
    const { centre, channel } = await setUp();
    const long = `Your bill of Rp 250.000 is due tomorrow. ${'Please pay on time. '.repeat(8)}`;
    await channel.send(text('Bill due tomorrow'));
    await channel.send(text('Tagihan Anda 🙏'));
    await channel.send(text(long));
    assert.deepEqual(
      centre.submitted.map((s) => [s.text, s.dataCoding, s.viaPayload, s.registeredDelivery]),
      [
        ['Bill due tomorrow', 0, false, 1],
        ['Tagihan Anda 🙏', 8, false, 1],
        [long, 0, true, 1],
      ],
    );
    assert.deepEqual(
      centre.submitted.map((s) => [s.sourceAddr, s.destinationAddr, s.destAddrTon]),
      Array(3).fill(['6280012345', '6281234567000', 1]),
    );
  });

  it('sends once per idempotency key: a retry of an accepted send gets the same id', async () => {
    const { centre, channel } = await setUp();
    const message = text('Once only');
    const first = await channel.send(message);
    const again = await channel.send(message);
    assert.equal(again.providerMessageId, first.providerMessageId);
    assert.equal(centre.submitted.length, 1);
  });

  it('reads a person’s UCS2 message and a receipt carried in TLVs', async () => {
    const { centre, channel, events } = await setUp({ receiptTlvs: true, undeliverable: [PERSON] });
    await until('the bind', () => centre.boundSessions === 1);
    assert.equal(await centre.personSends(PERSON, SENDER, 'Saya bayar besok 🙏'), 0);
    const { providerMessageId } = await channel.send(text('Halo'));
    await until('the receipt', () => events.some((e) => e.kind === 'status'));
    const [message, status] = events;
    assert.ok(message?.kind === 'message');
    assert.deepEqual(message.content, { type: 'text', text: 'Saya bayar besok 🙏' });
    assert.equal(message.from, PERSON);
    assert.equal(message.to, SENDER);
    assert.ok(status?.kind === 'status');
    assert.equal(status.providerMessageId, providerMessageId);
    assert.equal(status.status, 'failed');
    assert.deepEqual(status.error, { code: '001', message: 'the SMS centre reported UNDELIV' });
  });

  it('answers deliver_sm with a temporary error when a listener fails, so the centre delivers it again', async () => {
    const { centre, channel } = await setUp();
    let failures = 1;
    const seen: string[] = [];
    channel.onInbound((event) => {
      if (event.kind !== 'message') return;
      if (failures-- > 0) throw new Error('database down');
      seen.push(event.content.type === 'text' ? event.content.text : '?');
    });
    await until('the bind', () => centre.boundSessions === 1);
    assert.equal(await centre.personSends(PERSON, SENDER, 'Hello?'), 0x64, 'ESME_RX_T_APPN');
    assert.equal(await centre.personSends(PERSON, SENDER, 'Hello?'), 0);
    assert.deepEqual(seen, ['Hello?']);
  });

  it('keeps a refused command status verbatim: queue full retryable, a bad address permanent', async () => {
    const { centre, channel } = await setUp();
    centre.refuseNext(smpp.ESME_RMSGQFUL);
    await assert.rejects(channel.send(text('Queue full')), sendError('0x00000014', true));
    await assert.rejects(channel.send(text('Bad', 'NOT-A-NUMBER')), sendError('0x0000000B', false));
    centre.refuseNext(smpp.ESME_RSYSERR);
    await assert.rejects(channel.send(text('System error')), sendError('0x00000008', false));
    assert.equal(centre.submitted.length, 0);
  });

  it('refuses to bind with wrong credentials: sends fail retryable, saying why', async () => {
    const { centre, channel } = await setUp({}, { password: 'wrong', responseTimeoutMs: 300 });
    await assert.rejects(channel.send(text('Hello')), (error) => {
      sendError('not_bound', true)(error);
      assert.match((error as Error).message, /ESME_RBINDFAIL 0x0000000D/);
      return true;
    });
    assert.equal(centre.binds, 0);
    assert.equal(channel.bound, false);
  });

  it('binds again after the connection drops, and sends on the new bind', async () => {
    const { centre, channel } = await setUp();
    await channel.send(text('Before'));
    centre.dropConnections();
    await until('a second bind', () => centre.binds === 2);
    await channel.send(text('After'));
    assert.deepEqual(
      centre.submitted.map((s) => s.text),
      ['Before', 'After'],
    );
  });

  it('fails a send in flight when the connection drops, retryable', async () => {
    const { centre, channel } = await setUp();
    await until('the bind', () => centre.boundSessions === 1);
    centre.stallSubmits(true);
    const sending = channel.send(text('Lost'));
    // The centre holds the submit unanswered until the line drops.
    await until('the submit to reach the centre', () => centre.submitsReceived === 1);
    centre.dropConnections();
    await assert.rejects(sending, sendError('connection_lost', true));
  });

  it('times out a submit the centre never answers, retryable', async () => {
    const { centre, channel } = await setUp({}, { responseTimeoutMs: 200 });
    await until('the bind', () => centre.boundSessions === 1);
    centre.stallSubmits(true);
    await assert.rejects(channel.send(text('Hello?')), sendError('timeout', true));
  });

  it('sends enquire_link to keep the bind alive', async () => {
    const { centre } = await setUp({}, { enquireLinkSeconds: 0.02 });
    await until('two keep-alives', () => centre.enquireLinks >= 2);
    assert.equal(centre.binds, 1, 'on the same bind');
  });

  it('paces sends to the account throughput: the centre never throttles', async () => {
    // Set a little under the account's limit, as an operator would: the centre counts in whole
    // seconds, and network jitter bunches sends that left evenly spaced.
    const { centre, channel } = await setUp({ sendsPerSecond: 10 }, { sendsPerSecond: 8 });
    const sends = Array.from({ length: 12 }, (_, i) => channel.send(text(`Paced ${i}`)));
    const results = await Promise.allSettled(sends);
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected'),
      [],
    );
    assert.equal(centre.submitted.length, 12);
  });

  it('meets the centre’s rate limit unpaced: throttled sends are retryable', async () => {
    const { channel } = await setUp({ sendsPerSecond: 5 }, { sendsPerSecond: 1000 });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => channel.send(text(`Unpaced ${i}`))),
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    assert.ok(refused.length >= 3, 'the centre refuses past its limit');
    for (const error of refused) sendError('0x00000058', true)(error);
  });

  it('unbinds on close, and refuses sends after it', async () => {
    const { centre, channel } = await setUp();
    await until('the bind', () => channel.bound);
    await channel.close();
    assert.equal(centre.unbinds, 1);
    await assert.rejects(channel.send(text('Late')), sendError('closed', false));
  });

  it('refuses the sends still waiting for their slot when closed', async () => {
    const { centre, channel } = await setUp({}, { sendsPerSecond: 2 });
    await until('the bind', () => channel.bound);
    const sends = Array.from({ length: 3 }, (_, i) => channel.send(text(`Queued ${i}`)));
    const first = await sends[0]!;
    await channel.close();
    const rest = await Promise.allSettled(sends.slice(1));
    for (const result of rest) {
      assert.equal(result.status, 'rejected');
      sendError('closed', false)(result.status === 'rejected' ? result.reason : undefined);
    }
    assert.deepEqual(
      centre.submitted.map((s) => s.messageId),
      [first.providerMessageId],
    );
  });

  describe('a person’s long message in parts', () => {
    const parts: Array<[number, string]> = [
      [2, 'pay the rest '],
      [1, 'I paid half today and will '],
      [3, 'next week. Terima kasih 🙏'],
    ];
    const whole = 'I paid half today and will pay the rest next week. Terima kasih 🙏';

    for (const by of ['udh8', 'udh16', 'sar'] as const) {
      it(`arrives as one message (${by} numbering, parts out of order)`, async () => {
        const { centre, channel, events } = await setUp();
        await until('the bind', () => channel.bound);
        const answers = await centre.personSendsParts(PERSON, SENDER, parts, {
          ref: 300,
          total: 3,
          by,
        });
        assert.deepEqual(answers, [0, 0, 0]);
        assert.equal(events.length, 1);
        assert.ok(events[0]!.kind === 'message');
        assert.deepEqual(events[0]!.content, { type: 'text', text: whole });
        assert.equal(events[0]!.from, PERSON);
      });
    }

    it('is handed on as far as it got when a part never comes', async () => {
      const { centre, channel, events } = await setUp({}, { segmentTimeoutMs: 50 });
      await until('the bind', () => channel.bound);
      await centre.personSendsParts(PERSON, SENDER, [parts[1]!, parts[2]!], {
        ref: 7,
        total: 3,
        by: 'udh8',
      });
      await until('the incomplete message', () => events.length === 1);
      assert.ok(events[0]!.kind === 'message');
      assert.deepEqual(events[0]!.content, {
        type: 'text',
        text: 'I paid half today and will […]next week. Terima kasih 🙏',
      });
    });

    it('is whole again when the centre redelivers the last part after a listener failed', async () => {
      const { centre, channel } = await setUp();
      let failures = 1;
      const seen: string[] = [];
      channel.onInbound((event) => {
        if (event.kind !== 'message') return;
        if (failures-- > 0) throw new Error('database down');
        seen.push(event.content.type === 'text' ? event.content.text : '?');
      });
      await until('the bind', () => channel.bound);
      const numbering = { ref: 9, total: 3, by: 'udh8' } as const;
      assert.deepEqual(
        await centre.personSendsParts(PERSON, SENDER, parts, numbering),
        [0, 0, 0x64],
      );
      assert.deepEqual(await centre.personSendsParts(PERSON, SENDER, [parts[2]!], numbering), [0]);
      assert.deepEqual(seen, [whole]);
    });
  });
});
