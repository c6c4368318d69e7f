import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InboundEvent } from '../../src/channels/messaging/messaging-channel.ts';
import {
  MESSAGE_RECEIVED,
  MESSAGE_STATUS_CHANGED,
  type MessageReceived,
  type MessageStatusChanged,
} from '../../src/modules/messaging/messaging-events.ts';
import { domainEvents } from '../../src/queue/domain-events.ts';
import type { AppError } from '../../src/shared/errors.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';
import { fakeChannels, hubSignature, waConfig } from './harness.ts';

// Inbound through the provider's webhook (signature over the raw bytes, stored as a job,
// applied once) and through a push-style channel: duplicates, the 24-hour window, monotonic
// statuses, the template a person answers (§8.8), STOP keywords and the opt-out button.

const WA = '6583753709';
const PN = 'pn-in';
const SECRET = waConfig(PN).appSecret;

describe(`messaging inbound (${storeKind})`, () => {
  let server: TestServer;
  let appId: number;
  let token: string;
  let templateId: number;
  const fakes = fakeChannels();
  const received: MessageReceived[] = [];
  const statuses: MessageStatusChanged[] = [];
  /** Per message id: whether a messaging.inbound job was in the transaction that applied a status. */
  const appliedInJob = new Map<string, boolean>();

  before(async () => {
    domainEvents.inTransaction(MESSAGE_RECEIVED, {
      name: 'test-inbound-received',
      handle: async (_tx, events) => void received.push(...events.map((e) => e.data)),
    });
    domainEvents.inTransaction(MESSAGE_STATUS_CHANGED, {
      name: 'test-inbound-statuses',
      handle: async (tx, events) => {
        statuses.push(...events.map((e) => e.data));
        // A job applying statuses is deleted in the commit that applies them: still visible here.
        const [jobs] = await tx.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM jobs WHERE queue = 'messaging.inbound' AND locked_by IS NOT NULL",
        );
        for (const e of events) appliedInJob.set(e.data.messageId, jobs!.n > 0);
      },
    });
    server = await startTestServer({ channels: fakes.factory });
    const { auth, messaging } = server.runtime.services;
    const a = await auth.createApp({ name: 'inbound', timezone: 'UTC' });
    appId = a.app.id;
    token = await tokenFor(server.url, a.appKey, a.appSecret);
    await messaging.createChannel(appId, {
      channelId: WA,
      kind: 'whatsapp',
      name: 'WA',
      phoneNumber: '+6583753709',
      config: waConfig(PN),
    });
    await messaging.createChannel(appId, {
      channelId: 'sim',
      kind: 'simulated',
      name: 'Sim',
      phoneNumber: '+6580000002',
      config: {},
    });
    templateId = (
      await messaging.createTemplate(appId, WA, {
        name: 'party',
        language: 'en',
        category: 'MARKETING',
        status: 'APPROVED',
        content: {
          body: 'Hi, {{1}}, come to the party',
          button: [
            { type: 'QUICK_REPLY', text: 'no' },
            { type: 'OPT_OUT', text: 'stop promotions' },
          ],
        },
      })
    ).id;
  });
  after(() => server.close());

  const hook = (channelId: string, events: unknown[], secret = SECRET) => {
    const raw = JSON.stringify({ events });
    return fetch(`${server.url}/webhooks/whatsapp/${channelId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': hubSignature(raw, secret),
      },
      body: raw,
    });
  };
  const text = (from: string, wamid: string, body: string, at = new Date()): InboundEvent => ({
    kind: 'message',
    to: PN,
    from,
    providerMessageId: wamid,
    at,
    content: { type: 'text', text: body },
  });
  const inboundCount = async (wamid: string) =>
    (
      await server.store.db.query<{ n: number }>(
        'SELECT count(*) AS n FROM messages WHERE provider_message_id = $1',
        [wamid],
      )
    )[0]!.n;
  // The worker connects push-style channels (SMPP binds, the simulator) within seconds.
  const simulatedChannel = () =>
    waitFor('the simulated channel connected', () => {
      try {
        return fakes.get('simulated');
      } catch {
        return undefined;
      }
    });
  const jobCount = async () =>
    (
      await server.store.db.query<{ n: number }>(
        "SELECT count(*) AS n FROM jobs WHERE queue = 'messaging.inbound'",
      )
    )[0]!.n;
  const window = (userId: string) =>
    server.runtime.services.messaging.windowOf(server.store.db, appId, WA, userId);
  const freeForm = (userId: string, messageId: string) =>
    server.store.db.transaction((tx) =>
      server.runtime.services.messaging.sendFreeForm(tx, appId, {
        channelId: WA,
        userId,
        messageId,
        content: { type: 'text', text: 'hello' },
      }),
    );

  it('answers the verification handshake only with the verify token', async () => {
    const ok = await fetch(
      `${server.url}/webhooks/whatsapp/${WA}?hub.mode=subscribe&hub.verify_token=verify-${PN}&hub.challenge=1158201444`,
    );
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), '1158201444');
    const bad = await fetch(
      `${server.url}/webhooks/whatsapp/${WA}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`,
    );
    assert.equal(bad.status, 403);
  });

  it('refuses a bad signature and an unknown channel, storing nothing', async () => {
    const jobs = await jobCount();
    const bad = await hook(WA, [text('+6281230000001', 'wamid.bad', 'hi')], 'wrong-secret');
    assert.equal(bad.status, 403);
    const unknown = await hook('nope', [text('+6281230000001', 'wamid.bad', 'hi')]);
    assert.equal(unknown.status, 404);
    assert.equal(await jobCount(), jobs);
    assert.equal(await inboundCount('wamid.bad'), 0);
  });

  it('stores a message once however often it comes, and it opens the 24-hour window', async () => {
    const user = '6281230000002';
    assert.deepEqual(await window(user), { open: false, expiresAt: null });
    await assert.rejects(freeForm(user, 'ff-closed'), (e: AppError) => e.key === 'outside_window');
    const at = new Date(Date.now() - 60_000);
    const event = text(`+${user}`, 'wamid.dup', 'hello there', at);
    assert.equal((await hook(WA, [event])).status, 200);
    assert.equal((await hook(WA, [event, event])).status, 200);
    await waitFor('the message stored', async () =>
      (await inboundCount('wamid.dup')) > 0 ? true : undefined,
    );
    await waitFor('every job done', async () => ((await jobCount()) === 0 ? true : undefined));
    assert.equal(await inboundCount('wamid.dup'), 1);
    assert.equal(received.filter((r) => r.userId === user).length, 1, 'published once');
    const w = await window(user);
    assert.equal(w.open, true);
    assert.equal(w.expiresAt?.getTime(), at.getTime() + 24 * 3_600_000);
    await freeForm(user, 'ff-open-1');
  });

  it('is not opened or renewed by our own sends, only by the person', async () => {
    const user = '6281230000003';
    await server.runtime.services.messaging.sendTemplates(appId, {
      channelId: WA,
      templateId,
      users: [{ id: user, variables: { '1': 'x' } }],
    });
    await waitFor('the template sent', () =>
      fakes.get(PN).sends.some((s) => s.message.to === `+${user}`) ? true : undefined,
    );
    assert.equal((await window(user)).open, false);
    // A message of 25 hours ago: the window it opened has closed.
    await hook(WA, [text(`+${user}`, 'wamid.old', 'late', new Date(Date.now() - 25 * 3_600_000))]);
    await waitFor('stored', async () => ((await inboundCount('wamid.old')) > 0 ? true : undefined));
    assert.equal((await window(user)).open, false);
    await hook(WA, [text(`+${user}`, 'wamid.new', 'now')]);
    await waitFor('stored', async () => ((await inboundCount('wamid.new')) > 0 ? true : undefined));
    assert.equal((await window(user)).open, true);
  });

  it('applies statuses forward only, publishing real changes once', async () => {
    const user = '6281230000002';
    await freeForm(user, 'ff-status-1');
    const wamid = await waitFor('sent', async () => {
      const [r] = await server.store.db.query<{ provider_message_id: string | null }>(
        "SELECT provider_message_id FROM messages WHERE id = 'ff-status-1' AND status = 'sent'",
      );
      return r?.provider_message_id ?? undefined;
    });
    const status = (s: 'sent' | 'delivered' | 'read' | 'failed') => ({
      kind: 'status',
      providerMessageId: wamid,
      recipient: `+${user}`,
      status: s,
      at: new Date(),
    });
    const jobsBefore = await jobCount();
    await hook(WA, [status('read'), status('delivered')]);
    // Statuses of a known send are applied in the webhook's own request: no job, done on 200.
    const [applied] = await server.store.db.query<{ status: string }>(
      "SELECT status FROM messages WHERE id = 'ff-status-1'",
    );
    assert.equal(applied?.status, 'read');
    assert.equal(await jobCount(), jobsBefore);
    await hook(WA, [status('sent'), status('read')]);
    await waitFor('every job done', async () => ((await jobCount()) === 0 ? true : undefined));
    const [row] = await server.store.db.query<{ status: string }>(
      "SELECT status FROM messages WHERE id = 'ff-status-1'",
    );
    assert.equal(row?.status, 'read');
    assert.deepEqual(
      statuses.filter((s) => s.messageId === 'ff-status-1').map((s) => s.status),
      ['sent', 'read'],
    );

    await freeForm(user, 'ff-status-2');
    const wamid2 = await waitFor('sent', async () => {
      const [r] = await server.store.db.query<{ provider_message_id: string | null }>(
        "SELECT provider_message_id FROM messages WHERE id = 'ff-status-2' AND status = 'sent'",
      );
      return r?.provider_message_id ?? undefined;
    });
    await hook(WA, [
      {
        ...status('failed'),
        providerMessageId: wamid2,
        error: { code: '131026', message: 'Undeliverable' },
      },
    ]);
    await hook(WA, [{ ...status('delivered'), providerMessageId: wamid2 }]);
    await waitFor('every job done', async () => ((await jobCount()) === 0 ? true : undefined));
    const [failed] = await server.store.db.query<{ status: string; error_code: string }>(
      "SELECT status, error_code FROM messages WHERE id = 'ff-status-2'",
    );
    assert.deepEqual(failed, { status: 'failed', error_code: '131026' });
  });

  it('keeps statuses that overtake their send for a job due half a second later', async () => {
    const before = new Date();
    const early = {
      kind: 'status',
      providerMessageId: 'wamid.not-yet-known',
      recipient: '+6281230000009',
      status: 'delivered',
      at: new Date(),
    };
    assert.equal((await hook(WA, [early])).status, 200);
    const [job] = await server.store.db.query<{ run_at: Date }>(
      "SELECT run_at FROM jobs WHERE queue = 'messaging.inbound' ORDER BY id DESC LIMIT 1",
    );
    assert.ok(job, 'stored for the job');
    assert.ok(job.run_at.getTime() >= before.getTime() + 500, 'due half a second later');
    // It would retry for ten minutes, the send never being made: not the business of the rest.
    await server.store.db.query("DELETE FROM jobs WHERE queue = 'messaging.inbound'");
  });

  it('holds a reply that quotes a send still out with the provider until its outcome is written', async () => {
    const user = '6281230000010';
    await hook(WA, [text(`+${user}`, 'wamid.opener', 'hi')]);
    await waitFor('window open', async () => ((await window(user)).open ? true : undefined));
    const fake = fakes.get(PN);
    let release!: () => void;
    fake.gate = new Promise((resolve) => (release = resolve));
    fakes.answer(PN, (m) =>
      m.to === `+${user}`
        ? { providerMessageId: 'wamid.quoted' }
        : { providerMessageId: `wamid.${m.idempotencyKey}` },
    );
    try {
      await freeForm(user, 'ff-quoted');
      await waitFor('the send out with the provider', () =>
        fake.sends.some((s) => s.message.to === `+${user}`) ? true : undefined,
      );
      // The person answers it before our send's outcome (its provider id) is written.
      await hook(WA, [{ ...text(`+${user}`, 'wamid.answer', 'yes'), replyTo: 'wamid.quoted' }]);
      const waiting = await waitFor('the job waits for the quote', async () => {
        const [j] = await server.store.db.query<{ attempts: number }>(
          `SELECT attempts FROM jobs WHERE queue = 'messaging.inbound'
             AND last_error LIKE '%quotes a send whose outcome is not written yet%'`,
        );
        return j;
      });
      assert.ok(waiting.attempts >= 1);
      assert.equal(await inboundCount('wamid.answer'), 0, 'not applied without its quote');
    } finally {
      fake.gate = undefined;
      release();
    }
    const stored = await waitFor('the answer stored', async () => {
      const [r] = await server.store.db.query<{ reply_to: string | null }>(
        "SELECT reply_to FROM messages WHERE provider_message_id = 'wamid.answer'",
      );
      return r;
    });
    assert.equal(stored.reply_to, 'ff-quoted');
  });

  it('resolves the template a person answers and calls back §8.8 for a single send', async () => {
    const user = '6281230000004';
    const sent = await server.runtime.services.messaging.sendTemplates(appId, {
      channelId: WA,
      templateId,
      single: true,
      robotId: '4496',
      callbackUrl: 'https://crm.example.com/reply',
      users: [{ id: user, variables: { '1': 'tom' }, custom: { order: 'A1' } }],
    });
    const templateMsgId = sent.messages[0]!.templateMsgId;
    const wamid = await waitFor('sent', async () => {
      const [r] = await server.store.db.query<{ provider_message_id: string | null }>(
        "SELECT provider_message_id FROM messages WHERE id = $1 AND status = 'sent'",
        [templateMsgId],
      );
      return r?.provider_message_id ?? undefined;
    });
    await hook(WA, [
      {
        kind: 'message',
        to: PN,
        from: `+${user}`,
        providerMessageId: 'wamid.tap',
        at: new Date(),
        content: { type: 'button', button: { text: 'no', payload: 'no' } },
        replyTo: wamid,
      },
    ]);
    const reply = await waitFor('the §8.8 callback', async () => {
      const [r] = await server.store.db.query<{ payload: Record<string, any> }>( // eslint-disable-line @typescript-eslint/no-explicit-any
        "SELECT payload FROM webhook_events WHERE type = 'waba.template_reply' AND payload->>'template_msg_id' = $1",
        [templateMsgId],
      );
      return r?.payload;
    });
    assert.equal(reply.channel_id, WA);
    assert.deepEqual(reply.user, { id: user });
    assert.equal(reply.message.sender_type, 'user');
    assert.deepEqual(reply.message.content, { type: 'button', text: 'no' });
    assert.equal(reply.message.reply.msg_id, templateMsgId);
    assert.equal(reply.message.reply.content.template.content.body, 'Hi, tom, come to the party');
    const event = received.find((r) => r.userId === user);
    assert.equal(event?.template?.templateMsgId, templateMsgId);
    assert.equal(event?.template?.robotId, '4496');
    assert.deepEqual(event?.template?.variables, { '1': 'tom' });
    assert.deepEqual(event?.template?.custom, { order: 'A1' });
  });

  it('answers a template once: the message after the answer is not an answer again', async () => {
    const user = '6281230000011';
    const sent = await server.runtime.services.messaging.sendTemplates(appId, {
      channelId: WA,
      templateId,
      users: [{ id: user, variables: { '1': 'ann' } }],
    });
    const templateMsgId = sent.messages[0]!.templateMsgId;
    await waitFor('sent', async () => {
      const [r] = await server.store.db.query<{ provider_message_id: string | null }>(
        "SELECT provider_message_id FROM messages WHERE id = $1 AND status = 'sent'",
        [templateMsgId],
      );
      return r?.provider_message_id ?? undefined;
    });
    // WhatsApp's timestamps are whole seconds: the answer may carry a time before the send's.
    const second = new Date(Math.floor(Date.now() / 1000) * 1000);
    await hook(WA, [text(`+${user}`, 'wamid.first-answer', 'ok', second)]);
    await waitFor('published', () => received.find((r) => r.userId === user));
    await hook(WA, [text(`+${user}`, 'wamid.second-message', 'and another thing', second)]);
    await waitFor('published', () =>
      received.filter((r) => r.userId === user).length === 2 ? true : undefined,
    );
    const [first, next] = received.filter((r) => r.userId === user);
    assert.equal(first?.template?.templateMsgId, templateMsgId);
    assert.equal(next?.template, null);
  });

  it('applies a pushed status that overtook its send once the sender wrote the outcome, without a job', async () => {
    const user = '6281230000011';
    const sim = await simulatedChannel();
    // The person writes first: the window opens for a free-form answer.
    await sim.push({
      kind: 'message',
      to: '+6580000002',
      from: `+${user}`,
      providerMessageId: 'sim.opener',
      at: new Date(),
      content: { type: 'text', text: 'hello?' },
    });
    await waitFor('window open', async () =>
      (await server.runtime.services.messaging.windowOf(server.store.db, appId, 'sim', user)).open
        ? true
        : undefined,
    );
    // The provider reports delivery before it answers the send (an SMPP centre, the simulator).
    fakes.answer('simulated', (m) => {
      if (m.to !== `+${user}`) return { providerMessageId: `sim.${m.idempotencyKey}` };
      void sim.push({
        kind: 'status',
        providerMessageId: 'sim.early',
        recipient: m.to,
        status: 'delivered',
        at: new Date(),
      });
      return { providerMessageId: 'sim.early' };
    });
    await server.store.db.transaction((tx) =>
      server.runtime.services.messaging.sendFreeForm(tx, appId, {
        channelId: 'sim',
        userId: user,
        messageId: 'ff-early',
        content: { type: 'text', text: 'we are here' },
      }),
    );
    const row = await waitFor('delivered', async () => {
      const [m] = await server.store.db.query<{ status: string }>(
        "SELECT status FROM messages WHERE id = 'ff-early' AND status = 'delivered'",
      );
      return m;
    });
    assert.equal(row.status, 'delivered');
    assert.equal(appliedInJob.get('ff-early'), false, 'applied by the intake, not by a job');
  });

  it("opts out on the template's OPT_OUT button and on a STOP keyword from a push channel", async () => {
    const api = client(server.url, token);
    const user = '6281230000005';
    await hook(WA, [
      {
        kind: 'message',
        to: PN,
        from: `+${user}`,
        providerMessageId: 'wamid.optout',
        at: new Date(),
        content: { type: 'button', button: { text: 'stop promotions', payload: 'OPT_OUT' } },
      },
    ]);
    const listed = await waitFor('listed', async () => {
      const r = await api.get(`/v1/dnc?prefix=%2B${user}`);
      return r.json.data.list[0];
    });
    assert.equal(listed.source, 'whatsapp_button');

    const sim = await simulatedChannel();
    await sim.push({
      kind: 'message',
      to: '+6580000002',
      from: '+6281230000006',
      providerMessageId: 'sim.1',
      at: new Date(),
      content: { type: 'text', text: ' Berhenti! ' },
    });
    const stop = await waitFor('listed', async () => {
      const r = await api.get('/v1/dnc?prefix=%2B6281230000006');
      return r.json.data.list[0];
    });
    assert.equal(stop.source, 'stop_keyword');
    assert.match(stop.reason, /^STOP keyword in message [0-9a-f]{32}$/);
  });
});
