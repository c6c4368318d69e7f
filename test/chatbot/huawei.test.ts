import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { startSurfaces, type SurfacesHarness } from './inbox-harness.ts';

// The Huawei channel variant (spec/chatbot-api.md §6) on the real server: the spec's own request
// example, byte for byte, runs the bot and its answers leave as §6.3 callbacks; §6.2 hands the
// session to Huawei's agent, after which the bot is silent; each documented error refuses the
// request whole.

// §6.1's request example, exactly as the documentation shows it.
const SPEC_EXAMPLE = `{"call_id": "netinfo session id", "channel": "HuaWei", "channel_id": "hwbcauat",
 "user": {"id": "123", "name": "nick"},
 "messages": [
  {"type": "text", "text": "hi"},
  {"type": "image", "media": {"origin_url": "https://www.airudder.com/xxx.jpg"}},
  {"type": "video", "media": {"origin_url": "https://www.airudder.com/xxxx.mp4"}},
  {"type": "audio", "media": {"origin_url": "https://www.airudder.com/xxx.wav"}},
  {"type": "file", "media": {"origin_url": "https://www.airudder.com/xxx.pdf", "name": "xxx.pdf"}},
  {"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": "3eeb467c935f6f2cb45021364ef3c1e8-3-1-list-0-0-", "title": "物流查询"}}},
  {"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "3eeb467c935f6f2cb45021364ef3c1e8-2-1-button-0-", "title": "男"}}}]}`;

const CALL_ID = 'netinfo session id';
const CALLBACK = 'http://127.0.0.1:9/huawei-callbacks';

describe(`Huawei channel (${storeKind})`, () => {
  let h: SurfacesHarness;
  before(async () => {
    h = await startSurfaces('huawei-a', 'huawei-b');
  });
  after(() => h.close());

  const userMessages = async (callId: string, token?: string) => {
    const detail = await h.v1(
      'GET',
      `/v1/inbox/conversations/${encodeURIComponent(callId)}?size=200`,
      undefined,
      token,
    );
    assert.equal(detail.status, 200, detail.text);
    return (detail.json.data.messages as Array<{ sender_type: string; content: unknown }>)
      .filter((m) => m.sender_type === 'user')
      .reverse();
  };
  const messageCount = async () =>
    Number(
      (await h.server.store.db.query<{ n: string }>('SELECT count(*) AS n FROM chat_messages'))[0]!
        .n,
    );

  it('refuses a channel the app has not registered (404 in the envelope), storing nothing', async () => {
    const r = await h.api('/api/v1/channel/huawei/message', SPEC_EXAMPLE, { raw: true });
    assert.equal(r.status, 404);
    assert.equal(r.json.code, 404);
    assert.match(r.json.message, /hwbcauat/);
    assert.equal(r.json.data, null);
    assert.match(r.json.request_id, /^[0-9a-f]{32}$|^[\w-]+$/);
    assert.equal(await messageCount(), 0);
  });

  it('registers the channel on /v1 with its callback URL and bot', async () => {
    const r = await h.v1('PUT', '/v1/chatbot/bot-channels/huawei/hwbcauat', {
      callback_url: CALLBACK,
      robot_id: '4497',
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.created, true);
    assert.equal(r.json.data.channel.channel_name, 'HuaWei');
    assert.equal(r.json.data.channel.robot_id, '4497');
    const again = await h.v1('PUT', '/v1/chatbot/bot-channels/huawei/hwbcauat', {
      callback_url: CALLBACK,
      robot_id: '4497',
    });
    assert.equal(again.json.data.created, false);
    const bad = await h.v1('PUT', '/v1/chatbot/bot-channels/huawei/other', {
      callback_url: 'ftp://example.com/x',
    });
    assert.equal(bad.status, 400);
    const noRobot = await h.v1('PUT', '/v1/chatbot/bot-channels/huawei/other', {
      callback_url: CALLBACK,
      robot_id: '999999',
    });
    assert.equal(noRobot.status, 404);
    const list = await h.v1('GET', '/v1/chatbot/bot-channels');
    assert.deepEqual(
      list.json.data.list.map((c: { channel_id: string }) => c.channel_id),
      ['hwbcauat'],
    );
  });

  it('takes the spec example byte for byte: the seven messages stored as §5.8 says', async () => {
    const r = await h.api('/api/v1/channel/huawei/message', SPEC_EXAMPLE, { raw: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 200);
    assert.equal(r.json.message, 'Success');
    assert.deepEqual(r.json.data, {});
    assert.deepEqual(
      (await userMessages(CALL_ID)).map((m) => m.content),
      [
        { type: 'text', text: 'hi' },
        { type: 'image', media: { origin_url: 'https://www.airudder.com/xxx.jpg' } },
        { type: 'video', media: { origin_url: 'https://www.airudder.com/xxxx.mp4' } },
        { type: 'audio', media: { origin_url: 'https://www.airudder.com/xxx.wav' } },
        {
          type: 'file',
          media: { origin_url: 'https://www.airudder.com/xxx.pdf', name: 'xxx.pdf' },
        },
        { type: 'interactive', text: '物流查询' },
        { type: 'interactive', text: '男' },
      ],
    );
    const [session] = await h.server.store.db.query<{ channel: string; user_name: string }>(
      'SELECT channel, user_name FROM chat_sessions WHERE id = $1',
      [CALL_ID],
    );
    assert.deepEqual(session, { channel: 'HuaWei', user_name: 'nick' });
  });

  it("sends the bot's answers as §6.3 callbacks (the robot's multi-part ids, the user named)", async () => {
    const replies = await h.events('chatbot.channel_reply', h.appIds[0]);
    assert.ok(replies.length > 0, 'the bot answered');
    for (const { subject_id, payload } of replies) {
      assert.equal(subject_id, CALL_ID);
      assert.equal(payload.call_id, CALL_ID);
      assert.equal(payload.channel, 'HuaWei');
      assert.equal(payload.channel_id, 'hwbcauat');
      assert.deepEqual(payload.user, { id: '123', name: 'nick' });
      assert.equal(payload.messages.length, 1);
      const [m] = payload.messages;
      assert.equal(m.sender_type, 'robot');
      assert.match(m.msg_id, /^[0-9a-f]{32}-\d+$/);
      assert.equal(typeof m.timestamp, 'number');
      assert.equal(typeof m.content.type, 'string');
    }
  });

  it('refuses bad messages whole: a medium without origin_url, a wrong channel, no messages', async () => {
    const before = await messageCount();
    const base = JSON.parse(SPEC_EXAMPLE);
    const noMedia = await h.api('/api/v1/channel/huawei/message', {
      ...base,
      messages: [{ type: 'text', text: 'first' }, { type: 'image' }],
    });
    assert.equal(noMedia.status, 400);
    assert.equal(noMedia.json.code, 400);
    assert.match(noMedia.json.message, /messages\[1\]/);
    const wrongChannel = await h.api('/api/v1/channel/huawei/message', {
      ...base,
      channel: 'WhatsApp',
    });
    assert.equal(wrongChannel.status, 400);
    const empty = await h.api('/api/v1/channel/huawei/message', { ...base, messages: [] });
    assert.equal(empty.status, 400);
    const badType = await h.api('/api/v1/channel/huawei/message', {
      ...base,
      messages: [{ type: 'sticker', media: { origin_url: 'https://x/y.webp' } }],
    });
    assert.equal(badType.status, 400);
    assert.equal(await messageCount(), before, 'nothing stored');
  });

  it('§6.2: success hands the session to the agent; the bot is silent after it', async () => {
    const missingSeat = await h.api('/api/v1/channel/huawei/transfer/result', {
      call_id: CALL_ID,
      channel: 'HuaWei',
      channel_id: 'hwbcauat',
      result: 'success',
    });
    assert.equal(missingSeat.status, 400);
    const unknown = await h.api('/api/v1/channel/huawei/transfer/result', {
      call_id: 'no such session',
      channel: 'HuaWei',
      channel_id: 'hwbcauat',
      result: 'failed',
    });
    assert.equal(unknown.status, 404);
    const ok = await h.api('/api/v1/channel/huawei/transfer/result', {
      call_id: CALL_ID,
      channel: 'HuaWei',
      channel_id: 'hwbcauat',
      user: { id: '123' },
      result: 'success',
      seat_id: 'agent_1001',
    });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json.data, {});
    const conv = await h.v1('GET', `/v1/inbox/conversations/${encodeURIComponent(CALL_ID)}`);
    assert.equal(conv.json.data.conversation.status, 'open');
    assert.equal(conv.json.data.conversation.seat_id, 'agent_1001');
    assert.equal(conv.json.data.conversation.session_status, 'agent');

    const repliesBefore = (await h.events('chatbot.channel_reply', h.appIds[0])).length;
    const r = await h.api('/api/v1/channel/huawei/message', {
      call_id: CALL_ID,
      channel: 'HuaWei',
      channel_id: 'hwbcauat',
      user: { id: '123', name: 'nick' },
      messages: [{ type: 'text', text: 'are you a human?' }],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal((await h.events('chatbot.channel_reply', h.appIds[0])).length, repliesBefore);
    const forwarded = await h.events('chatbot.user_message', h.appIds[0]);
    assert.equal(forwarded.at(-1)?.payload.messages[0].content.text, 'are you a human?');
    assert.equal(forwarded.at(-1)?.payload.seat_id, 'agent_1001');
  });

  it("keeps apps apart: another app's channel and session are not found", async () => {
    const other = h.tokens[1]!;
    const r = await h.api('/api/v1/channel/huawei/message', SPEC_EXAMPLE, {
      raw: true,
      token: other,
    });
    assert.equal(r.status, 404);
    const t = await h.api(
      '/api/v1/channel/huawei/transfer/result',
      { call_id: CALL_ID, channel: 'HuaWei', channel_id: 'hwbcauat', result: 'failed' },
      { token: other },
    );
    assert.equal(t.status, 404);
    const list = await h.v1('GET', '/v1/chatbot/bot-channels', undefined, other);
    assert.deepEqual(list.json.data.list, []);
    // The same Huawei channel and session id in another app: refused clearly, never mixed in.
    const registered = await h.v1(
      'PUT',
      '/v1/chatbot/bot-channels/huawei/hwbcauat',
      { callback_url: CALLBACK },
      other,
    );
    assert.equal(registered.status, 200);
    const clash = await h.api('/api/v1/channel/huawei/message', SPEC_EXAMPLE, {
      raw: true,
      token: other,
    });
    assert.equal(clash.status, 400);
    assert.match(clash.json.message, /already in use/);
    const conv = await h.v1(
      'GET',
      `/v1/inbox/conversations/${encodeURIComponent(CALL_ID)}`,
      undefined,
      other,
    );
    assert.equal(conv.status, 404);
  });
});
