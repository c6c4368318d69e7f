import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify as stringifyYaml } from 'yaml';
import { cliHarness } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';

// `tiller workflow-template import` as an operator runs it: a real child process on a store of
// its own, a YAML file, then a JSON one of the same name, then a broken one.

const { dataDir, tiller, cleanup } = cliHarness('wf-template-cli');

const graph = {
  name: 'cli_reminders',
  nodes: [
    { id: 'start', type: 'start', next: 'call' },
    { id: 'call', type: 'call', robot_id: '4496', next: 'done' },
    { id: 'done', type: 'end' },
  ],
};

describe(`tiller workflow-template import (${storeKind})`, () => {
  after(() => cleanup());

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
