import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Action } from '../../src/dialogue/conversation.ts';
import { botTurn } from '../../src/modules/chatbot/chat-bot-turn.ts';
import { contentFromInbound, contentToOutbound } from '../../src/modules/chatbot/chat-content.ts';

// An engine step as chat messages: lines become robot messages `<base>-0`, `-1` …; a listen with
// choices turns the question into reply buttons (≤3) or a list; transfer and end are reported.

const BASE = '0b83f81b7ede2cc620b5a9cabc021855';
const listen = (choices?: Array<{ id: string; title: string }>): Action =>
  ({
    type: 'listen',
    expects: { kind: 'intent', intents: ['a'] },
    timeoutSeconds: 60,
    language: 'en',
    ...(choices ? { choices } : {}),
  }) as Action;

describe('bot turns as chat messages', () => {
  it('numbers the lines of one step from one base id', () => {
    const turn = botTurn(
      [{ type: 'say', text: 'Hello' }, { type: 'say', text: 'Who is this?' }, listen()],
      BASE,
    );
    assert.deepEqual(turn.messages, [
      { id: `${BASE}-0`, content: { type: 'text', text: 'Hello' } },
      { id: `${BASE}-1`, content: { type: 'text', text: 'Who is this?' } },
    ]);
    assert.equal(turn.transfer, null);
    assert.equal(turn.end, null);
  });

  it('makes up to three choices reply buttons on the question', () => {
    const turn = botTurn(
      [
        { type: 'say', text: 'Hi' },
        { type: 'say', text: 'Your gender?' },
        listen([
          { id: 'male', title: '男' },
          { id: 'female', title: '女' },
          { id: 'other', title: '其他' },
        ]),
      ],
      BASE,
    );
    assert.deepEqual(turn.messages[1], {
      id: `${BASE}-1`,
      content: {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Your gender?' },
          footer: { text: '' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: `${BASE}-1-button-0-male`, title: '男' } },
              { type: 'reply', reply: { id: `${BASE}-1-button-1-female`, title: '女' } },
              { type: 'reply', reply: { id: `${BASE}-1-button-2-other`, title: '其他' } },
            ],
          },
        },
      },
    });
    // What goes to the channel is the channel's own interactive shape.
    assert.deepEqual(contentToOutbound(turn.messages[1]!.content), {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: 'Your gender?',
        buttons: [
          { id: `${BASE}-1-button-0-male`, title: '男' },
          { id: `${BASE}-1-button-1-female`, title: '女' },
          { id: `${BASE}-1-button-2-other`, title: '其他' },
        ],
      },
    });
  });

  it('makes four or more choices a list', () => {
    const choices = ['pay', 'date', 'agent', 'stop'].map((id) => ({ id, title: id.toUpperCase() }));
    const turn = botTurn([{ type: 'say', text: 'What now?' }, listen(choices)], BASE);
    const content = turn.messages[0]!.content;
    assert.equal(content.type, 'interactive');
    const interactive = content.type === 'interactive' ? content.interactive : undefined;
    assert.equal(interactive?.type, 'list');
    if (interactive?.type !== 'list') return;
    assert.equal(interactive.body.text, 'What now?');
    assert.deepEqual(
      interactive.action.sections[0]!.rows.map((r) => [r.id, r.title]),
      choices.map((c, i) => [`${BASE}-0-list-0-${i}-${c.id}`, c.title]),
    );
  });

  it('reports a handoff and an end', () => {
    const handoff = botTurn(
      [
        { type: 'say', text: 'One moment' },
        { type: 'transfer', target: 'billing' },
      ],
      BASE,
    );
    assert.deepEqual(handoff.transfer, { target: 'billing' });
    assert.equal(handoff.messages.length, 1);
  });

  it("stores a user's choice and a template tap in the spec's shapes (§5.8)", () => {
    assert.deepEqual(
      contentFromInbound({ type: 'choice', choice: { kind: 'button', id: 'x', title: '男' } }),
      { type: 'interactive', text: '男' },
    );
    assert.deepEqual(contentFromInbound({ type: 'button', button: { text: 'no', payload: 'p' } }), {
      type: 'button',
      text: 'no',
    });
    assert.deepEqual(
      contentFromInbound({ type: 'contacts', contacts: [{ name: 'A', phoneNumber: '+8612' }] }),
      { type: 'contacts', contacts: [{ name: 'A', phone_number: '+8612' }] },
    );
  });
});
