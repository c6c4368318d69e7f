import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  mapInbound,
  replyCallback,
  summaryCallback,
  type WireInbound,
} from '../../src/modules/chatbot/bot-channel.wire.ts';

// The Huawei / bot channel wire (spec/chatbot-api.md §6, §7): what a channel's messages become in
// the transcript, and the callbacks' shapes. The routes' tests (huawei.test.ts) drive the same
// mapping end to end; these pin each shape.

const SESSION = {
  callId: 'netinfo session id',
  channel: 'HuaWei',
  channelId: 'hwbcauat',
  userId: '123',
  userName: 'nick',
};
const AT = new Date('2024-07-29T03:17:44Z');

describe('bot channel wire', () => {
  it('maps each §6.1 message type to the stored content of §5.7/§5.8', () => {
    const cases: Array<[WireInbound, unknown, string | undefined]> = [
      [{ type: 'text', text: 'hi' }, { type: 'text', text: 'hi' }, undefined],
      [
        { type: 'image', media: { origin_url: 'https://x/a.jpg' } },
        { type: 'image', media: { origin_url: 'https://x/a.jpg' } },
        undefined,
      ],
      [
        { type: 'file', media: { origin_url: 'https://x/a.pdf', name: 'a.pdf' } },
        { type: 'file', media: { origin_url: 'https://x/a.pdf', name: 'a.pdf' } },
        undefined,
      ],
      [
        // A name on a non-file medium is not part of its stored shape.
        { type: 'audio', media: { origin_url: 'https://x/a.wav', name: 'ignored' } },
        { type: 'audio', media: { origin_url: 'https://x/a.wav' } },
        undefined,
      ],
      [
        {
          type: 'interactive',
          interactive: {
            type: 'list_reply',
            list_reply: { id: 'h-3-1-list-0-0-', title: '物流查询' },
          },
        },
        { type: 'interactive', text: '物流查询' },
        'h-3-1-list-0-0-',
      ],
      [
        {
          type: 'interactive',
          interactive: {
            type: 'button_reply',
            button_reply: { id: 'h-2-1-button-0-', title: '男' },
          },
        },
        { type: 'interactive', text: '男' },
        'h-2-1-button-0-',
      ],
      [
        { type: 'contacts', contacts: [{ name: 'a', phone_number: '+861' }] },
        { type: 'contacts', contacts: [{ name: 'a', phone_number: '+861' }] },
        undefined,
      ],
    ];
    for (const [wire, content, optionId] of cases) {
      const mapped = mapInbound(wire);
      assert.deepEqual(mapped.content, content);
      assert.equal(mapped.optionId, optionId);
    }
  });

  it('builds the §6.3 reply callback', () => {
    assert.deepEqual(
      replyCallback(SESSION, [
        { msgId: 'c98a-0', senderType: 'robot', at: AT, content: { type: 'text', text: 'hi' } },
      ]),
      {
        call_id: 'netinfo session id',
        channel: 'HuaWei',
        channel_id: 'hwbcauat',
        user: { id: '123', name: 'nick' },
        messages: [
          {
            msg_id: 'c98a-0',
            sender_type: 'robot',
            timestamp: 1722223064,
            content: { type: 'text', text: 'hi' },
          },
        ],
      },
    );
  });

  it('adds a summary built from the report to §7.5', () => {
    const report = {
      call_id: 'c',
      talk_round: 2,
      session_end_reason: 'robot',
      intention: 'E',
      messages: [
        { sender_type: 'system' },
        { sender_type: 'user' },
        { sender_type: 'robot' },
        { sender_type: 'robot' },
      ],
    };
    const summary = summaryCallback(report);
    assert.equal(summary.call_id, 'c');
    assert.equal(
      summary.summary,
      '1 user message(s), 2 bot message(s), 0 agent message(s), 2 round(s); ended by robot; intention E.',
    );
  });
});
