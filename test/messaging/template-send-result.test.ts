import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { fakeChannels, waConfig } from './harness.ts';

// What a template send answers its caller (a workflow's WABA node among them): the batch, one
// message per user, and the template's name and the channel's public id, so the caller can show
// the send (spec/workflow-api.md §17.5) without reading the messaging tables.

describe(`template send result (${storeKind})`, () => {
  let server: TestServer;
  let appId: number;

  before(async () => {
    server = await startTestServer({ channels: fakeChannels().factory });
    const { auth, messaging } = server.runtime.services;
    appId = (await auth.createApp({ name: 'send-result', timezone: 'UTC' })).app.id;
    await messaging.createChannel(appId, {
      channelId: 'wa-main',
      kind: 'whatsapp',
      name: 'main',
      phoneNumber: '+6583750001',
      config: waConfig('pn-result'),
    });
    await messaging.createTemplate(appId, 'wa-main', {
      name: 'send_card_for_sales',
      language: 'en',
      category: 'UTILITY',
      status: 'APPROVED',
      content: { body: 'Hello {{1}}' },
    });
  });
  after(() => server.close());

  it('names the template and the channel beside the batch and its messages', async () => {
    const { messaging } = server.runtime.services;
    const [template] = (await messaging.listTemplates(appId, 'wa-main', { page: 1, size: 1 })).list;
    const result = await messaging.sendTemplates(appId, {
      channelId: 'wa-main',
      templateId: template!.id,
      users: [
        { id: '6281234500001', variables: { '1': 'a' } },
        { id: '+6281234500002', variables: { '1': 'b' } },
      ],
    });
    assert.equal(result.templateName, 'send_card_for_sales');
    assert.equal(result.channelId, 'wa-main');
    assert.match(result.wabaTaskId, /^[0-9a-f]{32}$/);
    assert.deepEqual(
      result.messages.map((m) => m.userId),
      ['6281234500001', '6281234500002'],
    );
  });
});
