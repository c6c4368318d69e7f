import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/shared/clock.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, type TestServer } from '../helpers/server.ts';

// The Workflow family's template list (spec/workflow-api.md §4) over the real server: newest
// first, times in the app's zone, paged and filtered, in the family's envelope, at both prefixes.

describe(`GET /service/cloud/workflow/templates (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let appId: number;
  const clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));

  before(async () => {
    server = await startTestServer({ worker: false, clock });
    const { auth } = server.runtime.services;
    const created = await auth.createApp({ name: 'wf-list', timezone: 'Asia/Jakarta' });
    appId = created.app.id;
    api = client(server.url, await tokenFor(server.url, created.appKey, created.appSecret));
  });
  after(() => server.close());

  it('lists the templates newest first, times in the app zone, with their drawing', async () => {
    const first = await api.get('/service/cloud/workflow/templates');
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.data.total, 3); // the built-ins, given at 08:00 UTC

    clock.advance(3_600_000);
    const mine = await server.runtime.services.workflowTemplates.importTemplate(appId, {
      name: 'own',
      nodes: [
        { id: 's', type: 'start', next: 'e' },
        { id: 'e', type: 'end' },
      ],
    });
    const r = await api.get('/service/cloud/workflow/templates');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 200);
    assert.equal(r.json.status, 'OK');
    assert.equal(r.json.data.total, 4);
    assert.deepEqual(r.json.data.list[0], {
      workflow_template_id: mine.id,
      workflow_template_name: 'own',
      version: 1,
      // 09:00 UTC in Jakarta (UTC+7)
      created_at: '2026-03-01 16:00:00',
      mermaid: 'flowchart TD\n  n0(["s (start)"])\n  n1(["e (end)"])\n  n0 --> n1\n',
    });
    assert.deepEqual(
      r.json.data.list
        .slice(1)
        .map((t: { workflow_template_name: string }) => t.workflow_template_name),
      ['infocheck_call_retry_api', 'marketing_call_sms', 'collection_call_waba_api'],
    );
    assert.equal(r.json.data.list[3].created_at, '2026-03-01 15:00:00');
  });

  it('pages, filters by name and refuses a page_size over 100', async () => {
    const r = await api.get('/service/cloud/workflow/templates?page=2&page_size=2&name=_CALL_');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.total, 3);
    assert.deepEqual(
      r.json.data.list.map((t: { workflow_template_name: string }) => t.workflow_template_name),
      ['collection_call_waba_api'],
    );
    const big = await api.get('/service/cloud/workflow/templates?page_size=101');
    assert.equal(big.status, 400);
    assert.equal(big.json.code, 400);
  });

  it('answers at the LeadsGeneration prefix too, and needs a token', async () => {
    const r = await api.get('/service/cloud/leadsgeneration/workflow/templates?page_size=1');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.total, 4);
    const stranger = await client(server.url).get('/service/cloud/workflow/templates');
    assert.equal(stranger.status, 401);
  });
});
