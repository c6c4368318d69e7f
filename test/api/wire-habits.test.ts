import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { storeKind } from '../helpers/db.ts';
import { startTestServer, tokenFor, type TestServer } from '../helpers/server.ts';
import { LATER, assertError, type Answer } from './endpoint-errors-harness.ts';

// What real AIRudder integrations send that the spec does not show (docs/api-calls.md, "What
// real clients send"), through the whole app with inject(): no port is needed for any of it.

describe(`real clients' wire habits (${storeKind})`, () => {
  let server: TestServer;
  let app: FastifyInstance;
  let token: string;
  let appKey: string;
  let appSecret: string;

  before(async () => {
    server = await startTestServer({ worker: false });
    app = server.runtime.app!;
    const created = await server.runtime.services.auth.createApp({ name: 'wire' });
    appKey = created.appKey;
    appSecret = created.appSecret;
    token = await tokenFor(server.url, appKey, appSecret);
  });
  after(() => server.close());

  /** inject() with the token, answering like readResponse (status, json, text). */
  const send = async (
    method: string,
    url: string,
    options: { body?: unknown; type?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer & { headers: Record<string, unknown> }> => {
    const headers: Record<string, string> = { authorization: `Token ${token}`, ...options.headers };
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = options.type ?? 'application/json';
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const r = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    let json: unknown;
    try {
      json = JSON.parse(r.body);
    } catch {
      json = undefined;
    }
    return { status: r.statusCode, json, text: r.body, headers: r.headers };
  };

  const taskCount = async () =>
    (await server.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks'))[0]!.n;

  /** A task in PascalCase, as a PHP integration sends it. */
  const pascalTask = (name: string, extra: Record<string, unknown> = {}) => ({
    TaskName: name,
    RobotID: '4496',
    StartTime: LATER.start_time,
    EndTime: LATER.end_time,
    RedialTimes: 1,
    SIPLine: 'line-01',
    RobotMethod: 'single',
    Callees: [
      { CaseID: `${name}-1`, CalleeNumber: '+6281234567815', CalleeName: 'Budi' },
      { Case_Id: `${name}-2`, Number: '+6281234567825', custom_ref: 'kept' },
    ],
    ...extra,
  });

  it('accepts PascalCase keys in bodies and query strings, and enum values in any case', async () => {
    const created = await send('POST', '/service/cloud/task', { body: pascalTask('pascal_1') });
    assert.equal(created.status, 200, created.text);
    const taskId = created.json.data.task_id as string;

    const stored = await server.store.db.query<{
      case_id: string;
      callee_number: string;
      data: Record<string, unknown>;
    }>('SELECT case_id, callee_number, data FROM callees WHERE task_id = $1 ORDER BY seq', [
      taskId,
    ]);
    assert.deepEqual(
      stored.map((r) => [r.case_id, r.callee_number]),
      [
        ['pascal_1-1', '+6281234567815'],
        ['pascal_1-2', '+6281234567825'],
      ],
    );
    assert.equal(stored[0]!.data.callee_name, 'Budi', 'CalleeName is callee_name');
    assert.equal(stored[1]!.data.custom_ref, 'kept', 'a custom key is echoed as sent');

    const listed = await send('GET', '/service/cloud/list?Status=waiting&PageSize=5&Page=1');
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.json.data.page_size, 5);
    assert.ok(listed.json.data.list.some((t: { task_id: string }) => t.task_id === taskId));

    const detail = await send('GET', `/service/cloud/detail?TaskID=${taskId}&PageSize=3`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.json.data.page_size, 3);

    const cancel = await send('POST', '/service/cloud/cancelphonecall', {
      body: { TaskID: taskId, Callee: '+6281234567815' },
    });
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.json.data.cancelled, 1);

    const stop = await send('POST', '/service/cloud/operation', {
      body: { TaskID: taskId, Action: 'Stop' },
    });
    assert.equal(stop.status, 200, stop.text);
    const after = await send('GET', `/service/cloud/list?status=STOPPED`);
    assert.ok(after.json.data.list.some((t: { task_id: string }) => t.task_id === taskId));
  });

  it('honours SIPLine as the caller line when it is a phone number', async () => {
    const created = await send('POST', '/service/cloud/task', {
      body: pascalTask('sipline_number', { SIPLine: '+6221500000099' }),
    });
    assert.equal(created.status, 200, created.text);
    const row = await server.store.db.query<{ caller_number: string }>(
      'SELECT caller_number FROM tasks WHERE id = $1',
      [created.json.data.task_id],
    );
    assert.equal(row[0]!.caller_number, '+6221500000099');
  });

  it('refuses two keys that name one field with different values', async () => {
    const before = await taskCount();
    const r = await send('POST', '/service/cloud/task', {
      body: pascalTask('twice', { task_name: 'other' }),
    });
    assertError(r, 'bad_request', /"TaskName" and "task_name" both name task_name/);
    assert.equal(await taskCount(), before);
  });

  it('reads a JSON body sent as application/x-www-form-urlencoded as JSON', async () => {
    const created = await send('POST', '/service/cloud/task', {
      body: JSON.stringify(pascalTask('form_json')),
      type: 'application/x-www-form-urlencoded',
    });
    assert.equal(created.status, 200, created.text);
    const stop = await send('POST', '/service/cloud/operation', {
      body: `task_id=${created.json.data.task_id}&operation=stop`,
      type: 'application/x-www-form-urlencoded',
    });
    assert.equal(stop.status, 200, stop.text);
  });

  it('answers broken query strings in the envelope, naming what is wrong', async () => {
    assertError(
      await send('GET', '/service/cloud/detail?task_id=%E0%A4%A&page=1'),
      'bad_request',
      /percent-encoded/,
    );
    assertError(
      await send('GET', '/service/cloud/detail?task_id=a&TaskID=b'),
      'bad_request',
      /both name task_id/,
    );
    assertError(
      await send('GET', '/service/cloud/detail?task_id=a&task_id=b'),
      'bad_request',
      /"task_id" is given more than once/,
    );
    // The same value twice is one value.
    assertError(
      await send('GET', '/service/cloud/detail?task_id=nope&task_id=nope'),
      'task_not_found',
    );
  });

  it('issues a token for multipart auth with keys in any case', async () => {
    const form = new FormData();
    form.append('AppKey', appKey);
    form.append('appsecret', appSecret);
    const r = await fetch(`${server.url}/service/cloud/auth`, { method: 'POST', body: form });
    const json = (await r.json()) as { data: { token: string } };
    assert.equal(r.status, 200, JSON.stringify(json));
    assert.equal(typeof json.data.token, 'string');
  });

  it('answers numeric credentials with 400, not 403', async () => {
    const r = await send('POST', '/service/cloud/auth', { body: { APPKey: 123, APPSecret: 456 } });
    assertError(r, 'bad_request', /APPKey must be a string/);
  });

  it('says the allowed values of an enum once, in one message', async () => {
    const r = await send('GET', '/service/cloud/list?status=bogus');
    assertError(r, 'bad_request', /querystring\/status must be one of "Waiting", "Running"/);
    assert.equal(r.json.message.match(/must/g).length, 1, r.json.message);
    assert.doesNotMatch(r.json.message, /constant|anyOf/);
  });

  it('refuses offsets beyond ±14:00 and accepts +14:00', async () => {
    const before = await taskCount();
    const far = await send('POST', '/service/cloud/task', {
      body: pascalTask('offset_99', { StartTime: '2099-01-01 00:00:00+99:00' }),
    });
    assertError(far, 'invalid_time', /\+99:00, outside -14:00 to \+14:00/);
    assert.equal(await taskCount(), before);
    const kiribati = await send('POST', '/service/cloud/task', {
      body: pascalTask('offset_14', { StartTime: '2099-01-01 00:00:00+14:00' }),
    });
    assert.equal(kiribati.status, 200, kiribati.text);
  });

  it('refuses numbers libphonenumber calls invalid, and extensions, naming the number', async () => {
    const before = await taskCount();
    const invalid = await send('POST', '/service/cloud/task', {
      body: pascalTask('invalid_number', {
        Callees: [{ CaseID: 'x', CalleeNumber: '+11111111111' }],
      }),
    });
    assertError(
      invalid,
      'invalid_phone',
      /callees\[0\]\.callee_number "\+11111111111" is not a valid number/,
    );
    const extension = await send('POST', '/service/cloud/task', {
      body: pascalTask('extension', {
        Callees: [{ CaseID: 'x', CalleeNumber: '+1 212 555 0100 ext. 12' }],
      }),
    });
    assertError(extension, 'invalid_phone', /"\+1 212 555 0100 ext\. 12" has the extension 12/);
    assert.equal(await taskCount(), before);
  });

  it('bounds a callee record at 16 KiB, naming the callee', async () => {
    const before = await taskCount();
    const r = await send('POST', '/service/cloud/task', {
      body: pascalTask('huge_callee', {
        Callees: [
          { CaseID: 'a', CalleeNumber: '+6281234567815' },
          { CaseID: 'b', CalleeNumber: '+6281234567825', notes: 'x'.repeat(17 * 1024) },
        ],
      }),
    });
    assertError(
      r,
      'bad_request',
      /callees\[1\] \(\+6281234567825\) is \d+ bytes as JSON; at most 16384/,
    );
    assert.equal(await taskCount(), before);
  });

  it('answers a wrong method on an existing path with 405, the envelope and Allow', async () => {
    const get = await send('GET', '/service/cloud/task');
    assertError(get, 'method_not_allowed', /GET \/service\/cloud\/task/);
    assert.equal(get.headers.allow, 'POST');
    const post = await send('POST', '/service/cloud/list', { body: {} });
    assertError(post, 'method_not_allowed');
    assert.equal(post.headers.allow, 'GET, HEAD');
    const v1 = await send('DELETE', '/v1/robots/4496');
    assertError(v1, 'method_not_allowed');
    assert.equal(v1.headers.allow, 'GET, HEAD, PUT');
    assertError(await send('GET', '/service/cloud/no-such-path'), 'not_found');
  });

  it('gives every time in /v1 answers as YYYY-MM-DD HH:MM:SS in the app zone', async () => {
    const added = await send('POST', '/v1/dnc', { body: { numbers: ['+6281234567895'] } });
    assert.equal(added.status, 200, added.text);
    const times: Array<[string, unknown]> = [];
    const collect = (value: unknown, path: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => collect(v, `${path}[${i}]`));
      else if (value !== null && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) {
          if (/(_at|_time)$/.test(k)) times.push([`${path}.${k}`, v]);
          else collect(v, `${path}.${k}`);
        }
    };
    for (const url of ['/v1/robots', '/v1/robots/4496', '/v1/strategies', '/v1/dnc']) {
      const r = await send('GET', url);
      assert.equal(r.status, 200, `${url}: ${r.text}`);
      collect(r.json.data, url);
    }
    assert.ok(
      times.some(([path]) => path.startsWith('/v1/robots/4496')),
      'robot times seen',
    );
    assert.ok(
      times.some(([path]) => path.startsWith('/v1/dnc')),
      'dnc times seen',
    );
    for (const [path, value] of times)
      assert.match(String(value), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, path);
  });
});
