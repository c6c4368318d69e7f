import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify as stringifyYaml } from 'yaml';
import { cliHarness, serveTiller } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';
import { client, tokenFor } from '../helpers/server.ts';

// `tiller workflow-template import` as an operator runs it: a real child process on a store of
// its own, a YAML file, then a JSON one of the same name, then a broken one.

const { dataDir, env, tiller, cleanup } = cliHarness('wf-template-cli');

const graph = {
  name: 'cli_reminders',
  nodes: [
    { id: 'start', type: 'start', next: 'call' },
    { id: 'call', type: 'call', robot_id: '4496', next: 'done' },
    { id: 'done', type: 'end' },
  ],
};

after(() => cleanup());

describe(`tiller workflow-template import (${storeKind})`, () => {
  it('imports a YAML file, then a new version from JSON, and names the file of a bad one', () => {
    const app = JSON.parse(tiller('app', 'create', '--name', 'wf-cli', '--json').stdout);
    const yamlFile = join(dataDir, 'reminders.yaml');
    writeFileSync(yamlFile, stringifyYaml(graph));
    const first = tiller('workflow-template', 'import', yamlFile, '--app-key', app.app_key);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^added workflow template \d+ "cli_reminders" version 1\n$/);

    const jsonFile = join(dataDir, 'reminders.json');
    writeFileSync(jsonFile, JSON.stringify(graph));
    const second = tiller(
      'workflow-template',
      'import',
      jsonFile,
      '--app-key',
      app.app_key,
      '--mermaid',
    );
    assert.equal(second.status, 0, second.stderr);
    assert.equal(
      second.stdout.replace(/template \d+/, 'template N'),
      'added workflow template N "cli_reminders" version 2\n' +
        'flowchart TD\n' +
        '  n0(["start (start)"])\n' +
        '  n1["call (call)<br/>robot 4496"]\n' +
        '  n2(["done (end)"])\n' +
        '  n0 --> n1\n' +
        '  n1 --> n2\n',
    );

    writeFileSync(yamlFile, stringifyYaml({ ...graph, nodes: graph.nodes.slice(0, 2) }));
    const broken = tiller('workflow-template', 'import', yamlFile, '--app-key', app.app_key);
    assert.equal(broken.status, 2);
    assert.match(
      broken.stderr,
      /reminders\.yaml: Invalid workflow template: .*node call: next "done" is not a node of the graph/,
    );
    assert.match(broken.stderr, /the graph has no end node/);
  });

  it('refuses a missing file, a missing app key and an unknown subcommand', () => {
    const missing = tiller(
      'workflow-template',
      'import',
      join(dataDir, 'none.yaml'),
      '--app-key',
      'k',
    );
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*none\.yaml/);
    const noKey = tiller('workflow-template', 'import', 'x.yaml');
    assert.equal(noKey.status, 2);
    assert.match(noKey.stderr, /needs --app-key/);
    const unknown = tiller('workflow-template', 'export');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown workflow-template command "export"/);
  });
});

describe(`tiller workflow-template import while a server runs (${storeKind})`, () => {
  it('imports through the running server, which serves the template at once', async () => {
    const server = await serveTiller(env, { TILLER_DEMO: 'false' });
    try {
      const app = JSON.parse(tiller('app', 'create', '--name', 'wf-live', '--json').stdout);
      const file = join(dataDir, 'live.json');
      writeFileSync(file, JSON.stringify({ ...graph, name: 'live_import' }));
      const out = tiller('workflow-template', 'import', file, '--app-key', app.app_key);
      assert.equal(out.status, 0, out.stderr);
      const id = Number(
        /^added workflow template (\d+) "live_import" version 1$/m.exec(out.stdout)?.[1],
      );
      const api = client(server.url, await tokenFor(server.url, app.app_key, app.app_secret));
      const shown = await api.get(`/v1/workflow-templates/${id}`);
      assert.equal(shown.status, 200, shown.text);
      assert.deepEqual(shown.json.data.graph, { ...graph, name: 'live_import' });
    } finally {
      await server.stop();
    }
  });
});
