import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// The compliance rules inside the dialer. The local time of each contact is chosen through its
// own `timezone` field (a fixed-offset zone), so the test holds at any hour it runs.

/**
 * A fixed-offset zone in which it is now `hour` o'clock (Etc/GMT signs are inverted). A run that
 * crosses the hour sees the next hour there, so assertions allow one hour of drift.
 */
function zoneAtLocalHour(hour: number): string {
  let offset = (hour - new Date().getUTCHours() + 24) % 24;
  if (offset > 14) offset -= 24;
  return offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

describe(`compliance rules in the dialer (${storeKind})`, () => {
  let server: TestServer;
  let api: ReturnType<typeof client>;
  let appId: number;

  before(async () => {
    server = await startTestServer();
    const app = await server.runtime.services.auth.createApp({ name: 'rules' });
    appId = app.app.id;
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    // This app calls 09:00-17:00 local time, every day, and a number at most once a local day.
    await server.store.db.query(
      'UPDATE apps SET calling_windows = $2, contact_caps = $3 WHERE id = $1',
      [
        appId,
        JSON.stringify([{ days: [1, 2, 3, 4, 5, 6, 7], start: '09:00', end: '17:00' }]),
        JSON.stringify({
          per_number: { day: 1, rolling_7_days: 7 },
          per_case: { day: null, rolling_7_days: null },
        }),
      ],
    );
  });
  after(() => server.close());

  const callee = async (taskId: string, number: string) =>
    (
      await server.store.db.query<{ status: string; attempts: number; next_attempt_at: Date }>(
        'SELECT status, attempts, next_attempt_at FROM callees WHERE task_id = $1 AND callee_number = $2',
        [taskId, number],
      )
    )[0]!;
  const dials = (number: string) => server.carrier.ledger.filter((d) => d.to === number).length;

  it('dials inside the callee window, records why, and holds a callee outside it', async () => {
    const inside = { callee_number: '+6281234561000', timezone: zoneAtLocalHour(12) };
    const outside = { callee_number: '+6281234562000', timezone: zoneAtLocalHour(3) };
    const created = await api.post('/service/cloud/task', {
      task_name: 'windows',
      robot_id: '4496',
      callees: [inside, outside],
    });
    const taskId = created.json.data.task_id;
    await waitFor('the callee inside its window to be done', async () =>
      (await callee(taskId, inside.callee_number)).status === 'done' ? true : undefined,
    );
    // The one outside its window waits for its morning; nothing was dialled and nothing counted.
    const held = await callee(taskId, outside.callee_number);
    assert.equal(held.status, 'pending');
    assert.equal(held.attempts, 0);
    assert.equal(dials(outside.callee_number), 0);
    const waitHours = (held.next_attempt_at.getTime() - Date.now()) / 3_600_000;
    assert.ok(
      waitHours > 4 && waitHours <= 6,
      `opens at 09:00 local, ${waitHours.toFixed(2)} h from now`,
    );

    const [call] = await server.store.db.query<{ compliance: Record<string, any> }>( // eslint-disable-line @typescript-eslint/no-explicit-any
      'SELECT compliance FROM calls WHERE task_id = $1',
      [taskId],
    );
    const audit = call!.compliance;
    assert.equal(audit.decision, 'allowed');
    assert.equal(audit.zone.zone, inside.timezone);
    assert.equal(audit.zone.source, 'contact');
    assert.match(audit.zone.local_time, / 1[23]:\d{2}:\d{2}$/);
    assert.equal(audit.window.origin, 'app');
    assert.equal(audit.window.open, true);
    assert.equal(audit.caps.counts.number_day, 0);
  });

  it('holds a number that reached its daily cap in another task until it may be called again', async () => {
    const number = { callee_number: '+6281234563000', timezone: zoneAtLocalHour(12) };
    const first = await api.post('/service/cloud/task', {
      task_name: 'cap_1',
      robot_id: '4496',
      callees: [number],
    });
    await waitFor('the first call', async () =>
      (await callee(first.json.data.task_id, number.callee_number)).status === 'done'
        ? true
        : undefined,
    );
    const second = await api.post('/service/cloud/task', {
      task_name: 'cap_2',
      robot_id: '4496',
      callees: [number],
    });
    const taskId = second.json.data.task_id;
    await waitFor('the second task to be looked at', async () => {
      const c = await callee(taskId, number.callee_number);
      return c.next_attempt_at.getTime() > Date.now() + 60_000 ? c : undefined;
    });
    assert.equal(dials(number.callee_number), 1, 'dialled once across both tasks');
    const held = await callee(taskId, number.callee_number);
    assert.equal(held.status, 'pending');
    const waitHours = (held.next_attempt_at.getTime() - Date.now()) / 3_600_000;
    // The cap reopens at local midnight, but the window only at 09:00: both must allow it.
    assert.ok(
      waitHours > 19 && waitHours <= 21,
      `09:00 of the next local day, got ${waitHours.toFixed(2)} h`,
    );
    const [written] = await server.store.db.query<{ n: number }>(
      'SELECT count(*) AS n FROM calls WHERE task_id = $1',
      [taskId],
    );
    assert.equal(written!.n, 0, 'a held attempt writes no call');
  });

  it('takes the app settings through /v1/app/compliance, checked whole', async () => {
    const current = await api.get('/v1/app/compliance');
    assert.equal(current.status, 200);
    assert.equal(current.json.data.contact_caps.per_number.day, 1);
    const bad = await api.put('/v1/app/compliance', {
      calling_windows: [{ days: [8], start: '09:00', end: '17:00' }],
      contact_caps: null,
    });
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /calling_windows/);
    const unchanged = await api.get('/v1/app/compliance');
    assert.deepEqual(unchanged.json.data, current.json.data, 'a refused update changes nothing');
  });

  it("lets a task's own windows override the app's", async () => {
    const night = { callee_number: '+6281234564000', timezone: zoneAtLocalHour(3) };
    const refused = await api.post('/service/cloud/task', {
      task_name: 'night_bad',
      robot_id: '4496',
      calling_windows: [{ days: [1], start: '10:00', end: '09:00' }],
      callees: [night],
    });
    assert.equal(refused.status, 400);
    assert.match(refused.json.message, /calling_windows/);
    const created = await api.post('/service/cloud/task', {
      task_name: 'night_shift',
      robot_id: '4496',
      calling_windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
      callees: [night],
    });
    assert.equal(created.status, 200, created.text);
    const taskId = created.json.data.task_id;
    await waitFor('the night call', async () =>
      (await callee(taskId, night.callee_number)).status === 'done' ? true : undefined,
    );
    const [call] = await server.store.db.query<{
      compliance: { window: { origin: string }; zone: { local_time: string } };
    }>('SELECT compliance FROM calls WHERE task_id = $1', [taskId]);
    assert.equal(call!.compliance.window.origin, 'task');
    assert.match(call!.compliance.zone.local_time, / 0[34]:\d{2}:\d{2}$/);
  });
});
