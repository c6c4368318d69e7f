import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { builtinTemplates } from '../../src/modules/workflows/builtin-templates.ts';
import {
  resolveTemplate,
  WorkflowTemplateService,
} from '../../src/modules/workflows/templates.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import type { AppError } from '../../src/shared/errors.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';

// Templates in the store: versions per name, newest first, built-ins given once per app, one
// app's templates out of another's reach, and resolveTemplate inside a caller's transaction.

const graph = (name: string, robot = '4496') => ({
  name,
  nodes: [
    { id: 'start', type: 'start', next: 'call' },
    { id: 'call', type: 'call', robot_id: robot, next: 'done' },
    { id: 'done', type: 'end' },
  ],
});

describe(`workflow templates in the store (${storeKind})`, () => {
  let store: TestStore;
  let clock: ManualClock;
  let service: WorkflowTemplateService;
  let appA: number;
  let appB: number;

  before(async () => {
    store = await openTestStore();
    clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));
    const auth = new AuthService(store.db, loadConfig(), clock);
    appA = (await auth.createApp({ name: 'templates-a' })).app.id;
    appB = (await auth.createApp({ name: 'templates-b' })).app.id;
    service = new WorkflowTemplateService(store.db, clock);
  });
  after(() => store.close());

  it('gives an app the built-ins once, as version 1', async () => {
    const first = await service.list(appA, { page_size: 100 });
    const second = await service.list(appA, { page_size: 100 });
    assert.equal(first.total, 3);
    assert.deepEqual(second, first);
    assert.deepEqual(
      first.list.map((t) => [t.name, t.version, t.builtin]),
      builtinTemplates()
        .reverse()
        .map((g) => [g.name, 1, true]),
    );
  });

  it('adds a version with a new id when a name is imported again, listed newest first', async () => {
    clock.advance(60_000);
    const v1 = await service.importTemplate(appA, graph('reminders'));
    clock.advance(60_000);
    const v2 = await service.importTemplate(appA, graph('reminders', '4499'));
    assert.equal(v1.version, 1);
    assert.equal(v2.version, 2);
    assert.notEqual(v2.id, v1.id);
    assert.equal(v2.builtin, false);

    const page = await service.list(appA);
    assert.equal(page.total, 5);
    assert.deepEqual(
      page.list.slice(0, 2).map((t) => [t.id, t.version]),
      [
        [v2.id, 2],
        [v1.id, 1],
      ],
    );
    assert.deepEqual((await service.get(appA, v1.id)).graph, graph('reminders'));
  });

  it('pages and filters by part of the name, any case, with LIKE characters taken literally', async () => {
    await service.importTemplate(appA, graph('Night_Shift'));
    await service.importTemplate(appA, graph('nightXshift'));
    const filtered = await service.list(appA, { name: 'NIGHT_' });
    assert.deepEqual(
      filtered.list.map((t) => t.name),
      ['Night_Shift'],
    );
    const page2 = await service.list(appA, { page: 2, page_size: 2 });
    const all = await service.list(appA, { page_size: 100 });
    assert.equal(page2.total, all.total);
    assert.deepEqual(
      page2.list.map((t) => t.id),
      all.list.slice(2, 4).map((t) => t.id),
    );
  });

  it('keeps each app to its own templates', async () => {
    const mine = await service.importTemplate(appA, graph('private'));
    await assert.rejects(service.get(appB, mine.id), (e: AppError) => {
      assert.equal(e.key, 'workflow_template_not_found');
      return true;
    });
    const theirs = await service.list(appB, { name: 'private' });
    assert.equal(theirs.total, 0);
    // The other app's own copy of a built-in is its own row.
    const builtinA = (await service.list(appA, { name: 'collection_call' })).list[0]!;
    const builtinB = (await service.list(appB, { name: 'collection_call' })).list[0]!;
    assert.notEqual(builtinA.id, builtinB.id);
  });

  it('refuses an invalid graph and writes nothing', async () => {
    const before = await service.list(appA);
    await assert.rejects(
      service.importTemplate(appA, { ...graph('broken'), nodes: [] }),
      (e: AppError) => e.key === 'workflow_template_invalid',
    );
    assert.equal((await service.list(appA)).total, before.total);
  });

  it('resolves by id (which wins) or by name (the latest version) inside a transaction', async () => {
    const v1 = (await service.list(appA, { name: 'reminders' })).list.at(-1)!;
    await store.db.transaction(async (tx) => {
      const byName = await resolveTemplate(tx, appA, { name: 'reminders' }, clock.now());
      assert.equal(byName.version, 2);
      const byId = await resolveTemplate(tx, appA, { id: v1.id, name: 'reminders' });
      assert.equal(byId.version, 1);
      await assert.rejects(
        resolveTemplate(tx, appA, { name: 'nothing' }),
        /Workflow template not found: no template of this app has name "nothing"/,
      );
      await assert.rejects(resolveTemplate(tx, appB, { id: v1.id }), /has id/);
    });
  });

  it('resolves a built-in by name for an app that never listed its templates', async () => {
    const auth = new AuthService(store.db, loadConfig(), clock);
    const fresh = (await auth.createApp({ name: 'templates-fresh' })).app.id;
    const t = await resolveTemplate(store.db, fresh, { name: 'marketing_call_sms' });
    assert.equal(t.builtin, true);
    assert.equal(t.graph.business_line, 'marketing');
  });

  it('numbers concurrent imports of one name without a gap or a clash', async () => {
    const made = await Promise.all(
      [1, 2, 3, 4].map(() => service.importTemplate(appB, graph('burst'))),
    );
    assert.deepEqual(made.map((t) => t.version).sort(), [1, 2, 3, 4]);
  });
});
