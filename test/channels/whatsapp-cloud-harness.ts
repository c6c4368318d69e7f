import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  WebhookSignatureError,
  type InboundEvent,
  type OutboundContent,
} from '../../src/channels/messaging/messaging-channel.ts';
import {
  WhatsAppCloudChannel,
  type WhatsAppCloudOptions,
} from '../../src/channels/messaging/whatsapp-cloud/whatsapp-cloud-channel.ts';
import {
  startFakeGraph,
  type FakeGraph,
  type FakeGraphOptions,
} from '../fakes/whatsapp-cloud/fake-graph-server.ts';

// The adapter wired to the local Graph server the way production wires it to Meta: the fake's
// webhooks reach a real HTTP endpoint on loopback, which hands the raw bytes to the adapter
// (GET → webhook.verifyHandshake, POST → deliverWebhook → listeners). Used by the channel tests
// and the conformance run.

export const PHONE_NUMBER_ID = '109876543210';
export const VERIFY_TOKEN = 'verify-me';

export interface WhatsAppRun {
  graph: FakeGraph;
  channel: WhatsAppCloudChannel;
  /** Every event the listeners got, in arrival order. */
  events: InboundEvent[];
  /** Raw webhook POSTs the endpoint answered, with the status it gave. */
  posts: Array<{
    status: number;
    body: Buffer;
    headers: Record<string, string | string[] | undefined>;
  }>;
  webhookUrl: string;
  /** Resolves with the first event (already arrived or arriving) that matches. */
  waitFor(match: (event: InboundEvent) => boolean, timeoutMs?: number): Promise<InboundEvent>;
  /** Resolves once `count` events match. */
  waitForCount(
    match: (event: InboundEvent) => boolean,
    count: number,
    timeoutMs?: number,
  ): Promise<InboundEvent[]>;
  stop(): Promise<void>;
}

export async function startWhatsApp(
  fake: FakeGraphOptions = {},
  adapter: Partial<WhatsAppCloudOptions> = {},
): Promise<WhatsAppRun> {
  const graph = await startFakeGraph(fake);
  const channel = new WhatsAppCloudChannel({
    phoneNumberId: PHONE_NUMBER_ID,
    accessToken: graph.accessToken,
    appSecret: graph.appSecret,
    verifyToken: VERIFY_TOKEN,
    graphUrl: graph.url,
    ...adapter,
  });
  const events: InboundEvent[] = [];
  const posts: WhatsAppRun['posts'] = [];
  const waiters = new Set<() => void>();
  channel.onInbound((event) => {
    events.push(event);
    for (const w of waiters) w();
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET') {
      const challenge = channel.webhook.verifyHandshake(Object.fromEntries(url.searchParams));
      res.writeHead(challenge === undefined ? 403 : 200, { 'content-type': 'text/plain' });
      return void res.end(challenge ?? 'forbidden');
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      channel.deliverWebhook(body, req.headers).then(
        () => reply(200),
        (error: unknown) => reply(error instanceof WebhookSignatureError ? 401 : 400),
      );
      function reply(status: number) {
        posts.push({ status, body, headers: req.headers });
        res.writeHead(status);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
  await graph.subscribe(webhookUrl, VERIFY_TOKEN);

  const waitForCount = (match: (e: InboundEvent) => boolean, count: number, timeoutMs = 5_000) =>
    new Promise<InboundEvent[]>((resolve, reject) => {
      const check = () => {
        const found = events.filter(match);
        if (found.length < count) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `waited ${timeoutMs} ms for ${count} matching events; got ${JSON.stringify(events)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return {
    graph,
    channel,
    events,
    posts,
    webhookUrl,
    waitForCount,
    waitFor: async (match, timeoutMs) => (await waitForCount(match, 1, timeoutMs))[0]!,
    async stop() {
      await channel.close();
      await graph.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The person the send tests write to. */
export const SEND_PERSON = '+6281200000001';

/**
 * A run for the send tests: two templates registered (positional with an image header and
 * quick replies, and named), and the person's window opened by their own message, so free-form
 * sends are accepted. `sent` sends a content and answers the request body the fake accepted.
 */
export async function startSendRun(): Promise<{
  run: WhatsAppRun;
  sent(content: OutboundContent, replyTo?: string): Promise<Record<string, unknown>>;
}> {
  const run = await startWhatsApp({
    templates: [
      { name: 'order_confirm', language: 'id', body: 2, header: 'image', quickReplies: 2 },
      { name: 'sale_notice', language: 'en_US', body: ['first_name', 'sale_date'] },
    ],
  });
  // Free-form sends need the person's window open: only their own message opens it.
  await run.graph.userSends(PHONE_NUMBER_ID, SEND_PERSON, 'hello');
  let n = 0;
  return {
    run,
    async sent(content, replyTo) {
      const receipt = await run.channel.send({
        from: PHONE_NUMBER_ID,
        to: SEND_PERSON,
        content,
        idempotencyKey: `k${++n}`,
        ...(replyTo ? { replyTo } : {}),
      });
      const accepted = run.graph.sent().find((s) => s.wamid === receipt.providerMessageId);
      assert.ok(accepted, 'the fake recorded the send under the id the adapter answered');
      assert.match(receipt.providerMessageId, /^wamid\./);
      return accepted.body;
    },
  };
}
