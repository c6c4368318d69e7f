import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { client, type TestServer } from '../helpers/server.ts';
import { agentWorld, type V1 } from './harness.ts';

// /v1/groups and /v1/agents over the real server: create, list, show, change and delete, every
// bad input answered in the /v1 envelope (never a 500, never a partial write), and one app never
// seeing or changing another's groups and agents.

describe(`/v1 groups and agents (${storeKind})`, () => {
  let server: TestServer;
  let a: V1;
  let b: V1;

  before(async () => {
    const world = await agentWorld({ apps: ['agents-a', 'agents-b'] });
    server = world.server;
    a = world.apps[0]!.api;
    b = world.apps[1]!.api;
  });
  after(() => server.close());

  const count = async (table: string) =>
    (await server.store.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n;

  it('creates a group with the default acw, lists and shows it', async () => {
    const r = await a.post('/v1/groups', { name: 'Group_A' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 200);
    const group = r.json.data;
    assert.equal(group.name, 'Group_A');
    assert.equal(group.acw_seconds, 30);
    assert.equal(group.agent_count, 0);
    assert.match(group.created_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const list = await a.get('/v1/groups');
    assert.deepEqual(
      list.json.data.list.map((g: { name: string }) => g.name),
      ['Group_A'],
    );
    const shown = await a.get(`/v1/groups/${group.group_id}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.json.data.agents, []);
  });

  it('creates agents in one or more groups, offline, with the default talk parameters', async () => {
    const g1 = (await a.post('/v1/groups', { name: 'Sales', acw_seconds: 45 })).json.data;
    const g2 = (await a.post('/v1/groups', { name: 'Collections' })).json.data;
    const r = await a.post('/v1/agents', {
      name: 'agent01',
      group_ids: [g2.group_id, g1.group_id],
    });
    assert.equal(r.status, 200, r.text);
    const agent = r.json.data;
    assert.equal(agent.state, 'offline');
    assert.deepEqual(
      agent.group_ids,
      [g1.group_id, g2.group_id].sort((x, y) => x - y),
    );
    assert.equal(agent.simulated, false);
    assert.equal(agent.talk_median_seconds, 180);
    assert.equal(agent.talk_sigma, 0.5);
    assert.equal(agent.acw_median_seconds, null);

    const sim = await a.post('/v1/agents', {
      name: 'bot-agent',
      group_ids: [g1.group_id],
      simulated: true,
      talk_median_seconds: 240,
      talk_sigma: 0.8,
      acw_median_seconds: 20,
    });
    assert.equal(sim.status, 200, sim.text);
    assert.equal(sim.json.data.simulated, true);
    assert.equal(sim.json.data.talk_sigma, 0.8);
    assert.equal(sim.json.data.acw_median_seconds, 20);

    const ofSales = await a.get(`/v1/agents?group_id=${g1.group_id}`);
    assert.deepEqual(
      ofSales.json.data.list.map((x: { name: string }) => x.name),
      ['agent01', 'bot-agent'],
    );
    const ofCollections = await a.get(`/v1/groups/${g2.group_id}`);
    assert.equal(ofCollections.json.data.agent_count, 1);
    assert.deepEqual(
      ofCollections.json.data.agents.map((x: { name: string }) => x.name),
      ['agent01'],
    );
  });

  it('changes an agent: name, groups, talk parameters; null clears the wrap-up median', async () => {
    const g = (await a.post('/v1/groups', { name: 'Patch' })).json.data;
    const agent = (await a.post('/v1/agents', { name: 'p1', group_ids: [g.group_id] })).json.data;
    const moved = await a.patch(`/v1/agents/${agent.agent_id}`, {
      name: 'p1-renamed',
      group_ids: [g.group_id, agent.group_ids[0]],
      talk_median_seconds: 90,
      acw_median_seconds: 10,
    });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.data.name, 'p1-renamed');
    assert.equal(moved.json.data.talk_median_seconds, 90);
    assert.equal(moved.json.data.acw_median_seconds, 10);
    const cleared = await a.patch(`/v1/agents/${agent.agent_id}`, { acw_median_seconds: null });
    assert.equal(cleared.json.data.acw_median_seconds, null);
    assert.equal(cleared.json.data.talk_median_seconds, 90);

    const renamed = await a.patch(`/v1/groups/${g.group_id}`, { name: 'Patched', acw_seconds: 0 });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.json.data.name, 'Patched');
    assert.equal(renamed.json.data.acw_seconds, 0);
  });

  it('refuses duplicate names of groups and agents, on create and on rename', async () => {
    const g = (await a.post('/v1/groups', { name: 'Dup' })).json.data;
    const other = (await a.post('/v1/groups', { name: 'Dup2' })).json.data;
    const again = await a.post('/v1/groups', { name: 'Dup' });
    assert.equal(again.status, 400);
    assert.equal(again.json.code, 400);
    assert.match(again.json.message, /^The name is already used: .*skill group named "Dup"/);
    const rename = await a.patch(`/v1/groups/${other.group_id}`, { name: 'Dup' });
    assert.equal(rename.status, 400);
    assert.match(rename.json.message, /skill group named "Dup"/);

    await a.post('/v1/agents', { name: 'twin', group_ids: [g.group_id] });
    const agents = await count('agents');
    const twin = await a.post('/v1/agents', { name: 'twin', group_ids: [g.group_id] });
    assert.equal(twin.status, 400);
    assert.match(twin.json.message, /agent named "twin"/);
    assert.equal(await count('agents'), agents);
    const solo = (await a.post('/v1/agents', { name: 'solo', group_ids: [g.group_id] })).json.data;
    const clash = await a.patch(`/v1/agents/${solo.agent_id}`, { name: 'twin' });
    assert.equal(clash.status, 400);
    assert.match(clash.json.message, /agent named "twin"/);
    assert.equal((await a.get(`/v1/agents/${solo.agent_id}`)).json.data.name, 'solo');
  });

  it('answers bad input with 400 in the envelope and writes nothing', async () => {
    const g = (await a.post('/v1/groups', { name: 'Valid' })).json.data;
    const groups = await count('agent_groups');
    const agents = await count('agents');
    const members = await count('agent_group_members');
    const bad: Array<[string, unknown]> = [
      ['/v1/groups', {}],
      ['/v1/groups', { name: '' }],
      ['/v1/groups', { name: ' padded' }],
      ['/v1/groups', { name: 'x'.repeat(65) }],
      ['/v1/groups', { name: 'G', acw_seconds: -1 }],
      ['/v1/groups', { name: 'G', acw_seconds: 3601 }],
      ['/v1/groups', { name: 'G', colour: 'red' }],
      ['/v1/agents', { name: 'nogroup', group_ids: [] }],
      ['/v1/agents', { name: 'nogroup' }],
      ['/v1/agents', { name: 'strgroup', group_ids: ['a'] }],
      ['/v1/agents', { name: 'neg', group_ids: [g.group_id], talk_median_seconds: 0 }],
      ['/v1/agents', { name: 'sig', group_ids: [g.group_id], talk_sigma: 4 }],
      ['/v1/agents', { name: 'sim', group_ids: [g.group_id], simulated: 'yes' }],
      ['/v1/agents', [{ name: 'list' }]],
    ];
    for (const [path, body] of bad) {
      const r = await a.post(path, body);
      assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.json.code, 400);
      assert.equal(r.json.data, null);
      assert.ok(r.json.message.length > 0);
    }
    const notJson = await fetch(`${server.url}/v1/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Token x' },
      body: '{',
    });
    assert.notEqual(notJson.status, 500);
    const unknownGroup = await a.post('/v1/agents', {
      name: 'lost',
      group_ids: [g.group_id, 999999],
    });
    assert.equal(unknownGroup.status, 404);
    assert.match(unknownGroup.json.message, /^Skill group not found: group_id 999999/);
    const emptyPatch = await a.patch(`/v1/groups/${g.group_id}`, {});
    assert.equal(emptyPatch.status, 400);
    const badId = await a.get('/v1/agents/abc');
    assert.equal(badId.status, 400);
    assert.equal(await count('agent_groups'), groups);
    assert.equal(await count('agents'), agents);
    assert.equal(await count('agent_group_members'), members);
  });

  it('answers unknown ids with 404 group_not_found / agent_not_found', async () => {
    for (const [method, path] of [
      ['get', '/v1/groups/987654'],
      ['delete', '/v1/groups/987654'],
      ['get', '/v1/agents/987654'],
      ['delete', '/v1/agents/987654'],
      ['post', '/v1/agents/987654/login'],
      ['get', '/v1/agents/987654/call'],
      ['get', '/v1/agents/987654/states'],
    ] as const) {
      const r = await a[method](path);
      assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
      assert.match(r.json.message, /^(Skill group|Agent) not found: (group|agent)_id 987654$/);
    }
    const patched = await a.patch('/v1/agents/987654', { name: 'x' });
    assert.equal(patched.status, 404);
  });

  it('deletes an empty group, refuses one with agents, and deletes a logged-out agent', async () => {
    const g = (await a.post('/v1/groups', { name: 'Temp' })).json.data;
    const agent = (await a.post('/v1/agents', { name: 'temp1', group_ids: [g.group_id] })).json
      .data;
    const refused = await a.delete(`/v1/groups/${g.group_id}`);
    assert.equal(refused.status, 409);
    assert.match(refused.json.message, /^The skill group still has agents: .*"temp1"/);

    await a.post(`/v1/agents/${agent.agent_id}/login`);
    const busy = await a.delete(`/v1/agents/${agent.agent_id}`);
    assert.equal(busy.status, 409);
    assert.match(busy.json.message, /is ready; delete needs offline/);
    await a.post(`/v1/agents/${agent.agent_id}/logout`);
    const gone = await a.delete(`/v1/agents/${agent.agent_id}`);
    assert.equal(gone.status, 200, gone.text);
    assert.deepEqual(gone.json.data, { agent_id: agent.agent_id, deleted: true });
    assert.equal((await a.get(`/v1/agents/${agent.agent_id}`)).status, 404);
    const deleted = await a.delete(`/v1/groups/${g.group_id}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal((await a.get(`/v1/groups/${g.group_id}`)).status, 404);
  });

  it('keeps groups and agents to their app: another app can neither see nor change them', async () => {
    const g = (await a.post('/v1/groups', { name: 'Mine' })).json.data;
    const agent = (await a.post('/v1/agents', { name: 'mine1', group_ids: [g.group_id] })).json
      .data;
    assert.deepEqual((await b.get('/v1/groups')).json.data.list, []);
    assert.deepEqual((await b.get('/v1/agents')).json.data.list, []);
    assert.equal((await b.get(`/v1/groups/${g.group_id}`)).status, 404);
    assert.equal((await b.get(`/v1/agents/${agent.agent_id}`)).status, 404);
    assert.equal((await b.patch(`/v1/groups/${g.group_id}`, { name: 'Theirs' })).status, 404);
    assert.equal((await b.patch(`/v1/agents/${agent.agent_id}`, { name: 'theirs' })).status, 404);
    assert.equal((await b.delete(`/v1/groups/${g.group_id}`)).status, 404);
    assert.equal((await b.delete(`/v1/agents/${agent.agent_id}`)).status, 404);
    for (const action of ['login', 'ready', 'break', 'logout']) {
      assert.equal((await b.post(`/v1/agents/${agent.agent_id}/${action}`)).status, 404);
    }
    assert.equal((await b.get(`/v1/agents/${agent.agent_id}/call`)).status, 404);
    const dispose = await b.post(`/v1/agents/${agent.agent_id}/disposition`, {
      customizeResults: [],
    });
    assert.equal(dispose.status, 404);
    // B cannot put its own agent in A's group either.
    const own = (await b.post('/v1/groups', { name: 'Mine' })).json.data;
    const intoA = await b.post('/v1/agents', {
      name: 'spy',
      group_ids: [own.group_id, g.group_id],
    });
    assert.equal(intoA.status, 404);
    assert.match(intoA.json.message, new RegExp(`group_id ${g.group_id}$`));
    // The same names are free in another app.
    const sameName = await b.post('/v1/agents', { name: 'mine1', group_ids: [own.group_id] });
    assert.equal(sameName.status, 200, sameName.text);
    const still = (await a.get(`/v1/agents/${agent.agent_id}`)).json.data;
    assert.equal(still.name, 'mine1');
    assert.equal(still.state, 'offline');
  });

  it('needs a token', async () => {
    const r = await client(server.url).get('/v1/agents');
    assert.equal(r.status, 401);
  });
});
