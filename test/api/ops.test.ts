import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, type TestServer } from '../helpers/server.ts';

// The operator's routes: health, Prometheus metrics, the OpenAPI document and its UI, and the
// request id every response carries.

const GENERATED_ID = /^[0-9a-f]{32}$/;

describe(`ops routes (${storeKind})`, () => {
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer();
    const app = await server.runtime.services.auth.createApp({ name: 'ops' });
    token = await tokenFor(server.url, app.appKey, app.appSecret);
  });

  after(async () => {
    await server?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(server.url + path, { headers, redirect: 'manual' });

  it('answers GET /healthz with 200 {status:"ok"} once started, without a token', async () => {
    const r = await get('/healthz');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await r.json(), { status: 'ok' });
  });

  it('serves Prometheus text at GET /metrics with the Tiller series', async () => {
    // One API request first, so the latency histogram has a sample for the route.
    assert.equal((await client(server.url, token).get('/service/cloud/robot')).status, 200);
    const r = await get('/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await r.text();
    for (const name of [
      'tiller_calls_total',
      'tiller_dial_queue_depth',
      'tiller_webhook_deliveries_total',
      'tiller_http_request_duration_seconds',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is declared`);
    }
    assert.match(text, /^# TYPE tiller_http_request_duration_seconds histogram$/m);
    assert.match(text, /^tiller_dial_queue_depth \d+$/m);
    assert.match(
      text,
      /^tiller_http_request_duration_seconds_count\{[^}]*route="\/service\/cloud\/robot"[^}]*\} [1-9]\d*$/m,
    );
    // Every sample line is `name{labels} value`: the text format Prometheus parses.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      assert.match(line, /^[a-zA-Z_:][\w:]*(\{.*\})? [-+]?(\d|NaN|Inf)/, line);
    }
  });

  it('serves the OpenAPI document at GET /openapi.json', async () => {
    const r = await get('/openapi.json');
    assert.equal(r.status, 200);
    const doc = (await r.json()) as { openapi: string; paths: Record<string, object> };
    assert.match(doc.openapi, /^3\./);
    assert.ok(doc.paths['/service/cloud/task'], 'the task route');
    assert.ok(
      (doc.paths['/service/cloud/task'] as Record<string, unknown>).post,
      'POST /service/cloud/task',
    );
    assert.ok(doc.paths['/service/cloud/auth'], 'the auth route');
    assert.equal(doc.paths['/healthz'], undefined, 'ops routes stay out of the document');
  });

  it('serves the API reference UI at GET /docs', async () => {
    const r = await get('/docs');
    if (r.status >= 300 && r.status < 400) {
      const location = r.headers.get('location');
      assert.ok(location, 'a redirect names where to');
      const ui = await get(new URL(location, `${server.url}/docs`).pathname);
      assert.equal(ui.status, 200);
      assert.match(await ui.text(), /swagger|openapi/i);
    } else {
      assert.equal(r.status, 200);
      assert.match(await r.text(), /swagger|openapi/i);
    }
  });

  describe('x-request-id', () => {
    const paths: Array<[string, string, number]> = [
      ['health', '/healthz', 200],
      ['metrics', '/metrics', 200],
      ['openapi', '/openapi.json', 200],
      ['cloud route without a token', '/service/cloud/robot', 401],
      ['unknown cloud route', '/service/cloud/nope', 401],
      ['unknown route', '/no/such/route', 404],
    ];

    it('is on every response, generated when none is given', async () => {
      const seen = new Set<string>();
      for (const [what, path, status] of paths) {
        const r = await get(path);
        assert.equal(r.status, status, what);
        const id = r.headers.get('x-request-id');
        assert.match(id ?? '', GENERATED_ID, what);
        seen.add(id!);
      }
      assert.equal(seen.size, paths.length, 'a new id per request');
      const r = await client(server.url, token).get('/service/cloud/robot');
      assert.equal(r.status, 200);
    });

    it('echoes a given x-request-id, also in error bodies', async () => {
      for (const [what, path] of paths) {
        const r = await get(path, { 'x-request-id': 'abc-123' });
        assert.equal(r.headers.get('x-request-id'), 'abc-123', what);
      }
      const denied = await get('/service/cloud/robot', { 'x-request-id': 'abc-123' });
      assert.equal(((await denied.json()) as { request_id: string }).request_id, 'abc-123');
      const ok = await get('/service/cloud/robot', {
        'x-request-id': 'abc-123',
        authorization: `Token ${token}`,
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('x-request-id'), 'abc-123');
    });

    it('replaces a given id that is not a safe token with a generated one', async () => {
      for (const given of ['has space', 'x'.repeat(65), 'semi;colon', '<script>']) {
        const r = await get('/healthz', { 'x-request-id': given });
        assert.match(r.headers.get('x-request-id') ?? '', GENERATED_ID, given);
      }
    });
  });
});
