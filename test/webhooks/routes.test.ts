import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FastifyInstance } from 'fastify';
import { v1Envelope } from '../../src/api/envelopes.ts';
import { familyPlugin } from '../../src/api/family.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { webhookRoutes } from '../../src/modules/webhooks/webhooks.routes.ts';
import { WebhookService } from '../../src/modules/webhooks/webhooks.service.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { newId } from '../../src/shared/ids.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { addEvent, testConfig } from './harness.ts';
import { bareApp } from '../../src/api/app.ts';

// The routes as an integrator calls them: through the /v1 family (token, envelope, error codes).

describe(`webhook routes (${storeKind})`, () => {
  let store: TestStore;
  let server: FastifyInstance;
  const apps: Array<{ id: number; token: string }> = [];

  before(async () => {
    store = await openTestStore();
    const auth = new AuthService(store.db, testConfig(), systemClock);
    const service = new WebhookService(store.db);
    server = bareApp();
    await server.register(familyPlugin, {
      prefix: '/v1',
      envelope: v1Envelope,
      auth,
      routes: [webhookRoutes(service)],
    });
    for (const name of ['a', 'b']) {
      const created = await auth.createApp({ name });
      apps.push({
        id: created.app.id,
        token: await auth.issueToken(created.appKey, created.appSecret),
      });
    }
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, app = apps[0]!, payload?: unknown) =>
    server.inject({
      method,
      url,
      headers: { authorization: `Token ${app.token}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  it('sets and reads the webhook URL with the signing secret', async () => {
    const put = await call('PUT', '/v1/app/webhook', apps[0], { url: 'https://example.com/hook' });
    assert.equal(put.statusCode, 200);
    assert.equal(put.json().data.url, 'https://example.com/hook');
    const get = await call('GET', '/v1/app/webhook');
    assert.equal(get.json().code, 200);
    assert.equal(get.json().data.url, 'https://example.com/hook');
    assert.match(get.json().data.webhook_secret, /^whsec_/);

    const bad = await call('PUT', '/v1/app/webhook', apps[0], { url: 'ftp://example.com' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().message, /http or https/);
    assert.equal(
      (await call('PUT', '/v1/app/webhook', apps[0], {})).statusCode,
      400,
      'url is required',
    );
    assert.equal(
      (await call('PUT', '/v1/app/webhook', apps[0], { url: null })).json().data.url,
      null,
    );
  });

  it('lists events, their deliveries and re-sends them, for the owner only', async () => {
    const id = await addEvent(store.db, apps[0]!.id);
    const list = await call('GET', '/v1/webhooks/events?status=pending&page=1&page_size=10');
    assert.equal(list.statusCode, 200);
    const data = list.json().data;
    assert.equal(data.total, 1);
    assert.equal(data.list[0].event_id, id);
    assert.equal(data.list[0].payload.callee.case_id, 'case-1');

    const deliveries = await call('GET', `/v1/webhooks/events/${id}/deliveries`);
    assert.equal(deliveries.statusCode, 200);
    assert.deepEqual(deliveries.json().data.list, []);
    const resend = await call('POST', `/v1/webhooks/events/${id}/resend`);
    assert.equal(resend.statusCode, 200);
    assert.equal(resend.json().data.status, 'pending');

    const other = apps[1]!;
    assert.equal((await call('GET', '/v1/webhooks/events', other)).json().data.total, 0);
    const hidden = await call('GET', `/v1/webhooks/events/${id}/deliveries`, other);
    assert.equal(hidden.statusCode, 404);
    assert.equal(hidden.json().message, 'Webhook event is not found');
    assert.equal((await call('POST', `/v1/webhooks/events/${id}/resend`, other)).statusCode, 404);
    assert.equal((await call('POST', `/v1/webhooks/events/${newId()}/resend`)).statusCode, 404);
  });

  it('validates the query and needs a token', async () => {
    assert.equal((await call('GET', '/v1/webhooks/events?status=lost')).statusCode, 400);
    assert.equal((await call('GET', '/v1/webhooks/events?page_size=1000')).statusCode, 400);
    const anonymous = await server.inject({ method: 'GET', url: '/v1/app/webhook' });
    assert.equal(anonymous.statusCode, 401);
  });
});
