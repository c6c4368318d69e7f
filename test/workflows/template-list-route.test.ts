import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bareApp } from '../../src/api/app.ts';
import { tokenAuth } from '../../src/api/auth/token.ts';
import { statusEnvelope } from '../../src/api/families/envelope.ts';
import { defineFamily, httpStatusCode } from '../../src/api/families/family-definition.ts';
import { mountFamily } from '../../src/api/families/mount.ts';
import { loadConfig } from '../../src/config.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { workflowTemplateListRoute } from '../../src/modules/workflows/templates.routes.ts';
import { WorkflowTemplateService } from '../../src/modules/workflows/templates.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';

// The workflow family's template list (spec/workflow-api.md §4), mounted here in a family that
// has the cloud family's definition at the workflow prefix, until the real workflow family is
// registered (then test/workflows' API tests reach it through the server).

interface Deps {
  auth: AuthService;
  templates: WorkflowTemplateService;
}

const workflowLikeFamily = defineFamily<Deps>({
  name: 'workflow-test',
  title: 'Workflow (test)',
  prefixes: ['/service/cloud/workflow'],
  envelope: statusEnvelope,
  errorCode: httpStatusCode,
  errorCodeDoc: 'test only',
  authentication: (deps) => tokenAuth(deps.auth),
  wireHabits: true,
  routes: (deps) => [workflowTemplateListRoute(deps.templates)],
});

describe(`GET /service/cloud/workflow/templates (${storeKind})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let token: string;
  let templates: WorkflowTemplateService;
  let appId: number;
  const clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));

  before(async () => {
    store = await openTestStore();
    const auth = new AuthService(store.db, loadConfig(), clock);
    const created = await auth.createApp({ name: 'wf-list', timezone: 'Asia/Jakarta' });
    appId = created.app.id;
    token = await auth.issueToken(created.app.appKey, created.appSecret);
    templates = new WorkflowTemplateService(store.db, clock);
    app = bareApp();
    await mountFamily(app, workflowLikeFamily, { auth, templates });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const get = (query = '') =>
    app.inject({
      method: 'GET',
      url: `/service/cloud/workflow/templates${query}`,
      headers: { authorization: `Token ${token}` },
    });

  it('lists the templates newest first, times in the app zone, with their drawing', async () => {
    clock.advance(3_600_000);
    const mine = await templates.importTemplate(appId, {
      name: 'own',
      nodes: [
        { id: 's', type: 'start', next: 'e' },
        { id: 'e', type: 'end' },
      ],
    });
    const r = await get();
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.code, 200);
    assert.equal(body.status, 'OK');
    assert.equal(body.data.total, 4);
    assert.deepEqual(body.data.list[0], {
      workflow_template_id: mine.id,
      workflow_template_name: 'own',
      version: 1,
      // 09:00 UTC in Jakarta (UTC+7)
      created_at: '2026-03-01 16:00:00',
      mermaid: 'flowchart TD\n  n0(["s (start)"])\n  n1(["e (end)"])\n  n0 --> n1\n',
    });
    assert.deepEqual(
      body.data.list
        .slice(1)
        .map((t: { workflow_template_name: string }) => t.workflow_template_name),
      ['infocheck_call_retry_api', 'marketing_call_sms', 'collection_call_waba_api'],
    );
  });

  it('pages, filters by name and refuses a page_size over 100', async () => {
    const r = await get('?page=2&page_size=3&name=_');
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().data.total, 3);
    assert.deepEqual(r.json().data.list, []);
    const big = await get('?page_size=101');
    assert.equal(big.statusCode, 400);
    assert.equal(big.json().code, 400);
  });

  it('needs a token', async () => {
    const r = await app.inject({ method: 'GET', url: '/service/cloud/workflow/templates' });
    assert.equal(r.statusCode, 401);
  });
});
