import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { spokenDate } from '../../src/dialogue/spoken.ts';
import { readWav } from '../../src/dialogue/wav.ts';
import { verify } from '../../src/modules/webhooks/signing.ts';
import { storeKind } from '../helpers/db.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';

// The vertical slice through the real HTTP server: app -> token -> task whose numbers cover every
// simulated outcome -> call and task webhooks, signed -> detail lists every attempt.

const seedCall = JSON.parse(
  readFileSync(new URL('../fixtures/seed-call-object.json', import.meta.url), 'utf8'),
);

// The last digit picks the persona, a second-to-last 9 answers only on a redial (docs/simulator.md).
const NUMBERS = {
  answered: '+6281234567000',
  noAnswer: '+6281234567005',
  busy: '+6281234567006',
  invalid: '+6281234567007',
  hangup: '+6281234567008',
  answersOnRedial: '+6281234567090',
};

const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/** Same keys, and every value of the same JSON type, recursively (arrays by their first item). */
function assertSameShape(actual: unknown, expected: unknown, path: string) {
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  assert.equal(
    kind(actual),
    kind(expected),
    `${path}: ${kind(actual)} instead of ${kind(expected)}`,
  );
  if (
    Array.isArray(expected) &&
    Array.isArray(actual) &&
    expected.length > 0 &&
    actual.length > 0
  ) {
    assertSameShape(actual[0], expected[0], `${path}[0]`);
  } else if (
    kind(expected) === 'object' &&
    !['ner_slots', 'multi_label'].some((k) => path.endsWith(k))
  ) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${path}: keys`);
    for (const key of Object.keys(e)) assertSameShape(a[key], e[key], `${path}.${key}`);
  }
}

describe(`calling task end to end (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let webhookSecret: string;
  let token: string;
  let taskId: string;

  before(async () => {
    server = await startTestServer();
    receiver = await startReceiver();
    const app = await server.runtime.services.auth.createApp({
      name: 'e2e',
      webhookUrl: receiver.url,
    });
    webhookSecret = app.app.webhookSecret;
    token = await tokenFor(server.url, app.appKey, app.appSecret);
    const created = await client(server.url, token).post('/service/cloud/task', {
      task_name: 'e2e_all_outcomes',
      robot_id: '4496',
      redial_times: 1,
      redial_interval: 0,
      callees: Object.values(NUMBERS).map((number, i) => ({
        case_id: `case-${i}`,
        callee_number: number,
        callee_name: `Person ${i}`,
        platform_name: 'AIZCC',
        total_owing_amount: '20310.00',
        currency_unit: 'USD',
        due_date: '2024-03-07',
      })),
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.code, 200);
    taskId = created.json.data.task_id;
    assert.match(taskId, HEX32);
    // Six call webhooks and the task webhook; deliveries run in parallel, so wait for all seven.
    await waitFor('every webhook', () => (receiver.requests.length >= 7 ? true : undefined));
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  const events = () =>
    receiver.requests.map((r) => ({ headers: r.headers, body: r.body, json: JSON.parse(r.body) }));
  const callEvents = () => events().filter((e) => e.json.call);

  it('signs every webhook so the receiver can verify it with the app secret', () => {
    assert.ok(receiver.requests.length >= 7);
    for (const request of receiver.requests) {
      assert.doesNotThrow(() => verify(webhookSecret, request.headers, request.body));
      assert.throws(() => verify(webhookSecret, request.headers, request.body.replace('}', ' }')));
    }
  });

  it('sends one call webhook per number, once its dialling is final', () => {
    const byNumber = new Map(callEvents().map((e) => [e.json.call.callee_number, e.json]));
    assert.equal(callEvents().length, 6);
    assert.deepEqual([...byNumber.keys()].sort(), Object.values(NUMBERS).sort());
    const ids = new Set(events().map((e) => e.headers['webhook-id']));
    assert.equal(ids.size, events().length, 'every event has its own stable id');
  });

  it('gives each call object every field of the seed call object, with the same types and formats', () => {
    for (const { json } of callEvents()) {
      assert.equal(typeof json.timestamp, 'number');
      assert.equal(json.callee.case_id.startsWith('case-'), true);
      // Tiller's one addition to the seed's call object: why the number's dialling is final.
      const { end_reason: endReason, ...call } = json.call;
      assert.match(endReason, /^(connected|not_connected|invalid)$/);
      assertSameShape(call, seedCall, 'call');
      assert.equal(json.call.task_id, taskId);
      assert.match(json.call.call_id, HEX32);
      assert.match(json.call.robot_id, /^\d+$/);
      assert.match(json.call.call_start_time, DATE_TIME);
      assert.match(json.call.call_end_time, DATE_TIME);
      for (const turn of json.call.asr_result) assert.match(turn.time, /^\d{2}:\d{2}:\d{2}$/);
      for (const earlier of json.call.redial_call) {
        assertSameShape(earlier, seedCall.redial_call[0], 'redial_call[]');
        assert.match(earlier.call_start_time, DATE_TIME);
      }
    }
  });

  it('reports each simulated outcome with its attempts, labels and hang-up side', () => {
    const call = (number: string) =>
      callEvents().find((e) => e.json.call.callee_number === number)!.json.call;
    const answered = call(NUMBERS.answered);
    assert.equal(answered.intention, 'A');
    assert.equal(answered.hangup_type, 'ByRobot');
    assert.equal(answered.call_times, 1);
    assert.ok(answered.asr_result.length >= 2);
    assert.match(answered.asr_result[1].robottext, /20,310 US dollars/);
    assert.equal(call(NUMBERS.hangup).hangup_type, 'ByCallee');
    assert.equal(call(NUMBERS.hangup).intention, 'E');
    assert.equal(call(NUMBERS.invalid).call_times, 1, 'an invalid number is not redialled');
    assert.equal(call(NUMBERS.invalid).end_reason, 'invalid');
    assert.equal(answered.end_reason, 'connected');
    assert.equal(call(NUMBERS.noAnswer).end_reason, 'not_connected');
    for (const n of [NUMBERS.noAnswer, NUMBERS.busy]) {
      assert.equal(call(n).call_times, 2, 'unconnected numbers are redialled redial_times times');
      assert.equal(call(n).intention, 'F');
      assert.equal(call(n).redial_call.length, 1);
    }
    const redialled = call(NUMBERS.answersOnRedial);
    assert.equal(redialled.call_times, 2);
    assert.equal(redialled.intention, 'A');
    assert.equal(redialled.redial_call[0].result_label, 'F');
  });

  it('records the task webhook after every call webhook, with the final counts', async () => {
    // Deliveries run in parallel, so arrival order is not promised; the outbox order is.
    const outbox = await server.store.db.query<{ type: string }>(
      'SELECT type FROM webhook_events ORDER BY created_at, type',
    );
    assert.deepEqual(
      outbox.map((e) => e.type),
      [...Array(6).fill('call'), 'task'],
    );
    const task = events().find((e) => !e.json.call)!.json;
    assert.equal(task.status, 'Finished');
    assert.equal(task.total_count, 6);
    assert.equal(task.called_count, 6);
    assert.equal(task.connected_count, 3);
    assert.match(task.start_time, DATE_TIME);
  });

  it('lists every attempt in the task detail, matching the carrier ledger one to one', async () => {
    const detail = await client(server.url, token).get(
      `/service/cloud/detail?task_id=${taskId}&page_size=100`,
    );
    assert.equal(detail.status, 200);
    assert.equal(detail.json.data.total, 6);
    assert.equal(detail.json.data.task_status, 'Finished');
    const attempts = detail.json.data.list.flatMap(
      (r: { call_id: string; redial_call: Array<{ call_id: string }> }) => [
        r.call_id,
        ...r.redial_call.map((c) => c.call_id),
      ],
    );
    const dialled = server.carrier.ledger.map((d) => d.callId);
    assert.equal(new Set(dialled).size, dialled.length, 'no attempt dialled twice');
    assert.deepEqual([...attempts].sort(), [...dialled].sort());
    assert.equal(dialled.length, 1 + 2 + 2 + 1 + 1 + 2);
  });

  it("serves an answered call's recording by a signed link that needs no token", async () => {
    const answered = callEvents().find((e) => e.json.call.callee_number === NUMBERS.answered)!.json
      .call;
    const listed = await client(server.url, token).get(
      `/service/cloud/case?task_id=${taskId}&callee_number=${encodeURIComponent(NUMBERS.answered)}`,
    );
    assert.equal(listed.status, 200, listed.text);
    const [recording] = listed.json.data.list;
    assert.equal(recording.call_id, answered.call_id);
    const audio = await fetch(recording.recording_url);
    assert.equal(audio.status, 200);
    assert.equal(audio.headers.get('content-type'), 'audio/wav');
    const wav = readWav(new Uint8Array(await audio.arrayBuffer()));
    // The recording is the conversation: its length is the call's talk time.
    const seconds = wav.samples.length / wav.sampleRate;
    const talk =
      (Date.parse(answered.call_end_time) - Date.parse(answered.call_start_time)) / 1000 -
      answered.ring_time;
    assert.ok(Math.abs(seconds - talk) <= 1, `${seconds} s of audio for ${talk} s of talk`);
    const tampered = await fetch(
      recording.recording_url.replace(
        /sig=(.)/,
        (_: string, c: string) => `sig=${c === '0' ? '1' : '0'}`,
      ),
    );
    assert.equal(tampered.status, 403);
    const none = await client(server.url, token).get(
      `/service/cloud/case?task_id=${taskId}&callee_number=${encodeURIComponent(NUMBERS.noAnswer)}`,
    );
    assert.deepEqual(none.json.data.list, [], 'a call that never connected has no recording');
    const detail = await client(server.url, token).get(
      `/service/cloud/detail?task_id=${taskId}&page_size=100`,
    );
    const record = detail.json.data.list.find(
      (r: { call_id: string }) => r.call_id === answered.call_id,
    );
    assert.match(
      record.recording_url,
      /\/recordings\/[0-9a-f]{32}\.wav\?expires=\d+&sig=[0-9a-f]{64}$/,
    );
    const unconnected = detail.json.data.list.find(
      (r: { callee_number: string }) => r.callee_number === NUMBERS.invalid,
    );
    assert.equal(unconnected.recording_url, '');
  });

  it('matches the golden call payload of a cooperative callee, field by field', () => {
    const call = structuredClone(
      callEvents().find((e) => e.json.call.callee_number === NUMBERS.answered)!.json.call,
    );
    // What changes from run to run is masked; everything else must be exactly as recorded.
    call.task_id = call.call_id = '<id>';
    call.call_start_time = call.call_end_time = '<time>';
    call.ring_time = '<ring>';
    const tomorrow = call.ner_slots.ptp_date;
    assert.match(tomorrow, /^\d{4}-\d{2}-\d{2}$/);
    // The robot says the date ("Friday, November 20th"), so that is masked too.
    const dayBefore = new Date(Date.parse(`${tomorrow}T00:00:00Z`) - 86_400_000);
    const said = spokenDate(tomorrow, { language: 'en', now: dayBefore, timeZone: 'UTC' });
    const text = JSON.stringify(call)
      .replaceAll(tomorrow, '<tomorrow>')
      .replaceAll(said, '<tomorrow said>');
    const masked = JSON.parse(text);
    for (const turn of masked.asr_result) turn.time = '<offset>';
    const golden = JSON.parse(
      readFileSync(
        new URL('../fixtures/golden/collection-en-cooperative.call.json', import.meta.url),
        'utf8',
      ),
    );
    for (const key of Object.keys(seedCall))
      assert.deepEqual(masked[key], golden[key], `call.${key}`);
    assert.deepEqual(Object.keys(masked).sort(), Object.keys(golden).sort());
  });
});
