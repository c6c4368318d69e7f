import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { readResponse, startTestServer, tokenFor, type TestServer } from '../helpers/server.ts';

// Bad input gets a clear error code and message, never a 500 and never a partial write
// (DESIGN.md, Reliability rules). Mostly POST /service/cloud/task (spec/calls-api.md §6 T1).

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reads any envelope
  json: any;
  text: string;
}

const TABLES = ['tasks', 'callees', 'calls', 'jobs', 'webhook_events'] as const;

/** `YYYY-MM-DD HH:MM:SS` in UTC (the app's zone). */
const utc = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');
const HOUR = 3_600_000;

/** A valid task body; tests break one thing in it. Starts in an hour so nothing is dialled. */
function validTask(name: string, overrides: Record<string, unknown> = {}) {
  const start = new Date(Date.now() + HOUR);
  return {
    task_name: name,
    robot_id: '4496',
    start_time: utc(start),
    end_time: utc(new Date(start.getTime() + HOUR)),
    callees: [
      { case_id: 'c-0', callee_number: '+6281234567805' },
      { case_id: 'c-1', callee_number: '+6281234567815' },
      { case_id: 'c-2', callee_number: '+6281234567825' },
    ],
    ...overrides,
  };
}

/** The cloud error envelope, with the code mirroring the HTTP status and a message to act on. */
function assertCloudError(r: Answer, http: number, message?: RegExp) {
  assert.equal(r.status, http, r.text);
  assert.ok(r.json && typeof r.json === 'object', `a JSON body: ${r.text.slice(0, 200)}`);
  assert.deepEqual(Object.keys(r.json).sort(), ['code', 'data', 'message', 'request_id', 'status']);
  assert.equal(r.json.code, http);
  assert.equal(typeof r.json.status, 'string');
  assert.notEqual(r.json.status, '');
  assert.equal(typeof r.json.message, 'string');
  assert.notEqual(r.json.message.trim(), '');
  assert.equal(typeof r.json.request_id, 'string');
  assert.notEqual(r.json.request_id, '');
  assert.equal(r.json.data, null);
  if (message) assert.match(r.json.message, message);
}

describe(`bad input (${storeKind})`, () => {
  let server: TestServer;
  let token: string;
  const answers: Array<{ what: string; status: number; text: string }> = [];

  before(async () => {
    // No workers: the row counts below can only change through the requests of this file.
    server = await startTestServer({ worker: false });
    const app = await server.runtime.services.auth.createApp({ name: 'bad-input' });
    token = await tokenFor(server.url, app.appKey, app.appSecret);
  });

  after(async () => {
    await server?.close();
  });

  /** Sends raw bytes or text with the app's token; every answer is kept for the no-5xx check. */
  async function send(
    path: string,
    body: string | Uint8Array | undefined,
    contentType: string | undefined = 'application/json',
    method = 'POST',
  ): Promise<Answer> {
    const response = await fetch(server.url + path, {
      method,
      headers: {
        authorization: `Token ${token}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      ...(body === undefined ? {} : { body }),
    });
    const answer = await readResponse(response);
    answers.push({
      what: `${method} ${path}`,
      status: answer.status,
      text: answer.text.slice(0, 300),
    });
    return answer;
  }
  const createTask = (body: unknown) => send('/service/cloud/task', JSON.stringify(body));

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const [row] = await server.store.db.query<{ n: number }>(
        `SELECT count(*) AS n FROM ${table}`,
      );
      out[table] = Number(row!.n);
    }
    return out;
  }

  /** Runs `fn` and checks that no row was added to or removed from the business tables. */
  async function nothingStored(fn: () => Promise<void>) {
    const before = await counts();
    await fn();
    assert.deepEqual(await counts(), before, 'the store is unchanged');
  }

  it('creates a task from the valid body the other tests break (control)', async () => {
    const before = await counts();
    const r = await createTask(validTask('control_task'));
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.data.task_id, /^[0-9a-f]{32}$/);
    const afterwards = await counts();
    assert.equal(afterwards.tasks, before.tasks! + 1);
    assert.equal(afterwards.callees, before.callees! + 3);
  });

  it('answers malformed JSON with 400 and a message about JSON', async () => {
    await nothingStored(async () => {
      for (const body of ['{"task_name": "x",', '{task_name: "x"}', "{'a': 1}", 'nope', '{}}']) {
        assertCloudError(await send('/service/cloud/task', body), 400, /JSON/i);
      }
    });
  });

  it('answers fields of the wrong type with 400 naming the field', async () => {
    await nothingStored(async () => {
      const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ['robot_id object', { robot_id: { id: 4496 } }, /robot_id/],
        ['robot_id array', { robot_id: ['4496', '4497'] }, /robot_id/],
        [
          'callees object',
          { callees: { case_id: 'c', callee_number: '+6281234567805' } },
          /callees/,
        ],
        ['callees string', { callees: '+6281234567805' }, /callees/],
        ['callees null', { callees: null }, /callees/],
        ['redial_times "abc"', { redial_times: 'abc' }, /redial_times/],
        ['redial_times -1', { redial_times: -1 }, /redial_times/],
        ['redial_times 1.5', { redial_times: 1.5 }, /redial_times/],
        ['task_name number', { task_name: { a: 1 } }, /task_name/],
        ['callee_number number', { callees: [{ callee_number: { n: 1 } }] }, /callee_number/],
      ];
      for (const [what, override, field] of cases) {
        const r = await createTask(validTask(`wrong_type_${what.replaceAll(' ', '_')}`, override));
        assert.equal(r.status, 400, `${what}: ${r.text}`);
        assertCloudError(r, 400, field);
      }
    });
  });

  it('answers missing required fields and an empty callee list with 400', async () => {
    await nothingStored(async () => {
      assertCloudError(
        await createTask(validTask('empty_callees', { callees: [] })),
        400,
        /callees/,
      );
      for (const field of ['task_name', 'robot_id', 'callees']) {
        const body: Record<string, unknown> = validTask(`missing_${field}`);
        delete body[field];
        assertCloudError(await createTask(body), 400, new RegExp(field));
      }
      assertCloudError(await send('/service/cloud/task', undefined, undefined), 400);
      assertCloudError(await send('/service/cloud/task', ''), 400);
      assertCloudError(await createTask([validTask('array_body')]), 400);
      assertCloudError(await createTask('a string'), 400);
      assertCloudError(await createTask(null), 400);
    });
  });

  it('answers an unknown robot_id with 404', async () => {
    await nothingStored(async () => {
      assertCloudError(
        await createTask(validTask('unknown_robot', { robot_id: '999999' })),
        404,
        /robot/i,
      );
    });
  });

  it('answers a bad calling window with 400', async () => {
    const start = new Date(Date.now() + HOUR);
    await nothingStored(async () => {
      const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        [
          'end before start',
          { start_time: utc(start), end_time: utc(new Date(start.getTime() - 60_000)) },
          /end_time/,
        ],
        ['end equals start', { start_time: utc(start), end_time: utc(start) }, /end_time/],
        [
          'end in the past',
          {
            start_time: utc(new Date(Date.now() - 2 * HOUR)),
            end_time: utc(new Date(Date.now() - HOUR)),
          },
          /past/,
        ],
        [
          'end in the past, no start',
          { start_time: undefined, end_time: '2001-01-01 00:00:00' },
          /end_time/,
        ],
        ['slashes', { start_time: '2030/01/01 10:00:00' }, /start_time/],
        ['ISO T', { start_time: '2030-01-01T10:00:00' }, /start_time/],
        ['no seconds', { end_time: '2030-01-01 10:00' }, /end_time/],
        ['impossible date', { start_time: '2030-02-30 10:00:00' }, /start_time/],
        ['hour 24', { start_time: '2030-01-01 24:00:00' }, /start_time/],
        ['words', { start_time: 'tomorrow morning' }, /start_time/],
        ['empty', { end_time: '' }, /end_time/],
        ['number', { start_time: 1893456000 }, /start_time/],
      ];
      for (const [what, override, message] of cases) {
        const body = validTask(`window_${what.replaceAll(' ', '_')}`, override);
        const r = await createTask(body);
        assert.equal(r.status, 400, `${what}: ${r.text}`);
        assertCloudError(r, 400, message);
      }
    });
  });

  it('answers a Content-Type other than JSON with 415', async () => {
    await nothingStored(async () => {
      const body = JSON.stringify(validTask('text_plain'));
      assertCloudError(await send('/service/cloud/task', body, 'text/plain'), 415);
      assertCloudError(await send('/service/cloud/task', body, 'application/xml'), 415);
      assertCloudError(
        await send('/service/cloud/operation', '{"task_id":"x","operation":"stop"}', 'text/plain'),
        415,
      );
    });
  });

  it('answers a 2 MB body of junk with 413 or 400, never 500', async () => {
    const junk = 'x'.repeat(2 * 1024 * 1024);
    await nothingStored(async () => {
      const operation = await send('/service/cloud/operation', junk);
      assert.ok([400, 413].includes(operation.status), operation.text.slice(0, 200));
      assertCloudError(operation, operation.status);
      const task = await send('/service/cloud/task', junk);
      assert.ok([400, 413].includes(task.status), task.text.slice(0, 200));
      assertCloudError(task, task.status);
      const json = await send(
        '/service/cloud/operation',
        JSON.stringify({ task_id: 'a', operation: 'stop', pad: junk }),
      );
      assertCloudError(json, 413, /large/i);
    });
  });

  /** Sends every case, then checks them together, so one report lists every case that fails. */
  async function allRefused(cases: ReadonlyArray<readonly [string, string | Uint8Array]>) {
    const got: Record<string, number> = {};
    for (const [what, body] of cases) {
      const r = await send('/service/cloud/task', body);
      got[what] = r.status;
      if (r.status >= 400 && r.status < 500) assertCloudError(r, r.status);
    }
    const refused = Object.fromEntries(
      Object.entries(got).map(([what, status]) => [what, status >= 400 && status < 500]),
    );
    assert.deepEqual(
      refused,
      Object.fromEntries(cases.map(([what]) => [what, true])),
      `statuses: ${JSON.stringify(got)}`,
    );
  }

  it('answers invalid UTF-8 in a JSON body with 4xx, not 500, and stores nothing', async () => {
    const json = Buffer.from(JSON.stringify(validTask('PLACEHOLDER')));
    const at = json.indexOf('PLACEHOLDER');
    const inside = (bytes: number[]) =>
      Buffer.concat([json.subarray(0, at), Buffer.from(bytes), json.subarray(at + 11)]);
    await nothingStored(() =>
      allRefused([
        ['0xff 0xfe in a string', inside([0x61, 0xff, 0xfe, 0x62])],
        ['truncated sequence in a string', inside([0x61, 0xc3])],
        ['overlong encoding in a string', inside([0x61, 0xc0, 0xaf])],
        ['0xff between tokens', Buffer.from('{"task_name"\xff: 1}', 'latin1')],
      ]),
    );
  });

  it('answers strings the store cannot hold (NUL, lone surrogates) with 400, not 500', async () => {
    const withCallee = (field: Record<string, string>) => ({
      callees: [{ case_id: 'c', callee_number: '+6281234567805', ...field }],
    });
    const cases: Array<[string, Record<string, unknown>]> = [
      ['NUL in task_name', { task_name: 'nul\u0000name' }],
      ['NUL in case_id', withCallee({ case_id: 'a\u0000b' })],
      ['NUL in callee_name', withCallee({ callee_name: 'a\u0000b' })],
      ['lone surrogate in task_name', { task_name: 'x\ud800y' }],
      ['lone surrogate in comments', withCallee({ comments: 'x\ud800y' })],
    ];
    await nothingStored(() =>
      allRefused(
        cases.map(([what, override]) => [
          what,
          JSON.stringify(validTask(`store_${what.replaceAll(' ', '_')}`, override)),
        ]),
      ),
    );
  });

  it('answers JSON nested 10,000 deep with 4xx, not 500', async () => {
    const depth = 10_000;
    const arrays = '['.repeat(depth) + ']'.repeat(depth);
    const objects = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const inCallee = (name: string, field: string, deep: string) =>
      JSON.stringify(
        validTask(name, {
          callees: [{ case_id: 'c', callee_number: '+6281234567805', [field]: 'DEEP' }],
        }),
      ).replace('"DEEP"', deep);
    await nothingStored(() =>
      allRefused([
        ['arrays as the body', arrays],
        ['objects as the body', objects],
        ['arrays as task_name', JSON.stringify(validTask('x')).replace('"x"', arrays)],
        ['objects in callee extend', inCallee('deep_extend', 'extend', objects)],
        ['arrays in a free callee field', inCallee('deep_free_field', 'anything', arrays)],
      ]),
    );
    // A field the route does not know is ignored, however deep; accepting it is fine, failing is not.
    const ignored = await send(
      '/service/cloud/task',
      JSON.stringify({ ...validTask('deep_top'), pad: 'DEEP' }).replace('"DEEP"', objects),
    );
    assert.ok(ignored.status < 500, `status ${ignored.status}: ${ignored.text}`);
  });

  it('refuses a whole upload with one bad number, naming its index', async () => {
    for (const number of ['+12', '12345', '6281234567890', '+62abc', '']) {
      await nothingStored(async () => {
        const callees = [
          { case_id: 'n-0', callee_number: '+6281234567805' },
          { case_id: 'n-1', callee_number: '+6281234567815' },
          { case_id: 'n-2', callee_number: '+6281234567825' },
          { case_id: 'n-3', callee_number: number },
        ];
        const r = await createTask(validTask(`bad_number_${number.length}`, { callees }));
        assertCloudError(r, 400, /callees\/?\[?\.?3/);
      });
    }
    await nothingStored(async () => {
      const callees = [
        { case_id: 'm-0', callee_number: '+6281234567805' },
        { case_id: 'm-1', callee_number: '+12' },
        { case_id: 'm-2', callee_number: '+6281234567825' },
      ];
      assertCloudError(await createTask(validTask('bad_middle', { callees })), 400, /\[1\]/);
    });
  });

  it('refuses an upload repeating case_id and callee_number, storing nothing', async () => {
    await nothingStored(async () => {
      const callees = [
        { case_id: 'd-0', callee_number: '+6281234567805' },
        { case_id: 'd-1', callee_number: '+6281234567815' },
        { case_id: 'd-0', callee_number: '+62 812-3456-7805' },
      ];
      const r = await createTask(validTask('duplicate_callee', { callees }));
      assertCloudError(r, 400, /callees\[2\]/);
    });
    // The same number under two case ids is two cases, not a duplicate (control).
    const ok = await createTask(
      validTask('same_number_two_cases', {
        callees: [
          { case_id: 'e-0', callee_number: '+6281234567805' },
          { case_id: 'e-1', callee_number: '+6281234567805' },
        ],
      }),
    );
    assert.equal(ok.status, 200, ok.text);
  });

  it('refuses a task_name the app already used, storing nothing new', async () => {
    await nothingStored(async () => {
      const r = await createTask(validTask('control_task'));
      assertCloudError(r, 400, /control_task/);
      assert.match(r.json.message, /duplicate/i);
    });
  });

  it('never answered 5xx in this file', () => {
    assert.ok(answers.length > 40, `${answers.length} answers recorded`);
    const faults = answers.filter((a) => a.status >= 500);
    assert.deepEqual(faults, []);
  });
});
