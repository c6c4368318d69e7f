import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signatureOf } from '../../src/channels/messaging/whatsapp-cloud/whatsapp-signature.ts';
import { WhatsAppCloudChannel } from '../../src/channels/messaging/whatsapp-cloud/whatsapp-cloud-channel.ts';
import { capturedLog } from '../helpers/log-capture.ts';
import { PHONE_NUMBER_ID, startWhatsApp, type WhatsAppRun } from './whatsapp-cloud-harness.ts';

// Status webhooks from the local Graph server parsed into status events: in order, reordered,
// duplicated, with delivered skipped, batched; failed and played statuses; value.errors logged.
// The adapter neither dedupes nor orders: the messaging module does.

let run: WhatsAppRun;

before(async () => {
  run = await startWhatsApp();
});
after(() => run.stop());

describe('WhatsApp webhook: statuses', () => {
  async function statusesOf(
    behaviour: Parameters<WhatsAppRun['graph']['setWebhookBehaviour']>[0],
    count: number,
  ) {
    const person = '+6281400000010';
    await run.graph.userSends(PHONE_NUMBER_ID, person, 'open my window');
    run.graph.setWebhookBehaviour(behaviour);
    try {
      const { providerMessageId } = await run.channel.send({
        from: PHONE_NUMBER_ID,
        to: person,
        content: { type: 'text', text: 'x' },
        idempotencyKey: providerMessageIdKey(),
      });
      const events = await run.waitForCount(
        (e) => e.kind === 'status' && e.providerMessageId === providerMessageId,
        count,
      );
      for (const e of events) assert.equal(e.kind === 'status' && e.recipient, person);
      return {
        providerMessageId,
        statuses: events.map((e) => (e.kind === 'status' ? e.status : '?')),
      };
    } finally {
      run.graph.setWebhookBehaviour({
        duplicate: false,
        reorder: false,
        skipDelivered: false,
        batch: 1,
      });
    }
  }
  let k = 0;
  const providerMessageIdKey = () => `s${++k}`;

  it('sent, delivered, read in order by default', async () => {
    assert.deepEqual((await statusesOf({}, 3)).statuses, ['sent', 'delivered', 'read']);
  });

  it('out of order: all three parsed as they come, newest first', async () => {
    assert.deepEqual((await statusesOf({ reorder: true }, 3)).statuses, [
      'read',
      'delivered',
      'sent',
    ]);
  });

  it('duplicated: every status parsed twice, nothing deduplicated', async () => {
    assert.deepEqual((await statusesOf({ duplicate: true }, 6)).statuses, [
      'sent',
      'sent',
      'delivered',
      'delivered',
      'read',
      'read',
    ]);
  });

  it('delivered skipped when read at once', async () => {
    const { providerMessageId, statuses } = await statusesOf({ skipDelivered: true }, 2);
    await run.graph.idle();
    assert.deepEqual(statuses, ['sent', 'read']);
    assert.equal(
      run.events.filter((e) => e.kind === 'status' && e.providerMessageId === providerMessageId)
        .length,
      2,
    );
  });

  it('several statuses in one POST are all parsed', async () => {
    run.graph.setWebhookBehaviour({ batch: 3, batchWaitMs: 50 });
    try {
      const people = ['+6281400000021', '+6281400000022', '+6281400000023'];
      for (const p of people) await run.graph.userSends(PHONE_NUMBER_ID, p, 'hi');
      const postsBefore = run.posts.length;
      const receipts = await Promise.all(
        people.map((p, i) =>
          run.channel.send({
            from: PHONE_NUMBER_ID,
            to: p,
            content: { type: 'text', text: 'x' },
            idempotencyKey: `batch${i}`,
          }),
        ),
      );
      const ids = new Set(receipts.map((r) => r.providerMessageId));
      await run.waitForCount(
        (e) => e.kind === 'status' && e.status === 'sent' && ids.has(e.providerMessageId),
        3,
      );
      await run.graph.idle();
      const batched = run.posts
        .slice(postsBefore)
        .find((p) => (p.body.toString().match(/"status":"sent"/g) ?? []).length === 3);
      assert.ok(batched, 'one POST carried the three sent statuses');
    } finally {
      run.graph.setWebhookBehaviour({ batch: 1 });
    }
  });

  it('a failed status carries the code and details; value.errors go to the logger', async () => {
    const logs = capturedLog('warn');
    const channel = new WhatsAppCloudChannel({
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: 't',
      appSecret: 'sec',
      verifyToken: 'v',
      logger: logs.log,
    });
    const body = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'waba',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '6221000', phone_number_id: PHONE_NUMBER_ID },
                  statuses: [
                    {
                      id: 'wamid.F',
                      status: 'failed',
                      timestamp: '1764720000',
                      recipient_id: '6281400000031',
                      errors: [
                        {
                          code: 131047,
                          title: 'Re-engagement message',
                          message: 'Re-engagement message',
                          error_data: { details: 'More than 24 hours' },
                        },
                      ],
                    },
                    {
                      id: 'wamid.P',
                      status: 'played',
                      timestamp: '1764720001',
                      recipient_id: '6281400000031',
                    },
                    {
                      id: 'wamid.W',
                      status: 'warning',
                      timestamp: '1764720001',
                      recipient_id: '6281400000031',
                    },
                  ],
                  errors: [
                    {
                      code: 131042,
                      title: 'Business eligibility payment issue',
                      error_data: { details: 'payment method missing' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
    const events = await channel.deliverWebhook(body, {
      'x-hub-signature-256': signatureOf(body, 'sec'),
    });
    await channel.close();
    assert.deepEqual(events, [
      {
        kind: 'status',
        providerMessageId: 'wamid.F',
        recipient: '+6281400000031',
        status: 'failed',
        at: new Date(1764720000_000),
        error: { code: '131047', message: 'More than 24 hours' },
      },
      {
        kind: 'status',
        providerMessageId: 'wamid.P',
        recipient: '+6281400000031',
        status: 'read',
        at: new Date(1764720001_000),
      },
    ]);
    const warned = logs.lines.find((l) => l.code === '131042');
    assert.ok(warned, 'value.errors logged');
    assert.deepEqual(
      [warned.phoneNumberId, warned.detail],
      [PHONE_NUMBER_ID, 'payment method missing'],
    );
  });
});
