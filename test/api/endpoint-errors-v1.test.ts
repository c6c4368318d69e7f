import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { storeKind } from '../helpers/db.ts';
import {
  assertError,
  ok,
  startErrorsServer,
  sweepAuth,
  sweepInvalidJson,
  unchanged as unchangedBy,
  UNKNOWN_ID,
  type Route,
  type SendOptions,
} from './endpoint-errors-harness.ts';

// The error answers of Tiller's own /v1 endpoints (webhooks, robots, do-not-call, encryption,
// compliance settings) that their suites leave out, on the real server: each documented error of
// each route, with the app's settings and lists unchanged after a refused write. Strategies are
// in endpoint-errors-plans.test.ts.

const LISTED = '+6281200000001';
const definition = () =>
  structuredClone(builtinRobots().find((r) => r.robot_id === 4496)!.definition);

describe(`/v1 endpoint errors (${storeKind})`, () => {
  let h: Awaited<ReturnType<typeof startErrorsServer>>;
  let tokenB: string;
  let eventId: string;
  let robotA: string;
  let robotB: string;

  const send = (method: string, path: string, options?: SendOptions) =>
    h.send(method, path, options);
  const get = (path: string, token?: string | null) => h.get(path, token);
  const post = (path: string, body: unknown, token?: string | null) => h.post(path, body, token);
  const put = (path: string, body: unknown, token?: string | null) => h.put(path, body, token);

  /** Every app setting, list and robot a /v1 route writes. */
  async function snapshot() {
    const db = h.server.store.db;
    return {
      apps: await db.query(
        `SELECT id, webhook_url, encryption, calling_windows, contact_caps, auto_dnc_on_optout
         FROM apps ORDER BY id`,
      ),
      robots: await db.query('SELECT id, name, version, definition FROM robots ORDER BY id'),
      versions: await db.query('SELECT robot_id, version FROM robot_versions ORDER BY 1, 2'),
      dnc: await db.query('SELECT app_id, number, reason FROM dnc_numbers ORDER BY 1, 2'),
      events: await db.query(
        'SELECT id, status, attempts, next_attempt_at FROM webhook_events ORDER BY id',
      ),
    };
  }
  const unchanged = (fn: () => Promise<void>) => unchangedBy(snapshot, fn);

  before(async () => {
    h = await startErrorsServer('errors-v1-a', 'errors-v1-b', 'errors-v1-c');
    const [, b, c] = h.tokens;
    tokenB = b!;
    ok(await put('/v1/app/webhook', { url: 'https://a.example/hook' }));
    // C encrypts: a DELETE /v1/app/encryption that got through would switch it off.
    ok(await put('/v1/app/encryption', {}, c));
    ok(await post('/v1/dnc', { numbers: [LISTED], reason: 'complaint' }));
    robotA = ok(await post('/v1/robots', { ...definition(), name: 'A_Robot' })).robot_id;
    ok(await post('/v1/robots', { ...definition(), name: 'A_Other' }));
    robotB = ok(await post('/v1/robots', { ...definition(), name: 'B_Robot' }, tokenB)).robot_id;
    // A stopped task records a task event: the event the webhook routes are asked about.
    const task = ok(
      await post('/service/cloud/task', {
        task_name: 'event_source',
        robot_id: '4496',
        start_time: '2099-01-01 00:00:00',
        callees: [{ callee_number: '+6281234567805' }],
      }),
    ).task_id;
    ok(await post('/service/cloud/operation', { task_id: task, operation: 'stop' }));
    eventId = ok(await get('/v1/webhooks/events')).list[0].event_id;
  });

  after(async () => {
    await h?.server.close();
  });

  describe('every /v1 route', () => {
    const routes = (): Route[] => [
      ['GET', '/v1/app/webhook'],
      ['PUT', '/v1/app/webhook', { url: 'https://evil.example/hook' }],
      ['GET', '/v1/webhooks/events'],
      ['GET', `/v1/webhooks/events/${eventId}/deliveries`],
      ['POST', `/v1/webhooks/events/${eventId}/resend`],
      ['GET', '/v1/robots'],
      ['POST', '/v1/robots', { ...definition(), name: 'No_Token' }],
      ['GET', `/v1/robots/${robotA}`],
      ['PUT', `/v1/robots/${robotA}`, { ...definition(), name: 'A_Robot' }],
      ['GET', '/v1/dnc'],
      ['POST', '/v1/dnc', { numbers: ['+6281200000009'] }],
      ['DELETE', `/v1/dnc/${encodeURIComponent(LISTED)}`],
      ['GET', '/v1/dnc/settings'],
      ['PUT', '/v1/dnc/settings', { auto_dnc_on_optout: true }],
      ['POST', '/v1/dnc/import', { csv: '+6281200000009\n' }],
      ['GET', '/v1/app/encryption'],
      ['PUT', '/v1/app/encryption', { mode: 'GCM' }],
      ['DELETE', '/v1/app/encryption'],
      ['GET', '/v1/app/compliance'],
      ['PUT', '/v1/app/compliance', { calling_windows: null, contact_caps: null }],
    ];

    it('answers no token or an unknown one with 401, changing nothing', async () => {
      await sweepAuth(send, routes(), snapshot);
    });

    it('answers a body that is not JSON with 400 invalid_json on every write, changing nothing', async () => {
      await sweepInvalidJson(send, routes(), snapshot);
    });
  });

  describe('/v1/app/webhook and /v1/webhooks/events', () => {
    it('refuses a relative URL, one with credentials and one over 2000 characters with 400', async () => {
      await unchanged(async () => {
        const cases: Array<[string, RegExp]> = [
          ['/hook', /absolute/],
          ['example.com/hook', /absolute/],
          ['https://user:secret@example.com/hook', /user name or password/],
          [`https://example.com/${'a'.repeat(2000)}`, /url/],
        ];
        for (const [url, detail] of cases) {
          assertError(await put('/v1/app/webhook', { url }), 'bad_request', detail);
        }
        assertError(await put('/v1/app/webhook', { url: 42 }), 'bad_request', /url/);
      });
      assert.equal(ok(await get('/v1/app/webhook')).url, 'https://a.example/hook');
    });

    it('refuses an event id over 64 characters with 400 bad_request', async () => {
      await unchanged(async () => {
        const long = 'a'.repeat(65);
        assertError(await get(`/v1/webhooks/events/${long}/deliveries`), 'bad_request', /id/);
        assertError(
          await post(`/v1/webhooks/events/${long}/resend`, undefined),
          'bad_request',
          /id/,
        );
      });
    });

    it("names unknown events and other apps' events by event_not_found", async () => {
      await unchanged(async () => {
        assertError(await get(`/v1/webhooks/events/${UNKNOWN_ID}/deliveries`), 'event_not_found');
        assertError(
          await post(`/v1/webhooks/events/${eventId}/resend`, undefined, tokenB),
          'event_not_found',
        );
      });
    });
  });

  describe('/v1/robots', () => {
    it("lists the built-in robots and the app's own, never another app's", async () => {
      const list: Array<{ robot_id: string; name: string; built_in: boolean }> = ok(
        await get('/v1/robots'),
      ).list;
      assert.deepEqual(
        list
          .filter((r) => !r.built_in)
          .map((r) => r.name)
          .sort(),
        ['A_Other', 'A_Robot'],
      );
      assert.equal(list.filter((r) => r.built_in).length, builtinRobots().length);
      assert.ok(!list.some((r) => r.robot_id === robotB));
    });

    it("answers unknown robots and other apps' robots with 404 robot_not_found", async () => {
      for (const id of ['999999', robotB]) {
        assertError(await get(`/v1/robots/${id}`), 'robot_not_found', new RegExp(`robot_id ${id}`));
      }
      await unchanged(async () => {
        for (const id of ['999999', robotB]) {
          const r = await put(`/v1/robots/${id}`, { ...definition(), name: 'Taken_Over' });
          assertError(r, 'robot_not_found', new RegExp(`robot_id ${id}`));
        }
      });
    });

    it('refuses an id that is not a number with 400 bad_request', async () => {
      await unchanged(async () => {
        for (const id of ['abc', '-1', '1234567890123456789']) {
          assertError(await get(`/v1/robots/${id}`), 'bad_request', /id/);
          assertError(await put(`/v1/robots/${id}`, definition()), 'bad_request', /id/);
        }
      });
    });

    it('refuses a body that is not a definition object with 400', async () => {
      await unchanged(async () => {
        assertError(await post('/v1/robots', [definition()]), 'bad_request');
        assertError(await post('/v1/robots', JSON.stringify('robot')), 'bad_request');
        assertError(await put(`/v1/robots/${robotA}`, { name: 'x' }), 'invalid_robot');
      });
    });

    it('replaces a definition with PUT: a new version, the old one kept', async () => {
      const changed = definition();
      changed.name = 'A_Robot';
      changed.nodes.end_ptp = { ...changed.nodes.end_ptp!, say: 'Noted, goodbye.' };
      const r = await put(`/v1/robots/${robotA}`, changed);
      const data = ok(r);
      assert.equal(data.robot_id, robotA);
      assert.equal(data.version, 2);
      const got = ok(await get(`/v1/robots/${robotA}`));
      assert.equal(got.definition.nodes.end_ptp.say, 'Noted, goodbye.');
      assert.deepEqual(
        got.versions.map((v: { version: number }) => v.version),
        [1, 2],
      );
    });

    it('refuses a broken definition with PUT with 400 invalid_robot, keeping the version', async () => {
      await unchanged(async () => {
        const broken = { ...definition(), name: 'A_Robot', start: 'nowhere' };
        const r = await put(`/v1/robots/${robotA}`, broken);
        assertError(r, 'invalid_robot', /start: no node "nowhere"/);
      });
    });

    it("refuses renaming a robot to another of the app's robots with 400 duplicate_name", async () => {
      await unchanged(async () => {
        const r = await put(`/v1/robots/${robotA}`, { ...definition(), name: 'A_Other' });
        assertError(r, 'duplicate_name', /A_Other/);
      });
    });

    it('makes one robot of two simultaneous imports of one name: created, then version 2', async () => {
      for (let i = 0; i < 3; i++) {
        const robot = { ...definition(), name: `Race_${i}` };
        const results = await Promise.all([post('/v1/robots', robot), post('/v1/robots', robot)]);
        assert.deepEqual(
          results.map((r) => r.status),
          [200, 200],
          results.map((r) => r.text).join(' | '),
        );
        assert.deepEqual(results.map((r) => r.json.data.version).sort(), [1, 2]);
      }
    });
  });

  describe('/v1/dnc', () => {
    it('refuses an import without any number with 400 bad_request', async () => {
      await unchanged(async () => {
        for (const csv of ['', 'number,reason\n', '# only a comment\n\n']) {
          const r = await post('/v1/dnc/import', { csv });
          assertError(r, 'bad_request', /no numbers/);
        }
        const text = await send('POST', '/v1/dnc/import', { body: 'number\n', type: 'text/csv' });
        assertError(text, 'bad_request', /no numbers/);
      });
    });

    it('refuses an import body without csv, or with other fields, with 400 bad_request', async () => {
      await unchanged(async () => {
        assertError(await post('/v1/dnc/import', {}), 'bad_request', /csv/);
        assertError(
          await post('/v1/dnc/import', { csv: '+6281200000009', numbers: [] }),
          'bad_request',
          /additional/,
        );
      });
    });
  });

  describe('/v1/app/encryption', () => {
    it('refuses a key that is not base64 of 16 or 32 bytes with 400, leaving encryption off', async () => {
      await unchanged(async () => {
        const cases: Array<[Record<string, unknown>, RegExp]> = [
          [{ key: 'not base64!' }, /base64/],
          [{ key: Buffer.alloc(20).toString('base64') }, /16 bytes|32 bytes/],
          [{ key: Buffer.alloc(16).toString('base64'), key_bits: 256 }, /key_bits/],
          [{ mode: 'ECB', iv: 'random-prefix' }, /ECB/],
          [{ wrapper_field: '1abc' }, /wrapper_field/],
          [{ cipher: 'AES' }, /additional/],
        ];
        for (const [body, detail] of cases) {
          assertError(await put('/v1/app/encryption', body), 'bad_request', detail);
        }
      });
      assert.deepEqual(ok(await get('/v1/app/encryption')), { enabled: false });
    });
  });

  describe('/v1/app/compliance', () => {
    it('refuses bad contact caps, bad windows and a body missing a field with 400, changing nothing', async () => {
      const current = ok(await get('/v1/app/compliance'));
      await unchanged(async () => {
        const cases: Array<[Record<string, unknown>, RegExp]> = [
          [{ calling_windows: null, contact_caps: { per_number: { day: -1 } } }, /contact_caps/],
          [{ calling_windows: null, contact_caps: { per_house: {} } }, /contact_caps/],
          [{ calling_windows: null, contact_caps: [] }, /contact_caps/],
          [
            {
              calling_windows: { Indonesia: [{ days: [1], start: '09:00', end: '17:00' }] },
              contact_caps: null,
            },
            /calling_windows/,
          ],
          [{ calling_windows: 'always', contact_caps: null }, /calling_windows/],
          [{ calling_windows: null }, /contact_caps/],
          [{ contact_caps: null }, /calling_windows/],
        ];
        for (const [body, detail] of cases) {
          assertError(await put('/v1/app/compliance', body), 'bad_request', detail);
        }
      });
      assert.deepEqual(ok(await get('/v1/app/compliance')), current);
    });
  });
});
