import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatDateTime } from '../../src/shared/time.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';
import { fakeChannels, hubSignature, waConfig } from './harness.ts';

// A person who stops messages stops calls too: a STOP keyword or the opt-out button of a
// template, arriving while a call to the same number waits in a task, makes the dialer's
// compliance check block that call (opt_out), and the number's audit trail says why.

const PN = 'pn-calls';

describe(`messaging opt-outs stop queued calls (${storeKind})`, () => {
  let server: TestServer;
  let appId: number;
  let api: ReturnType<typeof client>;
  const fakes = fakeChannels();

  before(async () => {
    server = await startTestServer({ channels: fakes.factory });
    const a = await server.runtime.services.auth.createApp({
      name: 'optout-calls',
      timezone: 'UTC',
    });
    appId = a.app.id;
    api = client(server.url, await tokenFor(server.url, a.appKey, a.appSecret));
    await server.runtime.services.messaging.createChannel(appId, {
      channelId: 'wa',
      kind: 'whatsapp',
      name: 'WA',
      phoneNumber: '+6583753711',
      config: waConfig(PN),
    });
  });
  after(() => server.close());

  const inbound = (from: string, wamid: string, content: object) => {
    const raw = JSON.stringify({
      events: [
        { kind: 'message', to: PN, from, providerMessageId: wamid, at: new Date(), content },
      ],
    });
    return fetch(`${server.url}/webhooks/whatsapp/wa`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': hubSignature(raw, waConfig(PN).appSecret),
      },
      body: raw,
    });
  };

  /** A task whose calls wait a few seconds for its start time. */
  const queueCall = async (name: string, number: string) => {
    const created = await api.post('/service/cloud/task', {
      task_name: name,
      robot_id: '4496',
      start_time: formatDateTime(new Date(Date.now() + 4_000), 'UTC'),
      callees: [{ callee_number: number }],
    });
    assert.equal(created.status, 200, created.text);
    return created.json.data.task_id as string;
  };

  const blockedCall = async (taskId: string, number: string) => {
    await waitFor('the task to finish', async () => {
      const [t] = await server.store.db.query<{ status: string }>(
        'SELECT status FROM tasks WHERE id = $1',
        [taskId],
      );
      return t?.status === 'Finished' ? true : undefined;
    });
    assert.equal(server.carrier.ledger.filter((d) => d.to === number).length, 0, 'never dialled');
    const [callee] = await server.store.db.query<{ status: string }>(
      'SELECT status FROM callees WHERE task_id = $1',
      [taskId],
    );
    assert.equal(callee?.status, 'dnc');
    const trail = await server.runtime.services.contacts.history(appId, number);
    const voice = trail.filter((r) => r.channel === 'voice');
    assert.equal(voice.length, 1);
    assert.equal(voice[0]?.decision, 'blocked');
    assert.equal(voice[0]?.reason, 'opt_out');
  };

  for (const [how, content, source] of [
    ['a STOP keyword', { type: 'text', text: 'STOP' }, 'stop_keyword'],
    [
      'the opt-out button',
      { type: 'button', button: { text: 'Stop promotions', payload: 'OPT_OUT' } },
      'whatsapp_button',
    ],
  ] as const) {
    it(`blocks a queued call after ${how}`, async () => {
      const number = source === 'stop_keyword' ? '+6281234590001' : '+6281234590002';
      const taskId = await queueCall(`optout_${source}`, number);
      assert.equal((await inbound(number, `wamid.${source}`, content)).status, 200);
      const entry = await waitFor('the number listed', async () => {
        const r = await api.get(`/v1/dnc?prefix=${encodeURIComponent(number)}`);
        return r.json.data.list[0];
      });
      assert.equal(entry.source, source);
      assert.match(
        entry.reason,
        source === 'stop_keyword' ? /^STOP keyword in message / : /^opt-out button in message /,
      );
      await blockedCall(taskId, number);
    });
  }
});
