import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChannelSendError } from '../../src/channels/messaging/messaging-channel.ts';
import { WhatsAppCloudChannel } from '../../src/channels/messaging/whatsapp-cloud/whatsapp-cloud-channel.ts';
import {
  startFakeGraphProcess,
  type RemoteFakeGraph,
} from '../fakes/whatsapp-cloud/fake-graph-process.ts';

// The local Graph server run in a child process (for benchmarks) answers like the in-process one,
// and its test API works across the process boundary.

let graph: RemoteFakeGraph;
let channel: WhatsAppCloudChannel;

before(async () => {
  graph = await startFakeGraphProcess({ templates: [{ name: 'hello', language: 'en' }] });
  channel = new WhatsAppCloudChannel({
    phoneNumberId: '2002',
    accessToken: graph.accessToken,
    appSecret: graph.appSecret,
    verifyToken: 'v',
    graphUrl: graph.url,
  });
});
after(async () => {
  await channel.close();
  await graph.close();
});

describe('the local Graph server in a child process', () => {
  it('accepts a send, records it, and counts it', async () => {
    const content = {
      type: 'template',
      template: { name: 'hello', language: 'en', body: {} },
    } as const;
    const { providerMessageId } = await channel.send({
      from: '2002',
      to: '+6281700000007',
      content,
      idempotencyKey: 'p1',
    });
    const received = await graph.received('+6281700000007');
    assert.deepEqual(
      received.map((r) => [r.wamid, r.phoneNumberId, r.type]),
      [[providerMessageId, '2002', 'template']],
    );
    assert.equal((await graph.counters()).accepted, 1);
  });

  it('takes failNext and setThroughput across the boundary', async () => {
    await graph.failNext(131048);
    await assert.rejects(
      channel.send({
        from: '2002',
        to: '+6281700000007',
        content: { type: 'text', text: 'x' },
        idempotencyKey: 'p2',
      }),
      (e: unknown) => e instanceof ChannelSendError && e.code === '131048' && e.retryable,
    );
    await graph.setThroughput('2002', 1);
    const results = await Promise.allSettled(
      [1, 2, 3].map((i) =>
        channel.send({
          from: '2002',
          to: `+628170000001${i}`,
          content: { type: 'text', text: 'x' },
          idempotencyKey: `t${i}`,
        }),
      ),
    );
    const codes = results.map((r) =>
      r.status === 'rejected' ? (r.reason as ChannelSendError).code : 'ok',
    );
    assert.ok(codes.includes('130429'), codes.join());
  });
});
