import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Tenants are isolated (DESIGN.md, Reliability rules): app B's token finds nothing of app A's
// tasks, numbers or webhook events, and changes none of them. Also the task operations' own
// error answers (stop twice, unknown number, unknown or malformed task id).

// Numbers ending in 5 never answer in the simulator; the task starts in an hour, so nothing is
// dialled and its state stays where the test puts it.
const NUMBERS = ['+6281234567805', '+6281234567815', '+6281234567825'];
const UNKNOWN_ID = 'ffffffffffffffffffffffffffffffff';

/** `YYYY-MM-DD HH:MM:SS` in UTC (the apps' zone). */
const utc = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

type Client = ReturnType<typeof client>;

function assertCloudError(
  r: { status: number; json: { code?: unknown; data?: unknown } | undefined; text: string },
  http: number,
  what: string,
) {
  assert.equal(r.status, http, `${what}: ${r.text}`);
  assert.equal(r.json?.code, http, `${what}: code`);
  assert.equal(r.json?.data, null, `${what}: data`);
}

describe(`tenant isolation (${storeKind})`, () => {
  let server: TestServer;
  let a: Client;
  let b: Client;
  let taskId: string;

  before(async () => {
    server = await startTestServer();
    const { auth } = server.runtime.services;
    const appA = await auth.createApp({ name: 'tenant-a' });
    const appB = await auth.createApp({ name: 'tenant-b' });
    a = client(server.url, await tokenFor(server.url, appA.appKey, appA.appSecret));
    b = client(server.url, await tokenFor(server.url, appB.appKey, appB.appSecret));
    const start = new Date(Date.now() + 3_600_000);
    const created = await a.post('/service/cloud/task', {
      task_name: 'tenant_a_task',
      robot_id: '4496',
      start_time: utc(start),
      end_time: utc(new Date(start.getTime() + 3_600_000)),
      callees: NUMBERS.map((number, i) => ({ case_id: `a-${i}`, callee_number: number })),
    });
    assert.equal(created.status, 200, created.text);
    taskId = created.json.data.task_id;
  });

  after(async () => {
    await server?.close();
  });

  const statusSeenByA = async () => {
    const r = await a.get('/service/cloud/list');
    assert.equal(r.status, 200, r.text);
    return r.json.data.list.find((t: { task_id: string }) => t.task_id === taskId)?.status;
  };
  const calleeStatuses = async () =>
    (
      await server.store.db.query<{ status: string }>(
        'SELECT status FROM callees WHERE task_id = $1 ORDER BY seq',
        [taskId],
      )
    ).map((r) => r.status);

  it('shows A its own task, waiting with every number pending', async () => {
    assert.equal(await statusSeenByA(), 'Waiting');
    assert.deepEqual(await calleeStatuses(), ['pending', 'pending', 'pending']);
    const detail = await a.get(`/service/cloud/detail?task_id=${taskId}`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.json.data.task_status, 'Waiting');
  });

  it("answers B's detail of A's task with 404", async () => {
    const r = await b.get(`/service/cloud/detail?task_id=${taskId}`);
    assertCloudError(r, 404, 'detail');
    assert.equal(r.text.includes(NUMBERS[0]!), false, 'no number of A leaks');
  });

  it("answers B's stop of A's task with 404 and leaves it waiting", async () => {
    const r = await b.post('/service/cloud/operation', { task_id: taskId, operation: 'stop' });
    assertCloudError(r, 404, 'operation');
    assert.equal(await statusSeenByA(), 'Waiting');
  });

  it("answers B's cancel of A's number with 404 and cancels nothing", async () => {
    for (const body of [
      { task_id: taskId, callee_number: NUMBERS[0] },
      { task_id: taskId, case_id: 'a-1' },
    ]) {
      const r = await b.post('/service/cloud/cancelphonecall', body);
      assertCloudError(r, 404, `cancelphonecall ${JSON.stringify(body)}`);
    }
    assert.deepEqual(await calleeStatuses(), ['pending', 'pending', 'pending']);
    assert.equal(await statusSeenByA(), 'Waiting');
  });

  it("lists none of A's tasks to B", async () => {
    for (const query of ['', '?status=Waiting', '?page_size=1000']) {
      const r = await b.get(`/service/cloud/list${query}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.data.total, 0, query);
      assert.deepEqual(r.json.data.list, [], query);
    }
  });

  it('answers an unknown or malformed task id with 404', async () => {
    for (const id of [UNKNOWN_ID, 'not-a-task-id', taskId.toUpperCase(), `${taskId}0`]) {
      assertCloudError(await a.get(`/service/cloud/detail?task_id=${id}`), 404, `detail ${id}`);
      assertCloudError(
        await a.post('/service/cloud/operation', { task_id: id, operation: 'stop' }),
        404,
        `stop ${id}`,
      );
      assertCloudError(
        await a.post('/service/cloud/cancelphonecall', { task_id: id, callee_number: NUMBERS[0] }),
        404,
        `cancelphonecall ${id}`,
      );
    }
    assert.equal(await statusSeenByA(), 'Waiting');
  });

  it('answers a cancel of a number or case not in the task with 404', async () => {
    const number = await a.post('/service/cloud/cancelphonecall', {
      task_id: taskId,
      callee_number: '+6281299999905',
    });
    assertCloudError(number, 404, 'unknown number');
    const caseId = await a.post('/service/cloud/cancelphonecall', {
      task_id: taskId,
      case_id: 'no-such-case',
    });
    assertCloudError(caseId, 404, 'unknown case');
    assert.deepEqual(await calleeStatuses(), ['pending', 'pending', 'pending']);
  });

  it('lets A cancel its own number (the routes B was refused do work)', async () => {
    const r = await a.post('/service/cloud/cancelphonecall', {
      task_id: taskId,
      callee_number: NUMBERS[2],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.cancelled, 1);
    assert.deepEqual(await calleeStatuses(), ['pending', 'pending', 'cancelled']);
    assert.equal(await statusSeenByA(), 'Waiting');
  });

  describe("A's task stopped by A", () => {
    let eventId: string;

    before(async () => {
      const stopped = await a.post('/service/cloud/operation', {
        task_id: taskId,
        operation: 'stop',
      });
      assert.equal(stopped.status, 200, stopped.text);
      eventId = await waitFor('the task event of the stop', async () => {
        const r = await a.get('/v1/webhooks/events');
        return r.json?.data?.list?.find(
          (e: { type: string; subject_id: string }) => e.type === 'task' && e.subject_id === taskId,
        )?.event_id as string | undefined;
      });
    });

    it('is stopped, and a second stop answers 409 task_finished', async () => {
      assert.equal(await statusSeenByA(), 'Stopped');
      const again = await a.post('/service/cloud/operation', {
        task_id: taskId,
        operation: 'stop',
      });
      assertCloudError(again, 409, 'second stop');
      assert.match(again.json.message, /finished/i);
      assert.equal(await statusSeenByA(), 'Stopped');
    });

    it('gives A its event: listed, with a delivery log', async () => {
      const r = await a.get(`/v1/webhooks/events/${eventId}/deliveries`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.data.event.event_id, eventId);
    });

    it("lists none of A's webhook events to B", async () => {
      for (const query of ['', '?status=pending', '?status=failed', '?status=delivered']) {
        const r = await b.get(`/v1/webhooks/events${query}`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.data.total, 0, query);
        assert.deepEqual(r.json.data.list, [], query);
      }
    });

    it("answers B's deliveries and resend of A's event with 404 and changes nothing", async () => {
      // With no webhook URL the deliverer parks the event as failed; a resend would reopen it.
      const row = async () =>
        (
          await server.store.db.query<{ attempts: number; status: string; last_error: string }>(
            'SELECT attempts, status, last_error FROM webhook_events WHERE id = $1',
            [eventId],
          )
        )[0];
      const parked = await waitFor('the event to be parked as failed', async () => {
        const r = await row();
        return r?.status === 'failed' ? r : undefined;
      });
      assertCloudError(
        await b.get(`/v1/webhooks/events/${eventId}/deliveries`),
        404,
        'B deliveries',
      );
      assertCloudError(await b.post(`/v1/webhooks/events/${eventId}/resend`), 404, 'B resend');
      assert.deepEqual(await row(), parked, 'not reopened by B');

      const resent = await a.post(`/v1/webhooks/events/${eventId}/resend`);
      assert.equal(resent.status, 200, resent.text);
      assert.equal(resent.json.data.event_id, eventId);
      assert.equal(resent.json.data.status, 'pending');
    });

    it('answers a cancel on the stopped task with 409, and unknown event ids with 404', async () => {
      const r = await a.post('/service/cloud/cancelphonecall', {
        task_id: taskId,
        callee_number: NUMBERS[0],
      });
      assertCloudError(r, 409, 'cancel on a stopped task');
      assertCloudError(
        await a.get(`/v1/webhooks/events/${UNKNOWN_ID}/deliveries`),
        404,
        'unknown event',
      );
      assertCloudError(
        await a.post('/v1/webhooks/events/not-an-event/resend'),
        404,
        'malformed event id',
      );
    });
  });
});
