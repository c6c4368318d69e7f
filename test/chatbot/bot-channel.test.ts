import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { startSurfaces, type SurfacesHarness } from './inbox-harness.ts';

// The generic bot channel (spec/chatbot-api.md §7) on the real server: §7.1's example starts the
// named robot with the variables given, replies leave as §7.2 callbacks naming the integrator's
// channel, an interactive answer quotes the menu that offered its option id, and each error.

const EXAMPLE = {
  call_id: '6cf8c876eeefdca168ae7a08cb93fe20',
  channel: 'WhatsApp',
  channel_id: '6583753709',
  robot_id: '4755',
  user: { id: '62895402190807', name: 'nick' },
  variables: { name: 'tom' },
  messages: [{ type: 'text', text: 'hi' }],
};
const MENU = {
  type: 'interactive',
  interactive: {
    type: 'button',
    body: { text: 'Pick one' },
    footer: { text: '' },
    action: {
      buttons: [
        { type: 'reply', reply: { id: '9ceb8dbe777a-2-1-button-0-', title: 'Yes' } },
        { type: 'reply', reply: { id: '9ceb8dbe777a-2-1-button-1-', title: 'No' } },
      ],
    },
  },
};

describe(`bot channel (${storeKind})`, () => {
  let h: SurfacesHarness;
  before(async () => {
    h = await startSurfaces('bot-a');
    const r = await h.v1('PUT', '/v1/chatbot/bot-channels/bot/6583753709', {
      callback_url: 'http://127.0.0.1:9/bot',
      channel_name: 'WhatsApp',
      robot_id: '4497',
    });
    assert.equal(r.status, 200, r.text);
  });
  after(() => h.close());

  it('refuses a robot the app cannot use, and bad variables, storing nothing', async () => {
    const noRobot = await h.api('/api/v1/channel/bot/message', EXAMPLE);
    assert.equal(noRobot.status, 404);
    assert.equal(noRobot.json.code, 404);
    assert.match(noRobot.json.message, /4755/);
    const badVars = await h.api('/api/v1/channel/bot/message', {
      ...EXAMPLE,
      robot_id: '4497',
      variables: { name: { first: 'tom' } },
    });
    assert.equal(badVars.status, 400);
    const badRobot = await h.api('/api/v1/channel/bot/message', { ...EXAMPLE, robot_id: 'x' });
    assert.equal(badRobot.status, 400);
    const [count] = await h.server.store.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM chat_sessions',
    );
    assert.equal(Number(count?.n), 0);
  });

  it('§7.1 starts the named robot with the variables; §7.2 replies name the channel', async () => {
    const r = await h.api('/api/v1/channel/bot/message', { ...EXAMPLE, robot_id: '4498' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data, {});
    const [s] = await h.server.store.db.query<{
      channel: string;
      robot_id: string;
      variables: unknown;
    }>('SELECT channel, robot_id, variables FROM chat_sessions WHERE id = $1', [EXAMPLE.call_id]);
    assert.deepEqual(s, { channel: 'bot', robot_id: '4498', variables: { name: 'tom' } });
    const replies = await h.events('chatbot.channel_reply', h.appIds[0]);
    assert.ok(replies.length > 0);
    assert.equal(replies[0]!.payload.channel, 'WhatsApp');
    assert.equal(replies[0]!.payload.call_id, EXAMPLE.call_id);
    assert.deepEqual(replies[0]!.payload.user, { id: '62895402190807', name: 'nick' });
  });

  it('an interactive answer is stored as {type:"interactive", text} quoting the menu that offered it', async () => {
    // A menu of the session (the bot's menus come with the dialogue engine's choices): two of
    // them, so the answer must find the one offering its id, not merely the latest.
    const db = h.server.store.db;
    const menu = (id: string, content: unknown, at: string) =>
      db.query(
        `INSERT INTO chat_messages (id, app_id, session_id, sender_type, content, status, created_at)
         VALUES ($1, $2, $3, 'robot', $4, 'sent', $5)`,
        [id, h.appIds[0], EXAMPLE.call_id, content, at],
      );
    await menu('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-0', MENU, '2026-12-03T10:00:00Z');
    const other = structuredClone(MENU);
    other.interactive.action.buttons = [
      { type: 'reply', reply: { id: 'ffff-9-9-button-0-', title: 'Other' } },
    ];
    await menu('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-0', other, '2026-12-03T10:00:01Z');
    const r = await h.api('/api/v1/channel/bot/message', {
      ...EXAMPLE,
      robot_id: undefined,
      messages: [
        {
          type: 'interactive',
          interactive: {
            type: 'button_reply',
            button_reply: { id: '9ceb8dbe777a-2-1-button-1-', title: 'No' },
          },
        },
      ],
    });
    assert.equal(r.status, 200, r.text);
    const [answer] = await db.query<{ content: unknown; reply_to: string }>(
      `SELECT content, reply_to FROM chat_messages
       WHERE session_id = $1 AND sender_type = 'user' ORDER BY seq DESC LIMIT 1`,
      [EXAMPLE.call_id],
    );
    assert.deepEqual(answer, {
      content: { type: 'interactive', text: 'No' },
      reply_to: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-0',
    });
  });

  it('names each missing field of a message by its index', async () => {
    for (const [message, pattern] of [
      [{ type: 'text' }, /messages\[0\]: text/],
      [{ type: 'interactive', interactive: { type: 'list_reply' } }, /messages\[0\]: interactive/],
      [{ type: 'location' }, /messages\[0\]: location/],
      [{ type: 'contacts' }, /messages\[0\]: contacts/],
    ] as const) {
      const r = await h.api('/api/v1/channel/bot/message', { ...EXAMPLE, messages: [message] });
      assert.equal(r.status, 400, JSON.stringify(message));
      assert.match(r.json.message, pattern);
    }
  });

  it('refuses messages once the channel is removed', async () => {
    assert.equal((await h.v1('DELETE', '/v1/chatbot/bot-channels/bot/6583753709')).status, 200);
    assert.equal((await h.v1('DELETE', '/v1/chatbot/bot-channels/bot/6583753709')).status, 404);
    const r = await h.api('/api/v1/channel/bot/message', { ...EXAMPLE, robot_id: '4498' });
    assert.equal(r.status, 404);
  });
});
