import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { verify } from '../../src/modules/webhooks/signing.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Fault: the customer's webhook receiver is down (nothing listens on its port), then up but
// failing (HTTP 500), then healthy. Delivery is at-least-once with a stable event id
// (DESIGN.md, Reliability rules; docs/webhooks.md "Delivery"): after the receiver recovers every
// recorded event arrives, each within the retry policy, and an event whose retries ran out stays
// in the delivery log as failed until it is re-sent. Nothing here measures wall-clock time: every
// wait is for a state, with waitFor's generous deadline.

type Client = ReturnType<typeof client>;

interface Delivery {
  /** Order of writing: a delivery logged later has a larger id. */
  id: number;
  event_id: string;
  attempt: number;
  http_status: number | null;
  error: string | null;
}

/** A port the OS handed out and that nothing listens on (until the test listens on it). */
async function reservePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The customer's receiver on a fixed port, started late (until then connections are refused),
 * answering with whatever `status` is at the time. Records what it answered, per request.
 */
class FlakyReceiver {
  readonly requests: Array<{ headers: IncomingHttpHeaders; body: string; status: number }> = [];
  readonly port: number;
  status = 500;
  #server: Server | undefined;

  constructor(port: number) {
    this.port = port;
  }

  get url() {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async listen() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.status;
        const body = Buffer.concat(chunks).toString('utf8');
        this.requests.push({ headers: req.headers, body, status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? '{}' : '{"error":"maintenance"}');
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Event ids the receiver answered 2xx, with how many times. */
  accepted(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.requests) {
      if (r.status !== 200) continue;
      const id = String(r.headers['webhook-id']);
      out.set(id, (out.get(id) ?? 0) + 1);
    }
    return out;
  }

  async close() {
    if (!this.#server) return;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }
}

async function newApp(server: TestServer, name: string, webhookUrl: string) {
  const created = await server.runtime.services.auth.createApp({ name, webhookUrl });
  const token = await tokenFor(server.url, created.appKey, created.appSecret);
  return { id: created.app.id, secret: created.app.webhookSecret, api: client(server.url, token) };
}

async function createTask(api: Client, name: string, numbers: string[]): Promise<string> {
  const r = await api.post('/service/cloud/task', {
    task_name: name,
    robot_id: '4496',
    callees: numbers.map((n, i) => ({ case_id: `${name}-${i}`, callee_number: n })),
  });
  assert.equal(r.status, 200, r.text);
  return r.json.data.task_id as string;
}

async function taskStatus(api: Client, taskId: string): Promise<string | undefined> {
  const r = await api.get(`/service/cloud/detail?task_id=${taskId}&page_size=1`);
  assert.equal(r.status, 200, r.text);
  return r.json.data.task_status as string;
}

describe(`webhook receiver down, failing, then recovered (${storeKind})`, () => {
  // Short delays so the outage spans many retries; enough retries that none runs out before
  // the receiver recovers (100 retries of 250 ms outlast the phases below many times over).
  const RETRY_DELAY_MS = 250;
  const MAX_RETRIES = 100;
  // Every persona of the simulator (last digit), twice, answered or not; no redials, so one
  // call event per number, then one task event (docs/simulator.md).
  const NUMBERS = Array.from(
    { length: 20 },
    (_, i) => `+628123456${i < 10 ? '00' : '20'}${i % 10}`,
  );

  let server: TestServer;
  let receiver: FlakyReceiver;
  let app: Awaited<ReturnType<typeof newApp>>;
  let taskId: string;

  const events = () =>
    server.store.db.query<{ id: string; type: string; status: string; attempts: number }>(
      'SELECT id, type, status, attempts FROM webhook_events WHERE app_id = $1 ORDER BY id',
      [app.id],
    );
  const deliveries = () =>
    server.store.db.query<Delivery>(
      `SELECT id, event_id, attempt, http_status, error FROM webhook_deliveries
       WHERE app_id = $1 ORDER BY event_id, id`,
      [app.id],
    );
  /** Event ids with at least one logged attempt that `matches`. */
  const eventsWith = async (matches: (d: Delivery) => boolean) =>
    new Set((await deliveries()).filter(matches).map((d) => d.event_id));

  before(async () => {
    receiver = new FlakyReceiver(await reservePort());
    server = await startTestServer({
      config: { webhookRetryDelayMs: RETRY_DELAY_MS, webhookMaxRetries: MAX_RETRIES },
    });
    app = await newApp(server, 'receiver-down', receiver.url);
    taskId = await createTask(app.api, 'receiver_down_task', NUMBERS);
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('keeps every event pending while connections are refused', async () => {
    await waitFor('the task to finish', async () =>
      (await taskStatus(app.api, taskId)) === 'Finished' ? true : undefined,
    );
    // 20 call events, each tried at least once against the closed port; the task event waits
    // for them (it is delivered after every call event of its task, docs/webhooks.md).
    await waitFor('20 call events, each refused at least once', async () => {
      const all = await events();
      if (all.length !== NUMBERS.length + 1) return undefined;
      const refused = await eventsWith(
        (d) => d.http_status === null && /ECONNREFUSED/.test(d.error ?? ''),
      );
      return all.filter((e) => e.type === 'call').every((e) => refused.has(e.id)) || undefined;
    });
    const all = await events();
    assert.equal(all.find((e) => e.type === 'task')?.attempts, 0, 'the task event waits');
    assert.deepEqual(
      all.map((e) => e.type).sort(),
      [...NUMBERS.map(() => 'call'), 'task'],
      'one call event per number and one task event',
    );
    assert.deepEqual(
      all.filter((e) => e.status !== 'pending'),
      [],
      'nothing delivered, nothing given up',
    );
    assert.equal(receiver.requests.length, 0);
  });

  it('keeps every event pending while the receiver answers 500', async () => {
    receiver.status = 500;
    await receiver.listen();
    await waitFor('every call event to meet an HTTP 500', async () => {
      const failed = await eventsWith((d) => d.http_status === 500);
      return (
        (await events()).filter((e) => e.type === 'call').every((e) => failed.has(e.id)) ||
        undefined
      );
    });
    const task = (await events()).find((e) => e.type === 'task');
    assert.equal(task?.attempts, 0, 'the task event still waits for its calls');
    assert.deepEqual(
      (await events()).filter((e) => e.status !== 'pending'),
      [],
      'a 500 is a failed attempt, retried',
    );
    assert.equal(receiver.accepted().size, 0);
  });

  it('delivers every event once the receiver recovers, within the retry policy', async () => {
    receiver.status = 200;
    await waitFor('every event delivered', async () => {
      const all = await events();
      return all.every((e) => e.status === 'delivered') || undefined;
    });
    const all = await events();

    // Each recorded event arrived at least once, and nothing arrived that is not recorded.
    const accepted = receiver.accepted();
    assert.deepEqual([...accepted.keys()].sort(), all.map((e) => e.id).sort());

    // The same signed body on every attempt, equal to the stored payload.
    const stored = await server.store.db.query<{ id: string; payload: unknown }>(
      'SELECT id, payload FROM webhook_events WHERE app_id = $1',
      [app.id],
    );
    const payloadOf = new Map(stored.map((r) => [r.id, r.payload]));
    for (const r of receiver.requests) {
      const id = String(r.headers['webhook-id']);
      assert.doesNotThrow(() => verify(app.secret, r.headers, r.body), `signature of ${id}`);
      assert.deepEqual(JSON.parse(r.body), payloadOf.get(id), `body of ${id}`);
    }

    // Within the policy: no event needed more than 1 + maxRetries attempts, and each call
    // event's log reads refused..., HTTP 500..., then a single 200 as its last attempt, numbered
    // 1..n. The task event was sent once, after every call event had been delivered.
    const log = await deliveries();
    const taskEvent = all.find((e) => e.type === 'task')!;
    const taskLog = log.filter((d) => d.event_id === taskEvent.id);
    assert.deepEqual(
      taskLog.map((d) => [d.attempt, d.http_status]),
      [[1, 200]],
    );
    const lastCallDelivery = Math.max(
      ...log.filter((d) => d.event_id !== taskEvent.id && d.http_status === 200).map((d) => d.id),
    );
    assert.ok(taskLog[0]!.id > lastCallDelivery, 'the task event after every call event');
    for (const event of all.filter((e) => e !== taskEvent)) {
      const attempts = log.filter((d) => d.event_id === event.id);
      assert.ok(event.attempts <= 1 + MAX_RETRIES, `${event.id}: ${event.attempts} attempts`);
      assert.equal(attempts.length, event.attempts, `${event.id}: one log row per attempt`);
      assert.deepEqual(
        attempts.map((d) => d.attempt),
        attempts.map((_, i) => i + 1),
      );
      const phases = attempts.map((d) =>
        d.http_status === 200 ? 'ok' : d.http_status === 500 ? '500' : 'refused',
      );
      const compact = phases.filter((p, i) => p !== phases[i - 1]);
      assert.deepEqual(compact, ['refused', '500', 'ok'], `${event.id}: ${phases.join(',')}`);
      assert.equal(phases.filter((p) => p === 'ok').length, 1);
      for (const d of attempts.filter((a) => a.http_status === null)) {
        assert.match(d.error ?? '', /ECONNREFUSED/);
      }
    }
    const totals = await app.api.get('/v1/webhooks/events?status=delivered&page_size=100');
    assert.equal(totals.status, 200, totals.text);
    assert.equal(totals.json.data.total, all.length);
  });
});

describe(`webhook event that ran out of retries (${storeKind})`, () => {
  let server: TestServer;
  let receiver: FlakyReceiver;
  let app: Awaited<ReturnType<typeof newApp>>;
  let taskId: string;

  before(async () => {
    receiver = new FlakyReceiver(await reservePort());
    // One retry: an outage of two attempts exhausts an event.
    server = await startTestServer({ config: { webhookRetryDelayMs: 50, webhookMaxRetries: 1 } });
    app = await newApp(server, 'receiver-gone', receiver.url);
    // One number that is busy: one call event, then the task event.
    taskId = await createTask(app.api, 'exhausted_task', ['+6281234567006']);
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  const failedEvents = async () => {
    const r = await app.api.get('/v1/webhooks/events?status=failed');
    assert.equal(r.status, 200, r.text);
    return r.json.data.list as Array<{
      event_id: string;
      type: string;
      subject_id: string;
      status: string;
      attempts: number;
      last_error: string | null;
    }>;
  };

  it('lists the events as failed after 1 + maxRetries refused attempts', async () => {
    const failed = await waitFor('both events to be given up', async () => {
      const list = await failedEvents();
      return list.length === 2 ? list : undefined;
    });
    assert.deepEqual(failed.map((e) => e.type).sort(), ['call', 'task']);
    for (const event of failed) {
      assert.equal(event.attempts, 2, `${event.type}: 1 attempt + 1 retry`);
      assert.match(event.last_error ?? '', /ECONNREFUSED/);
    }
    assert.equal(failed.find((e) => e.type === 'task')?.subject_id, taskId);

    const pending = await app.api.get('/v1/webhooks/events?status=pending');
    assert.equal(pending.json.data.total, 0);
  });

  it('shows every refused attempt in the delivery log', async () => {
    for (const event of await failedEvents()) {
      const r = await app.api.get(`/v1/webhooks/events/${event.event_id}/deliveries`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.data.event.status, 'failed');
      assert.deepEqual(
        r.json.data.list.map((d: { attempt: number; http_status: number | null; url: string }) => [
          d.attempt,
          d.http_status,
          d.url,
        ]),
        [
          [1, null, receiver.url],
          [2, null, receiver.url],
        ],
      );
      for (const d of r.json.data.list) assert.match(d.error, /ECONNREFUSED/);
    }
    assert.equal(receiver.requests.length, 0);
  });

  it('delivers a re-sent event once the receiver is back, and only that one', async () => {
    const [call] = (await failedEvents()).filter((e) => e.type === 'call');
    assert.ok(call);
    receiver.status = 200;
    await receiver.listen();

    const resent = await app.api.post(`/v1/webhooks/events/${call.event_id}/resend`);
    assert.equal(resent.status, 200, resent.text);
    assert.equal(resent.json.data.event_id, call.event_id);
    assert.equal(resent.json.data.status, 'pending');
    assert.equal(resent.json.data.attempts, 0);

    const log = await waitFor('the re-sent event to be delivered', async () => {
      const r = await app.api.get(`/v1/webhooks/events/${call.event_id}/deliveries`);
      return r.json?.data?.event?.status === 'delivered' ? r.json.data : undefined;
    });
    assert.deepEqual([...receiver.accepted().keys()], [call.event_id]);
    assert.deepEqual(
      log.list.map((d: { attempt: number; http_status: number | null }) => [
        d.attempt,
        d.http_status,
      ]),
      [
        [1, null],
        [2, null],
        [1, 200],
      ],
      'the old attempts stay in the log; numbering restarts after the re-send',
    );
    assert.equal(log.event.attempts, 1);
    const body = JSON.parse(receiver.requests[0]!.body);
    assert.equal(body.call.call_id, call.subject_id);
    assert.doesNotThrow(() =>
      verify(app.secret, receiver.requests[0]!.headers, receiver.requests[0]!.body),
    );

    // The task event was not re-sent: still failed, never delivered.
    const still = await failedEvents();
    assert.deepEqual(
      still.map((e) => e.type),
      ['task'],
    );
  });
});
