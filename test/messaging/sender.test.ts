import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChannelSendError } from '../../src/channels/messaging/messaging-channel.ts';
import { ChannelRegistry } from '../../src/modules/messaging/channel-registry.ts';
import { takeSendSlots } from '../../src/modules/messaging/channels.repository.ts';
import { insertOutbound } from '../../src/modules/messaging/send-queue.repository.ts';
import { MessageSender } from '../../src/modules/messaging/sender.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { processKey } from '../../src/queue/workers.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';
import { fakeChannels, waConfig } from './harness.ts';

// The sender loop against a provider-edge fake: a channel is never sent faster than its pace,
// a rate-limit answer is retried with the same idempotency key, an opt-out answer fails the
// message for good and lists the number, other refusals fail with the provider's code, and the
// channel's quiet hours hold a template send without contacting anyone.

describe(`messaging sender (${storeKind})`, () => {
  let server: TestServer;
  let appId: number;
  let token: string;
  const fakes = fakeChannels();
  let serial = 0;

  before(async () => {
    server = await startTestServer({ channels: fakes.factory });
    const { auth, messaging } = server.runtime.services;
    const a = await auth.createApp({ name: 'sender', timezone: 'UTC' });
    appId = a.app.id;
    token = await tokenFor(server.url, a.appKey, a.appSecret);
    for (const [id, perSecond] of [
      ['pace', 5],
      ['retry', 50],
      ['opt', 50],
      ['perm', 50],
      ['shared', 5],
      ['reclaim', 50],
    ] as const) {
      await messaging.createChannel(appId, {
        channelId: id,
        kind: 'whatsapp',
        name: id,
        phoneNumber: '+6583750000',
        config: waConfig(`pn-${id}`),
        sendsPerSecond: perSecond,
      });
      await messaging.createTemplate(appId, id, {
        name: 'hello',
        language: 'en',
        category: 'UTILITY',
        status: 'APPROVED',
        content: { body: 'Hello {{1}}' },
      });
    }
  });
  after(() => server.close());

  const templateOf = async (channelId: string) =>
    (await server.runtime.services.messaging.listTemplates(appId, channelId, { page: 1, size: 1 }))
      .list[0]!.id;
  const send = async (channelId: string, count: number) =>
    server.runtime.services.messaging.sendTemplates(appId, {
      channelId,
      templateId: await templateOf(channelId),
      users: Array.from({ length: count }, () => ({
        id: `62812340${String((serial += 1)).padStart(5, '0')}`,
        variables: { '1': 'x' },
      })),
    });
  const row = async (id: string) =>
    (
      await server.store.db.query<{
        status: string;
        attempts: number;
        error_code: string | null;
        error_message: string | null;
        next_attempt_at: Date | null;
        created_at: Date;
      }>(
        `SELECT status, attempts, error_code, error_message, next_attempt_at, created_at
         FROM messages WHERE id = $1`,
        [id],
      )
    )[0]!;

  it('takes its pacing slot while another transaction is inserting a message of the channel', async (t) => {
    if (server.store.db.kind !== 'postgres') {
      t.skip('needs two open transactions at once (PostgreSQL; PGlite has one connection)');
      return;
    }
    const [row] = await server.store.db.query<{ id: number }>(
      "SELECT id FROM messaging_channels WHERE app_id = $1 AND channel_id = 'perm'",
      [appId],
    );
    const pk = row!.id;
    let inserted!: () => void;
    let release!: () => void;
    const insertedNow = new Promise<void>((resolve) => (inserted = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    // A chatbot turn's transaction: it inserted a message of the channel (a foreign-key lock on
    // the channel's row) and has not committed yet.
    const turn = server.store.db.transaction(async (tx) => {
      await insertOutbound(tx, [
        {
          id: 'held-insert',
          appId,
          channelPk: pk,
          userId: '6281000000099',
          kind: 'free_form',
          content: { type: 'text', text: 'not yet committed' },
          batchId: null,
          templateId: null,
          variables: null,
          custom: null,
          conversationId: null,
          replyTo: null,
          at: new Date(),
        },
      ]);
      inserted();
      await held;
      throw new Error('rolled back on purpose');
    });
    await insertedNow;
    try {
      const slots = await server.store.db.transaction((tx) =>
        takeSendSlots(tx, pk, new Date(), 1_000, 50, 5),
      );
      assert.ok(slots, 'the slot is taken, not skipped as if another sender held it');
      assert.equal(slots.count, 5);
    } finally {
      release();
      await turn.catch(() => {});
    }
  });

  it('never sends faster than the channel pace', async () => {
    const { messages } = await send('pace', 16);
    const adapter = await waitFor('the adapter', () => {
      try {
        return fakes.get('pn-pace');
      } catch {
        return undefined;
      }
    });
    await waitFor('all 16 sent', () => (adapter.sends.length >= 16 ? true : undefined));
    const times = adapter.sends.map((s) => s.at);
    // Any 1-second window holds at most 5 sends: the 6th after any send is a second later.
    for (let i = 0; i + 5 < times.length; i += 1) {
      assert.ok(times[i + 5]! - times[i]! >= 1000, `sends ${i}..${i + 5} within a second`);
    }
    // And per whole second from the first send, as counts.
    const counts = new Map<number, number>();
    for (const t of times) {
      const second = Math.floor((t - times[0]!) / 1000);
      counts.set(second, (counts.get(second) ?? 0) + 1);
    }
    assert.ok(Math.max(...counts.values()) <= 5, JSON.stringify([...counts]));
    await waitFor('every outcome written', async () => {
      const rows = await Promise.all(messages.map((m) => row(m.templateMsgId)));
      return rows.every((r) => r.status === 'sent') ? true : undefined;
    });
  });

  it("shares one channel's pace between two senders through the database", async () => {
    // A second sender, as another process would run it: its own adapters (so the sends of
    // each are told apart) and its own worker row (so the first one's heartbeat leaves its
    // claims alone).
    const second = fakeChannels();
    await server.store.db.query(
      "INSERT INTO workers (id, process_key, pid) VALUES ('second-sender', NULL, NULL)",
    );
    const sender = new MessageSender({
      db: server.store.db,
      clock: systemClock,
      log: createLogger({ level: 'warn', logPii: false }),
      registry: new ChannelRegistry(second.factory, () => {}),
      workerId: 'second-sender',
      pollMs: 20,
    });
    await sender.start();
    try {
      await send('shared', 20);
      const mine = () => {
        try {
          return fakes.get('pn-shared').sends.map((s) => s.at);
        } catch {
          return [];
        }
      };
      const theirs = () => {
        try {
          return second.get('pn-shared').sends.map((s) => s.at);
        } catch {
          return [];
        }
      };
      await waitFor('all 20 sent', () =>
        mine().length + theirs().length >= 20 ? true : undefined,
      );
      assert.ok(mine().length > 0 && theirs().length > 0, `${mine().length} + ${theirs().length}`);
      const times = [...mine(), ...theirs()].sort((a, b) => a - b);
      assert.equal(times.length, 20, 'each message sent once');
      // Sharing the pace, 20 sends at 5/s take 19 slots of 200 ms (two senders each at its own
      // pace would take half that, 1,800 ms). Each send goes at its slot or a timer's lateness
      // after it: the first one late by up to 400 ms on a loaded machine (CI saw 3,506 ms), so
      // across processes a second may see one send more than the pace at worst, never two.
      assert.ok(times.at(-1)! - times[0]! >= 19 * 200 - 400, `${times.at(-1)! - times[0]!} ms`);
      for (let i = 0; i + 6 < times.length; i += 1) {
        assert.ok(times[i + 6]! - times[i]! >= 1000, `sends ${i}..${i + 6} within a second`);
      }
    } finally {
      await sender.stop(2_000);
    }
  });

  it('sends again, with the same idempotency key, what a worker that died had claimed', async () => {
    // A worker of this machine whose process is gone, holding a claimed message.
    await server.store.db.query(
      "INSERT INTO workers (id, process_key, pid) VALUES ('ghost', $1, 2147483000)",
      [processKey() ?? null],
    );
    const [channel] = await server.store.db.query<{ id: number }>(
      "SELECT id FROM messaging_channels WHERE app_id = $1 AND channel_id = 'reclaim'",
      [appId],
    );
    const id = 'ghost-claimed-message-0001';
    await server.store.db.query(
      `INSERT INTO messages (id, app_id, channel_pk, user_id, direction, kind, content, status,
         claimed_by, next_attempt_at, created_at, status_at)
       VALUES ($1, $2, $3, '6281234599999', 'out', 'free_form', $4, 'sending', 'ghost', now(), now(), now())`,
      [id, appId, channel!.id, JSON.stringify({ type: 'text', text: 'hello again' })],
    );
    const sent = await waitFor('the claim reclaimed and sent', async () => {
      const r = await row(id);
      return r.status === 'sent' ? r : undefined;
    });
    assert.equal(sent.attempts, 1);
    const sends = fakes.get('pn-reclaim').sends.filter((s) => s.message.idempotencyKey === id);
    assert.equal(sends.length, 1);
    assert.deepEqual(sends[0]!.message.content, { type: 'text', text: 'hello again' });
  });

  it('retries a rate-limit answer later, with the same idempotency key', async () => {
    fakes.answer('pn-retry', (_m, n) =>
      n === 1
        ? new ChannelSendError('130429', 'Rate limit hit', { retryable: true, retryAfterMs: 200 })
        : { providerMessageId: 'wamid.retried' },
    );
    const { messages } = await send('retry', 1);
    const id = messages[0]!.templateMsgId;
    const done = await waitFor('sent on the second try', async () => {
      const r = await row(id);
      return r.status === 'sent' ? r : undefined;
    });
    assert.equal(done.attempts, 2);
    const keys = fakes.get('pn-retry').sends.filter((s) => s.message.idempotencyKey === id);
    assert.equal(keys.length, 2);
    const statuses = await server.store.db.query<{ payload: { status: string } }>(
      `SELECT payload FROM webhook_events WHERE subject_id = $1 ORDER BY seq`,
      [id],
    );
    assert.deepEqual(
      statuses.map((s) => s.payload.status),
      ['sent'],
      'the retry is not a status change',
    );
  });

  it('fails an opted-out answer at once and lists the number on every channel', async () => {
    fakes.answer(
      'pn-opt',
      () =>
        new ChannelSendError('131050', 'User stopped marketing messages', {
          retryable: false,
          optedOut: true,
        }),
    );
    const { messages } = await send('opt', 1);
    const id = messages[0]!.templateMsgId;
    const failed = await waitFor('failed', async () => {
      const r = await row(id);
      return r.status === 'failed' ? r : undefined;
    });
    assert.equal(failed.error_code, '131050');
    assert.equal(failed.attempts, 1);
    assert.equal(failed.next_attempt_at, null, 'nothing scheduled: never retried');
    const number = `+${(await server.store.db.query<{ user_id: string }>('SELECT user_id FROM messages WHERE id = $1', [id]))[0]!.user_id}`;
    const listed = await client(server.url, token).get(
      `/v1/dnc?prefix=${encodeURIComponent(number)}`,
    );
    assert.equal(listed.json.data.list[0]?.source, 'whatsapp_button');
  });

  it('fails a permanent refusal with the provider code and message', async () => {
    fakes.answer(
      'pn-perm',
      () => new ChannelSendError('131026', 'Message undeliverable', { retryable: false }),
    );
    const { messages } = await send('perm', 1);
    const id = messages[0]!.templateMsgId;
    const failed = await waitFor('failed', async () => {
      const r = await row(id);
      return r.status === 'failed' ? r : undefined;
    });
    assert.equal(failed.error_code, '131026');
    assert.equal(failed.error_message, 'Message undeliverable');
    assert.equal(failed.attempts, 1);
  });

  it("holds a template in the channel's quiet hours, contacting no one", async () => {
    // A window of one hour that starts two hours from now, in Jakarta (the numbers are +62).
    const jakartaHour = (new Date().getUTCHours() + 7) % 24;
    const start = (jakartaHour + 2) % 24;
    const pad = (n: number) => String(n).padStart(2, '0');
    const window = [
      { days: [1, 2, 3, 4, 5, 6, 7], start: `${pad(start)}:00`, end: `${pad(start + 1)}:00` },
    ];
    await server.runtime.services.messaging.updateChannel(appId, 'perm', { sendWindow: window });
    const { messages } = await send('perm', 1);
    const id = messages[0]!.templateMsgId;
    const held = await waitFor('held until the window opens', async () => {
      const r = await row(id);
      return r.status === 'queued' && r.next_attempt_at! > r.created_at ? r : undefined;
    });
    assert.ok(held.next_attempt_at!.getTime() - Date.now() > 30 * 60_000, 'held for the window');
    assert.equal(held.attempts, 0);
    assert.ok(!fakes.get('pn-perm').sends.some((s) => s.message.idempotencyKey === id));
  });
});
