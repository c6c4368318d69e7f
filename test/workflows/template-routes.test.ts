import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify as stringifyYaml } from 'yaml';
import { storeKind } from '../helpers/db.ts';
import {
  client,
  readResponse,
  startTestServer,
  tokenFor,
  type TestServer,
} from '../helpers/server.ts';

// /v1/workflow-templates over the real server: import as JSON or YAML, list newest first, show
// one with its graph and Mermaid drawing, refuse a bad graph with every problem, per app.

const graph = {
  name: 'call_then_push',
  description: 'One call, then the CRM',
  nodes: [
    { id: 'start', type: 'start', next: 'call' },
    { id: 'call', type: 'call', robot_id: '4496', next: 'push' },
    { id: 'push', type: 'api', url: 'https://crm.example.com/push', next: 'done' },
    { id: 'done', type: 'end' },
  ],
};

describe(`/v1 workflow templates (${storeKind})`, () => {
  let server: TestServer;
  let a: ReturnType<typeof client>;
  let b: ReturnType<typeof client>;
  let token: string;

  before(async () => {
    server = await startTestServer({ worker: false });
    const { auth } = server.runtime.services;
    const appA = await auth.createApp({ name: 'wf-a', timezone: 'Asia/Jakarta' });
    const appB = await auth.createApp({ name: 'wf-b' });
    token = await tokenFor(server.url, appA.appKey, appA.appSecret);
    a = client(server.url, token);
    b = client(server.url, await tokenFor(server.url, appB.appKey, appB.appSecret));
  });
  after(() => server.close());

  const rows = async () =>
    (await server.store.db.query<{ n: number }>('SELECT count(*) AS n FROM workflow_templates'))[0]!
      .n;

  it('imports a JSON graph and answers its id, version and Mermaid drawing', async () => {
    const r = await a.post('/v1/workflow-templates', graph);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 200);
    const data = r.json.data;
    assert.equal(data.name, 'call_then_push');
    assert.equal(data.version, 1);
    assert.ok(Number.isInteger(data.workflow_template_id));
    assert.match(data.mermaid, /^flowchart TD\n {2}n0\(\["start \(start\)"\]\)\n/);
    assert.match(data.mermaid, /n2\["push \(api\)<br\/>crm.example.com"\]/);
  });

  it('imports a YAML body as a new version', async () => {
    const yaml = stringifyYaml({ ...graph, description: 'From YAML' });
    const response = await fetch(`${server.url}/v1/workflow-templates`, {
      method: 'POST',
      headers: { authorization: `Token ${token}`, 'content-type': 'application/yaml' },
      body: yaml,
    });
    const r = await readResponse(response);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.data.version, 2);

    const list = await a.get('/v1/workflow-templates?page_size=2');
    assert.equal(list.status, 200);
    assert.equal(list.json.data.total, 5); // 3 built-ins and 2 versions
    assert.deepEqual(
      list.json.data.list.map((t: { name: string; version: number }) => [t.name, t.version]),
      [
        ['call_then_push', 2],
        ['call_then_push', 1],
      ],
    );
    assert.match(list.json.data.list[0].created_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const one = await a.get(`/v1/workflow-templates/${r.json.data.workflow_template_id}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.data.description, 'From YAML');
    assert.equal(one.json.data.builtin, false);
    assert.deepEqual(one.json.data.graph, { ...graph, description: 'From YAML' });
    assert.match(one.json.data.mermaid, /^flowchart TD\n/);
  });

  it('refuses a bad graph with 400 and every problem, and stores nothing', async () => {
    const before = await rows();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test breaks the graph freely
    const bad = structuredClone(graph) as any;
    bad.nodes[1].robot_id = 4496;
    bad.nodes[2].next = 'nowhere';
    bad.nodes.push({ id: 'dial', type: 'pds', next: 'done' });
    const r = await a.post('/v1/workflow-templates', bad);
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 400);
    const message: string = r.json.message;
    assert.match(message, /^Invalid workflow template: /);
    assert.match(message, /node call: robot_id must be a numeric string/);
    assert.match(message, /node push: next "nowhere" is not a node of the graph/);
    assert.match(message, /node dial: group_name is required/);
    assert.equal(await rows(), before);
  });

  it('refuses YAML that does not parse, and a body that is not an object', async () => {
    const response = await fetch(`${server.url}/v1/workflow-templates`, {
      method: 'POST',
      headers: { authorization: `Token ${token}`, 'content-type': 'text/yaml' },
      body: 'name: [unclosed',
    });
    const body = (await readResponse(response)).json;
    assert.equal(response.status, 400);
    assert.match(body.message, /^Invalid workflow template: not JSON or YAML/);
    const list = await a.post('/v1/workflow-templates', [graph]);
    assert.equal(list.status, 400);
  });

  it('keeps templates to their app', async () => {
    const mine = (await a.get('/v1/workflow-templates?name=call_then')).json.data.list[0];
    const r = await b.get(`/v1/workflow-templates/${mine.workflow_template_id}`);
    assert.equal(r.status, 404);
    assert.match(r.json.message, /^Workflow template not found/);
    const theirs = await b.get('/v1/workflow-templates?name=call_then');
    assert.equal(theirs.json.data.total, 0);
    const builtins = await b.get('/v1/workflow-templates');
    assert.deepEqual(
      builtins.json.data.list.map((t: { builtin: boolean }) => t.builtin),
      [true, true, true],
    );
  });

  it('needs a token', async () => {
    const r = await client(server.url).get('/v1/workflow-templates');
    assert.equal(r.status, 401);
  });
});
