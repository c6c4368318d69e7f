import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChannelSendError } from '../../src/channels/messaging/messaging-channel.ts';
import {
  PHONE_NUMBER_ID,
  SEND_PERSON,
  startSendRun,
  type WhatsAppRun,
} from './whatsapp-cloud-harness.ts';

// Every OutboundContent as the Cloud API receives it: the exact JSON the local Graph server got,
// Meta's limits refused before any request, and mark-as-read.

const PERSON = SEND_PERSON;
let run: WhatsAppRun;
let sent: Awaited<ReturnType<typeof startSendRun>>['sent'];

before(async () => {
  ({ run, sent } = await startSendRun());
});
after(() => run.stop());

const envelope = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '6281200000001',
};

describe('WhatsApp Cloud send: content mapping', () => {
  it('text, with a link preview only when the text has a link, and a reply context', async () => {
    assert.deepEqual(await sent({ type: 'text', text: 'Halo 👋' }), {
      ...envelope,
      type: 'text',
      text: { preview_url: false, body: 'Halo 👋' },
    });
    assert.deepEqual(
      await sent({ type: 'text', text: 'Pay at https://pay.example/x' }, 'wamid.Q'),
      {
        ...envelope,
        type: 'text',
        text: { preview_url: true, body: 'Pay at https://pay.example/x' },
        context: { message_id: 'wamid.Q' },
      },
    );
  });

  it('image, video, audio and a file (document) by link, with caption and file name', async () => {
    const url = 'https://cdn.example/a';
    assert.deepEqual(await sent({ type: 'image', media: { url, caption: 'Receipt' } }), {
      ...envelope,
      type: 'image',
      image: { link: url, caption: 'Receipt' },
    });
    assert.deepEqual(await sent({ type: 'video', media: { url } }), {
      ...envelope,
      type: 'video',
      video: { link: url },
    });
    assert.deepEqual(await sent({ type: 'audio', media: { url } }), {
      ...envelope,
      type: 'audio',
      audio: { link: url },
    });
    assert.deepEqual(
      await sent({ type: 'file', media: { url, name: 'invoice.pdf', caption: 'Invoice' } }),
      {
        ...envelope,
        type: 'document',
        document: { link: url, caption: 'Invoice', filename: 'invoice.pdf' },
      },
    );
  });

  it('location and contacts', async () => {
    assert.deepEqual(
      await sent({
        type: 'location',
        location: { latitude: -6.2, longitude: 106.8, name: 'Branch', address: 'Jl. Sudirman 1' },
      }),
      {
        ...envelope,
        type: 'location',
        location: { latitude: -6.2, longitude: 106.8, name: 'Branch', address: 'Jl. Sudirman 1' },
      },
    );
    assert.deepEqual(
      await sent({
        type: 'contacts',
        contacts: [{ name: 'Help desk', phoneNumber: '+6221500500' }],
      }),
      {
        ...envelope,
        type: 'contacts',
        contacts: [
          {
            name: { formatted_name: 'Help desk', first_name: 'Help desk' },
            phones: [{ phone: '+6221500500', type: 'CELL' }],
          },
        ],
      },
    );
  });

  it('interactive reply buttons and a list', async () => {
    assert.deepEqual(
      await sent({
        type: 'interactive',
        interactive: {
          type: 'button',
          body: 'Pay today?',
          footer: 'Bank X',
          buttons: [
            { id: 'yes', title: 'Yes' },
            { id: 'no', title: 'No' },
          ],
        },
      }),
      {
        ...envelope,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pay today?' },
          footer: { text: 'Bank X' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
              { type: 'reply', reply: { id: 'no', title: 'No' } },
            ],
          },
        },
      },
    );
    assert.deepEqual(
      await sent({
        type: 'interactive',
        interactive: {
          type: 'list',
          body: 'When can you pay?',
          button: 'Choose',
          sections: [
            {
              title: 'This week',
              rows: [{ id: 'd1', title: 'Tomorrow', description: 'Before noon' }],
            },
            { title: 'Later', rows: [{ id: 'd7', title: 'Next week' }] },
          ],
        },
      }),
      {
        ...envelope,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'When can you pay?' },
          action: {
            button: 'Choose',
            sections: [
              {
                title: 'This week',
                rows: [{ id: 'd1', title: 'Tomorrow', description: 'Before noon' }],
              },
              { title: 'Later', rows: [{ id: 'd7', title: 'Next week' }] },
            ],
          },
        },
      },
    );
  });

  it('a template with a media header, positional body values in order and quick-reply payloads', async () => {
    assert.deepEqual(
      await sent({
        type: 'template',
        template: {
          name: 'order_confirm',
          language: 'id',
          // Given out of order: positions decide.
          body: { '2': 'Rp 150.000', '1': 'Budi' },
          headerMedia: { type: 'image', url: 'https://cdn.example/order.png' },
          buttonPayloads: ['confirm:42', 'cancel:42'],
        },
      }),
      {
        ...envelope,
        type: 'template',
        template: {
          name: 'order_confirm',
          language: { code: 'id' },
          components: [
            {
              type: 'header',
              parameters: [{ type: 'image', image: { link: 'https://cdn.example/order.png' } }],
            },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Budi' },
                { type: 'text', text: 'Rp 150.000' },
              ],
            },
            {
              type: 'button',
              sub_type: 'quick_reply',
              index: '0',
              parameters: [{ type: 'payload', payload: 'confirm:42' }],
            },
            {
              type: 'button',
              sub_type: 'quick_reply',
              index: '1',
              parameters: [{ type: 'payload', payload: 'cancel:42' }],
            },
          ],
        },
      },
    );
  });

  it('a template with named body parameters', async () => {
    assert.deepEqual(
      await sent({
        type: 'template',
        template: {
          name: 'sale_notice',
          language: 'en_US',
          body: { first_name: 'Ann', sale_date: 'May 1' },
        },
      }),
      {
        ...envelope,
        type: 'template',
        template: {
          name: 'sale_notice',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', parameter_name: 'first_name', text: 'Ann' },
                { type: 'text', parameter_name: 'sale_date', text: 'May 1' },
              ],
            },
          ],
        },
      },
    );
  });
});

describe('WhatsApp Cloud markRead', () => {
  it('posts status "read" for the person\'s message, and the provider records it', async () => {
    const wamid = await run.graph.userSends(PHONE_NUMBER_ID, PERSON, 'are you there?');
    await run.channel.markRead(PHONE_NUMBER_ID, wamid);
    assert.deepEqual(
      run.graph.reads().map((r) => [r.phoneNumberId, r.messageId]),
      [[PHONE_NUMBER_ID, wamid]],
    );
  });

  it('rejects with Graph code 100 for a message the number never received', async () => {
    await assert.rejects(
      run.channel.markRead(PHONE_NUMBER_ID, 'wamid.unknown'),
      (error: unknown) => {
        return error instanceof ChannelSendError && error.code === '100' && !error.retryable;
      },
    );
  });
});
