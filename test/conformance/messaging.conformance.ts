// The contract of a messaging channel (src/channels/messaging/messaging-channel.ts), as tests every
// adapter must pass: WhatsApp against a local Cloud API, SMS against a local SMPP centre, the
// simulated channel in-process. An adapter's test file calls messagingConformance with a harness
// that starts a provider and an adapter connected to it; a case the adapter's capabilities rule
// out is skipped with that reason, never passed silently.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  ChannelSendError,
  type InboundEvent,
  type MessagingChannel,
  type OutboundContent,
} from '../../src/channels/messaging/messaging-channel.ts';

export interface MessagingHarness {
  /** Starts a provider (local server or in-process) and an adapter connected to it. */
  start(): Promise<HarnessRun>;
}

export interface HarnessRun {
  channel: MessagingChannel;
  /** A sender the provider accepts (phone number id, source address, simulated number). */
  sender: string;
  /** A person (E.164) who receives messages and answers when told to. */
  person: string;
  /** The person writes to us: the adapter must emit an inbound 'message' event for it. */
  personSends(text: string): Promise<void>;
  /** What the provider has accepted for a person, oldest first (to check a send arrived). */
  delivered(to: string): Promise<Array<{ providerMessageId: string; text?: string }>>;
  /** A number the provider cannot deliver to: a send rejects permanently or reports failed. */
  unreachable: string;
  /** Makes the provider refuse the next send with its throttling answer. */
  throttleNext(): Promise<void>;
  /**
   * The provider message ids the provider was told are read, oldest first. Required when the
   * channel has read receipts (capabilities.readReceipts): the markRead case checks it.
   */
  readMarked?(): Promise<string[]>;
  stop(): Promise<void>;
}

/** How long a case waits for an event the provider pushes (a receipt, an inbound message). */
export const EVENT_WAIT_MS = 5000;

let serial = 0;
const key = () => `conformance-${process.pid}-${++serial}`;

/** A started run with every inbound event it pushed, in order. */
interface Started {
  run: HarnessRun;
  events: InboundEvent[];
}

async function started(h: MessagingHarness): Promise<Started> {
  const run = await h.start();
  const events: InboundEvent[] = [];
  run.channel.onInbound((event) => {
    events.push(event);
  });
  return { run, events };
}

/** Resolves with the first event that matches, waiting for the provider to push it. */
async function waitFor<T extends InboundEvent>(
  events: InboundEvent[],
  match: (event: InboundEvent) => event is T,
  what: string,
): Promise<T> {
  const deadline = Date.now() + EVENT_WAIT_MS;
  for (;;) {
    const found = events.find(match);
    if (found) return found;
    if (Date.now() > deadline) {
      assert.fail(`no ${what} within ${EVENT_WAIT_MS} ms; events: ${JSON.stringify(events)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type StatusEvent = Extract<InboundEvent, { kind: 'status' }>;
type MessageEvent = Extract<InboundEvent, { kind: 'message' }>;

const statusOf =
  (id: string, statuses: readonly string[]) =>
  (e: InboundEvent): e is StatusEvent =>
    e.kind === 'status' && e.providerMessageId === id && statuses.includes(e.status);

function assertSendError(error: unknown, retryable: boolean): true {
  assert.ok(error instanceof ChannelSendError, `a ChannelSendError, not ${String(error)}`);
  assert.equal(error.retryable, retryable, `retryable should be ${retryable} (${error.code})`);
  assert.ok(error.code.length > 0, 'the provider code is kept');
  return true;
}

/** One case: a fresh provider and adapter, stopped however the case ends. */
function withRun(h: MessagingHarness, body: (s: Started, t: TestContext) => Promise<void>) {
  return async (t: TestContext) => {
    const s = await started(h);
    try {
      await body(s, t);
    } finally {
      await s.run.stop();
    }
  };
}

/** Content a channel without each capability must refuse. */
function refusedContent(
  channel: MessagingChannel,
): Array<{ why: string; content: OutboundContent }> {
  const out: Array<{ why: string; content: OutboundContent }> = [];
  const caps = channel.capabilities;
  if (!caps.media) {
    out.push({
      why: 'no media: an image',
      content: { type: 'image', media: { url: 'https://example.com/a.png', caption: 'a' } },
    });
    out.push({
      why: 'no media: a location',
      content: { type: 'location', location: { latitude: -6.2, longitude: 106.8 } },
    });
  }
  if (!caps.interactive) {
    out.push({
      why: 'no interactive: reply buttons',
      content: {
        type: 'interactive',
        interactive: { type: 'button', body: 'Pay now?', buttons: [{ id: 'y', title: 'Yes' }] },
      },
    });
  }
  if (!caps.templates) {
    out.push({
      why: 'no templates: a template',
      content: { type: 'template', template: { name: 'reminder', language: 'en', body: {} } },
    });
  }
  return out;
}

export function messagingConformance(name: string, h: MessagingHarness): void {
  describe(`messaging conformance: ${name}`, () => {
    it(
      'sends a text: the receipt id is one the provider recorded, with the same text',
      withRun(h, async ({ run }) => {
        const text = `Your bill is due ${key()}`;
        const receipt = await run.channel.send({
          from: run.sender,
          to: run.person,
          content: { type: 'text', text },
          idempotencyKey: key(),
        });
        assert.equal(typeof receipt.providerMessageId, 'string');
        assert.ok(receipt.providerMessageId.length > 0);
        const recorded = await run.delivered(run.person);
        const mine = recorded.filter((r) => r.providerMessageId === receipt.providerMessageId);
        assert.equal(mine.length, 1, 'the provider recorded the message once');
        assert.equal(mine[0]!.text, text);
      }),
    );

    it(
      'reports statuses for a sent message, with its recipient',
      withRun(h, async ({ run, events }) => {
        const { providerMessageId } = await run.channel.send({
          from: run.sender,
          to: run.person,
          content: { type: 'text', text: 'Status please' },
          idempotencyKey: key(),
        });
        const status = await waitFor(
          events,
          statusOf(providerMessageId, ['sent', 'delivered']),
          `sent/delivered status for ${providerMessageId}`,
        );
        assert.equal(status.recipient, run.person);
        assert.ok(status.at instanceof Date && !Number.isNaN(status.at.getTime()));
        assert.equal(status.error, undefined, 'a good status carries no error');
        const failed = events.filter(statusOf(providerMessageId, ['failed']));
        assert.deepEqual(failed, [], 'a deliverable message does not fail');
      }),
    );

    it(
      "delivers a person's message as an inbound message event",
      withRun(h, async ({ run, events }) => {
        const text = `I will pay tomorrow ${key()}`;
        await run.personSends(text);
        const message = await waitFor(
          events,
          (e): e is MessageEvent =>
            e.kind === 'message' && e.content.type === 'text' && e.content.text === text,
          `inbound message "${text}"`,
        );
        assert.match(message.from, /^\+[1-9]\d{6,14}$/, 'from is E.164');
        assert.equal(message.from, run.person);
        assert.equal(message.to, run.sender);
        assert.ok(message.providerMessageId.length > 0, 'an inbound message has a provider id');
        assert.ok(message.at instanceof Date && !Number.isNaN(message.at.getTime()));
      }),
    );

    it(
      'rejects a throttled send as retryable, and sends the next one',
      withRun(h, async ({ run }) => {
        await run.throttleNext();
        const text = `Throttled ${key()}`;
        await assert.rejects(
          run.channel.send({
            from: run.sender,
            to: run.person,
            content: { type: 'text', text },
            idempotencyKey: key(),
          }),
          (error) => assertSendError(error, true),
        );
        const recorded = await run.delivered(run.person);
        assert.ok(!recorded.some((r) => r.text === text), 'a throttled message was not accepted');
        const receipt = await run.channel.send({
          from: run.sender,
          to: run.person,
          content: { type: 'text', text: 'After the throttle' },
          idempotencyKey: key(),
        });
        assert.ok(receipt.providerMessageId.length > 0, 'the throttle refused one send only');
      }),
    );

    it(
      'fails a send to an unreachable number: a permanent error or a failed status with a code',
      withRun(h, async ({ run, events }) => {
        let providerMessageId: string;
        try {
          ({ providerMessageId } = await run.channel.send({
            from: run.sender,
            to: run.unreachable,
            content: { type: 'text', text: 'Anyone there?' },
            idempotencyKey: key(),
          }));
        } catch (error) {
          assertSendError(error, false);
          return;
        }
        const failed = await waitFor(
          events,
          statusOf(providerMessageId, ['failed']),
          `failed status for ${providerMessageId}`,
        );
        assert.equal(failed.recipient, run.unreachable);
        assert.ok(failed.error, 'a failed status says why');
        assert.ok(failed.error.code.length > 0, 'with the provider code');
        const good = events.filter(statusOf(providerMessageId, ['delivered', 'read']));
        assert.deepEqual(good, [], 'an undeliverable message is never delivered');
      }),
    );

    it(
      'refuses content the channel cannot carry: unsupported_content, not retryable',
      withRun(h, async ({ run }, t) => {
        const refused = refusedContent(run.channel);
        if (refused.length === 0) {
          t.skip('the channel carries templates, interactive messages and media');
          return;
        }
        for (const { why, content } of refused) {
          await assert.rejects(
            run.channel.send({ from: run.sender, to: run.person, content, idempotencyKey: key() }),
            (error) => {
              assertSendError(error, false);
              assert.equal((error as ChannelSendError).code, 'unsupported_content', why);
              return true;
            },
            why,
          );
        }
        assert.deepEqual(await run.delivered(run.person), [], 'nothing reached the provider');
      }),
    );

    it(
      "marks a person's message read (where the channel has read receipts, the provider saw it)",
      withRun(h, async ({ run, events }) => {
        const text = `Read me ${key()}`;
        await run.personSends(text);
        const message = await waitFor(
          events,
          (e): e is MessageEvent =>
            e.kind === 'message' && e.content.type === 'text' && e.content.text === text,
          `inbound message "${text}"`,
        );
        await run.channel.markRead(run.sender, message.providerMessageId);
        if (!run.channel.capabilities.readReceipts) return;
        assert.ok(run.readMarked, 'a channel with read receipts needs readMarked in its harness');
        assert.ok((await run.readMarked()).includes(message.providerMessageId));
      }),
    );

    it(
      'refuses to send after close()',
      withRun(h, async ({ run }) => {
        await run.channel.close();
        await assert.rejects(
          run.channel.send({
            from: run.sender,
            to: run.person,
            content: { type: 'text', text: 'Too late' },
            idempotencyKey: key(),
          }),
        );
        assert.ok(
          !(await run.delivered(run.person)).some((r) => r.text === 'Too late'),
          'a closed channel delivers nothing',
        );
      }),
    );
  });
}
