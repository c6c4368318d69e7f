import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ChannelSendError,
  type OutboundContent,
} from '../../src/channels/messaging/messaging-channel.ts';
import {
  PHONE_NUMBER_ID,
  SEND_PERSON,
  startSendRun,
  type WhatsAppRun,
} from './whatsapp-cloud-harness.ts';

// Meta's limits on what a message may carry, refused by the adapter before any request (and the
// edge that passes: characters, not UTF-16 units, are counted).

const PERSON = SEND_PERSON;
let run: WhatsAppRun;
let sent: Awaited<ReturnType<typeof startSendRun>>['sent'];

before(async () => {
  ({ run, sent } = await startSendRun());
});
after(() => run.stop());

describe('WhatsApp Cloud send: limits refused before any request', () => {
  const buttons = (count: number, title = 'Ok') =>
    Array.from({ length: count }, (_, i) => ({ id: `b${i}`, title }));
  const rows = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
  const cases: Array<[string, OutboundContent]> = [
    [
      '4 buttons',
      { type: 'interactive', interactive: { type: 'button', body: 'b', buttons: buttons(4) } },
    ],
    [
      'no buttons',
      { type: 'interactive', interactive: { type: 'button', body: 'b', buttons: [] } },
    ],
    [
      'a 21-character button title',
      {
        type: 'interactive',
        interactive: { type: 'button', body: 'b', buttons: buttons(1, 'x'.repeat(21)) },
      },
    ],
    [
      'duplicate button ids',
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: 'b',
          buttons: [
            { id: 'a', title: '1' },
            { id: 'a', title: '2' },
          ],
        },
      },
    ],
    [
      '11 rows over two sections',
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: 'b',
          button: 'Pick',
          sections: [
            { title: 'A', rows: rows(6) },
            { title: 'B', rows: rows(5).map((r) => ({ ...r, id: `s${r.id}` })) },
          ],
        },
      },
    ],
    [
      'a 25-character row title',
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: 'b',
          button: 'Pick',
          sections: [{ title: 'A', rows: [{ id: 'r', title: 'y'.repeat(25) }] }],
        },
      },
    ],
    [
      'a 73-character row description',
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: 'b',
          button: 'Pick',
          sections: [{ title: 'A', rows: [{ id: 'r', title: 't', description: 'd'.repeat(73) }] }],
        },
      },
    ],
    ['a 4,097-character text', { type: 'text', text: 'a'.repeat(4097) }],
    ['an empty text', { type: 'text', text: '' }],
    [
      'a caption on audio',
      { type: 'audio', media: { url: 'https://cdn.example/a.ogg', caption: 'listen' } },
    ],
    ['a media link that is not http(s)', { type: 'image', media: { url: 'file:///etc/passwd' } }],
    [
      'template positions with a gap',
      {
        type: 'template',
        template: { name: 'order_confirm', language: 'id', body: { '1': 'a', '3': 'c' } },
      },
    ],
    [
      'template positions mixed with names',
      {
        type: 'template',
        template: { name: 'order_confirm', language: 'id', body: { '1': 'a', name: 'b' } },
      },
    ],
    [
      'an empty template value',
      {
        type: 'template',
        template: { name: 'order_confirm', language: 'id', body: { '1': ' ', '2': 'b' } },
      },
    ],
    [
      'a template value with a new line',
      {
        type: 'template',
        template: { name: 'order_confirm', language: 'id', body: { '1': 'Jl. A\nNo 1', '2': 'b' } },
      },
    ],
  ];
  for (const [what, content] of cases) {
    it(`refuses ${what} as unsupported_content, not retryable, without a request`, async () => {
      const before = run.graph.counters.requests;
      await assert.rejects(
        run.channel.send({
          from: PHONE_NUMBER_ID,
          to: PERSON,
          content,
          idempotencyKey: `limit-${what}`,
        }),
        (error: unknown) =>
          error instanceof ChannelSendError &&
          error.code === 'unsupported_content' &&
          !error.retryable,
      );
      assert.equal(run.graph.counters.requests, before);
    });
  }

  it('counts characters, not UTF-16 units: 20 emoji make a valid button title', async () => {
    const body = await sent({
      type: 'interactive',
      interactive: { type: 'button', body: 'b', buttons: [{ id: 'e', title: '😀'.repeat(20) }] },
    });
    type Buttons = { action: { buttons: Array<{ reply: { title: string } }> } };
    const title = (body.interactive as Buttons).action.buttons[0]!.reply.title;
    assert.equal(title, '😀'.repeat(20));
    assert.equal(title.length, 40);
  });
});
