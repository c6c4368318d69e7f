import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { waitFor } from '../helpers/server.ts';
import { startSurfacesWith, type SurfacesHarness } from './inbox-harness.ts';

// Agents are told of a handoff where the app listens: the inbox webhooks reach the app's webhook
// URL through the real deliverer (standard style, webhook-id header), in the order they happened.

describe(`agent inbox webhooks delivered (${storeKind})`, () => {
  let h: SurfacesHarness;
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
    h = await startSurfacesWith({ worker: true, webhookUrl: receiver.url }, 'deliver-a');
    const r = await h.v1('PUT', '/v1/chatbot/bot-channels/bot/desk', {
      callback_url: 'http://127.0.0.1:9/unused',
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(
      (await h.v1('PUT', '/v1/inbox/agents', { seat_id: 'alice', name: 'Alice' })).status,
      200,
    );
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  it('inbox.handoff, then the status changes of a takeover, reach the app', async () => {
    const r = await h.api('/api/v1/channel/bot/message', {
      call_id: 'd1',
      channel: 'bot',
      channel_id: 'desk',
      user: { id: '42' },
      messages: [{ type: 'text', text: 'I need a person' }],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(
      (await h.v1('POST', '/v1/inbox/conversations/d1/take_over', { seat_id: 'alice' })).status,
      200,
    );
    const bodies = () =>
      receiver.requests.map((q) => ({ id: q.headers['webhook-id'], body: JSON.parse(q.body) }));
    const handoff = await waitFor('inbox.handoff delivered', () =>
      bodies().find((b) => b.body.reason === 'transfer_requested' && b.body.to === 'pending'),
    );
    assert.match(String(handoff.id), /^[0-9a-f]{32}$/);
    assert.equal(handoff.body.call_id, 'd1');
    assert.equal(handoff.body.session_status, 'transferring');
    const takeover = await waitFor('the takeover delivered', () =>
      bodies().find((b) => b.body.reason === 'takeover'),
    );
    assert.deepEqual(
      { from: takeover.body.from, to: takeover.body.to, seat: takeover.body.seat_id },
      { from: 'pending', to: 'open', seat: 'alice' },
    );
  });
});
