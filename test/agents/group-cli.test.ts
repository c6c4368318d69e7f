import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cliHarness, serveTiller } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';
import { tokenFor } from '../helpers/server.ts';
import { v1Client } from './harness.ts';

// `tiller group create` as an operator runs it: a real child process on a store of its own,
// first on the store itself, then through the admin API of a running server, which serves the
// group and its simulated agents, ready, at once.

const { env, tiller, cleanup } = cliHarness('agents-group-cli');

after(() => cleanup());

describe(`tiller group create (${storeKind})`, () => {
  let app: { app_key: string; app_secret: string };

  it('creates a group with K simulated agents, ready, for the only app', () => {
    app = JSON.parse(tiller('app', 'create', '--name', 'pds-team', '--json').stdout);
    const out = tiller('group', 'create', '--name', 'Group_A', '--agents', '3', '--json');
    assert.equal(out.status, 0, out.stderr);
    const group = JSON.parse(out.stdout);
    assert.equal(group.app_key, app.app_key);
    assert.equal(group.name, 'Group_A');
    assert.equal(group.acw_seconds, 30);
    assert.ok(Number.isInteger(group.group_id));
    assert.deepEqual(
      group.agents.map((a: { name: string; state: string }) => [a.name, a.state]),
      [
        ['Group_A-sim-001', 'ready'],
        ['Group_A-sim-002', 'ready'],
        ['Group_A-sim-003', 'ready'],
      ],
    );
    assert.ok(group.agents.every((a: { agent_id: unknown }) => Number.isInteger(a.agent_id)));

    const plain = tiller('group', 'create', '--name', 'Empty');
    assert.equal(plain.status, 0, plain.stderr);
    // The app key is base64 (it may hold + and /): compared as text, not as a pattern.
    assert.equal(
      plain.stdout.replace(/^created group \d+ /, 'created group N '),
      `created group N "Empty" for app ${app.app_key} with 0 simulated agent(s), ready\n`,
    );
  });

  it('refuses a bad command line, a duplicate name, and a missing app key among several apps', () => {
    const noName = tiller('group', 'create', '--agents', '2');
    assert.equal(noName.status, 2);
    assert.match(noName.stderr, /group create needs --name/);
    for (const bad of ['-1', 'two', '1.5']) {
      const r = tiller('group', 'create', '--name', 'Bad', `--agents=${bad}`);
      assert.equal(r.status, 2, bad);
      assert.match(r.stderr, /--agents must be a whole number/);
    }
    const tooMany = tiller('group', 'create', '--name', 'Huge', '--agents', '5000');
    assert.equal(tooMany.status, 2);
    assert.match(tooMany.stderr, /agents must be at most 1000/);
    const duplicate = tiller('group', 'create', '--name', 'Group_A', '--agents', '1');
    assert.equal(duplicate.status, 2);
    assert.match(duplicate.stderr, /already has a skill group named "Group_A"/);
    const unknown = tiller('group', 'list');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown group command "list"/);

    tiller('app', 'create', '--name', 'second-app');
    const ambiguous = tiller('group', 'create', '--name', 'Which');
    assert.equal(ambiguous.status, 2);
    assert.match(ambiguous.stderr, /there are 2 apps: name one with --app-key/);
  });

  it('creates through a running server, which serves the ready agents at once', async () => {
    const server = await serveTiller(env, { TILLER_DEMO: 'false' });
    try {
      const out = tiller(
        'group',
        'create',
        '--name',
        'Live',
        '--agents',
        '2',
        '--app-key',
        app.app_key,
        '--json',
      );
      assert.equal(out.status, 0, out.stderr);
      const created = JSON.parse(out.stdout);
      const api = v1Client(server.url, await tokenFor(server.url, app.app_key, app.app_secret));
      const shown = await api.get(`/v1/groups/${created.group_id}`);
      assert.equal(shown.status, 200, shown.text);
      assert.equal(shown.json.data.agent_count, 2);
      for (const agent of shown.json.data.agents) {
        assert.equal(agent.state, 'ready');
        assert.equal(agent.simulated, true);
        assert.equal(agent.talk_median_seconds, 180);
        const history = (await api.get(`/v1/agents/${agent.agent_id}/states`)).json.data.list;
        assert.deepEqual(
          history.map((h: { from: string; to: string; reason: string }) => [
            h.from,
            h.to,
            h.reason,
          ]),
          [['offline', 'ready', 'login']],
        );
      }
      // The group made before the server started is there too, with its three agents.
      const groups = (await api.get('/v1/groups')).json.data.list;
      assert.deepEqual(
        groups.map((g: { name: string; agent_count: number }) => [g.name, g.agent_count]),
        [
          ['Group_A', 3],
          ['Empty', 0],
          ['Live', 2],
        ],
      );
    } finally {
      await server.stop();
    }
  });
});
