import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import { renderRecording } from '../../src/dialogue/recording.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { readWav, writeStereoWav, writeWav } from '../../src/dialogue/wav.ts';
import { TtsCallRecorder } from '../../src/modules/recordings/call-recorder.ts';
import { RecordingService } from '../../src/modules/recordings/recordings.service.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import {
  addCall,
  client,
  newApp,
  PUBLIC_URL,
  startRecordingServer,
  type RecordingHarness,
} from './harness.ts';

// Recordings as an integrator reaches them: T8 and T9 with a token, then the signed links they
// return, opened without one.

const NUMBER = '+6281234567890';
const OTHER_NUMBER = '+6281234567891';

describe(`recording links (${storeKind})`, () => {
  let store: TestStore;
  let h: RecordingHarness;
  let app: Awaited<ReturnType<typeof newApp>>;
  let stranger: Awaited<ReturnType<typeof newApp>>;
  let taskId: string;
  let strangerTaskId: string;
  const wavs = new Map<string, Buffer>();
  let firstCall: string;
  let secondCall: string;

  const api = (token: string) => client(h.url, token);

  async function recordCall(calleeNumber: string, attempt: number, text: string) {
    const [callee] = await store.db.query<{ id: number }>(
      'SELECT id FROM callees WHERE task_id = $1 AND callee_number = $2',
      [taskId, calleeNumber],
    );
    const startedAt = new Date(Date.UTC(2024, 2, 11, 8, attempt, 0));
    const callId = await addCall(store.db, callee!.id, attempt, startedAt);
    const { wav } = await renderRecording(
      [
        { speaker: 'robot', text },
        { speaker: 'callee', text: 'yes' },
      ],
      'en',
      new ToneTts(),
    );
    await h.recordings.save({ callId, appId: app.id, taskId, wav, startedAt });
    wavs.set(callId, wav);
    return callId;
  }

  before(async () => {
    store = await openTestStore();
    h = await startRecordingServer(store.db);
    app = await newApp(h.auth, 'owner');
    stranger = await newApp(h.auth, 'stranger');
    const callees = [
      { callee_number: NUMBER, case_id: 'case-1' },
      { callee_number: OTHER_NUMBER, case_id: 'case-2' },
    ];
    const create = (appId: number, name: string) =>
      h.tasks.create(
        { appId, timezone: 'Asia/Jakarta' },
        { task_name: name, robot_id: '4496', callees },
      );
    taskId = (await create(app.id, 'recorded')).task_id;
    strangerTaskId = (await create(stranger.id, 'theirs')).task_id;
    firstCall = await recordCall(NUMBER, 1, 'Hello, first attempt');
    secondCall = await recordCall(NUMBER, 2, 'Hello again, the second attempt is longer');
    // Answered but never recorded: not listed.
    const [other] = await store.db.query<{ id: number }>(
      'SELECT id FROM callees WHERE task_id = $1 AND callee_number = $2',
      [taskId, OTHER_NUMBER],
    );
    await addCall(store.db, other!.id, 1, new Date());
  });
  after(async () => {
    await h.close();
    await store.close();
  });

  it('stores the audio under <app>/<yyyy-mm-dd>/<call_id>.wav, with no temp files left', async () => {
    const dir = join(h.dataDir, 'recordings', String(app.id), '2024-03-11');
    assert.deepEqual((await readdir(dir)).sort(), [`${firstCall}.wav`, `${secondCall}.wav`].sort());
    assert.deepEqual(await readFile(join(dir, `${firstCall}.wav`)), wavs.get(firstCall));
    const [row] = await store.db.query<{ duration_ms: number; bytes: number }>(
      'SELECT duration_ms, bytes FROM recordings WHERE call_id = $1',
      [firstCall],
    );
    assert.equal(row!.bytes, wavs.get(firstCall)!.length);
    assert.equal(row!.duration_ms, Math.round(((row!.bytes - 44) / 2 / 16_000) * 1000));
  });

  it('is idempotent on the call: a second save keeps the first audio', async () => {
    const again = await h.recordings.save({
      callId: firstCall,
      appId: app.id,
      taskId,
      wav: wavs.get(secondCall)!,
    });
    assert.equal(again.bytes, wavs.get(firstCall)!.length);
    const rows = await store.db.query('SELECT 1 FROM recordings WHERE call_id = $1', [firstCall]);
    assert.equal(rows.length, 1);
  });

  it('T8 lists the recorded attempts of a number, by number or case, with signed links', async () => {
    const r = await api(app.token).get(
      `/service/cloud/case?task_id=${taskId}&callee_number=${encodeURIComponent(NUMBER)}`,
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 200);
    const list = r.json.data.list as Array<Record<string, string>>;
    assert.deepEqual(
      list.map((x) => x.call_id),
      [firstCall, secondCall],
    );
    // 08:01 UTC in Asia/Jakarta (UTC+7).
    assert.equal(list[0]!.call_start_time, '2024-03-11 15:01:00');
    assert.match(
      list[0]!.recording_url!,
      new RegExp(`^${PUBLIC_URL}/recordings/${firstCall}\\.wav\\?expires=\\d+&sig=[0-9a-f]{64}$`),
    );

    const unencoded = await api(app.token).get(
      `/service/cloud/case?task_id=${taskId}&callee_number=${NUMBER}`,
    );
    assert.equal(unencoded.json.data.list.length, 2, 'a + sent unencoded still means +');

    const byCase = await api(app.token).get(`/service/cloud/case?task_id=${taskId}&case_id=case-1`);
    assert.equal(byCase.json.data.list.length, 2);
    const none = await api(app.token).get(`/service/cloud/case?task_id=${taskId}&case_id=case-2`);
    assert.deepEqual(none.json.data.list, [], 'answered without a recording is not listed');
  });

  it('T8 refuses another app, unknown numbers and a query without a number', async () => {
    const theirs = await api(stranger.token).get(
      `/service/cloud/case?task_id=${taskId}&callee_number=${encodeURIComponent(NUMBER)}`,
    );
    assert.equal(theirs.status, 404);
    assert.equal(theirs.json.code, 404);
    assert.match(theirs.json.message, /Task is not found/);
    const unknown = await api(app.token).get(
      `/service/cloud/case?task_id=${taskId}&callee_number=%2B6289999999999`,
    );
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.message, /Callee is not found/);
    const neither = await api(app.token).get(`/service/cloud/case?task_id=${taskId}`);
    assert.equal(neither.status, 400);
    const noToken = await client(h.url).get(`/service/cloud/case?task_id=${taskId}&case_id=case-1`);
    assert.equal(noToken.status, 401);
  });

  it('a signed link serves the WAV without any Authorization header', async () => {
    const link = (await h.recordings.linkFor(app.id, secondCall))!;
    const response = await h.open(link);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'audio/wav');
    assert.equal(Number(response.headers.get('content-length')), wavs.get(secondCall)!.length);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), wavs.get(secondCall));
    assert.equal(await h.recordings.linkFor(stranger.id, secondCall), undefined);
  });

  it("the same link opens a real line's two sides apart with legs=1; others have none", async () => {
    // A task of its own: the other tests count the recordings of theirs.
    const { task_id: sides } = await h.tasks.create(
      { appId: app.id, timezone: 'Asia/Jakarta' },
      { task_name: 'sides', robot_id: '4496', callees: [{ callee_number: NUMBER, case_id: 'c' }] },
    );
    const [callee] = await store.db.query<{ id: number }>(
      'SELECT id FROM callees WHERE task_id = $1',
      [sides],
    );
    const startedAt = new Date(Date.UTC(2024, 2, 12, 9, 0, 0));
    const callId = await addCall(store.db, callee!.id, 1, startedAt);
    const robot = { sampleRate: 16_000, samples: new Int16Array(1600).fill(3000) };
    const heard = { sampleRate: 16_000, samples: new Int16Array(800).fill(-2000) };
    const legs = writeStereoWav(heard, robot);
    const wav = writeWav(robot);
    await h.recordings.save({ callId, appId: app.id, taskId: sides, wav, legs, startedAt });
    const dir = join(h.dataDir, 'recordings', String(app.id), '2024-03-12');
    assert.deepEqual(await readFile(join(dir, `${callId}.legs.wav`)), legs);
    const link = (await h.recordings.linkFor(app.id, callId))!;
    assert.deepEqual(Buffer.from(await (await h.open(link)).arrayBuffer()), wav);
    const apart = await h.open(`${link}&legs=1`);
    assert.equal(apart.status, 200);
    const both = readWav(new Uint8Array(await apart.arrayBuffer()));
    assert.equal(both.channels, 2);
    assert.deepEqual([both.samples[0], both.samples[1], both.samples[2 * 1000]], [-2000, 3000, 0]);
    // A call the simulator recorded has only the mix.
    const simulated = (await h.recordings.linkFor(app.id, firstCall))!;
    assert.equal((await h.open(`${simulated}&legs=1`)).status, 404);
  });

  it('a tampered, cross-used, incomplete or expired link gets 403', async () => {
    const link = (await h.recordings.linkFor(app.id, firstCall))!;
    const sig = /sig=([0-9a-f]+)/.exec(link)![1]!;
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    const forbidden = async (url: string) => {
      const r = await h.open(url);
      assert.equal(r.status, 403, url);
      const body = (await r.json()) as { code: number; message: string };
      assert.equal(body.code, 403);
      assert.match(body.message, /Invalid or expired link/);
    };
    await forbidden(link.replace(sig, flipped));
    await forbidden(link.replace(firstCall, secondCall));
    await forbidden(link.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) + 60}`));
    await forbidden(link.replace(/&sig=.*/, ''));

    h.clock.advance(24 * 3600 * 1000 + 1000);
    try {
      await forbidden(link);
    } finally {
      h.clock.advance(-(24 * 3600 * 1000 + 1000));
    }
    assert.equal(await h.status(link), 200);
    assert.equal(await h.status(`${PUBLIC_URL}/recordings/nothing.wav`), 404);
  });

  it('every process of a deployment signs alike; TILLER_LINK_SECRET overrides the stored key', async () => {
    const common = { db: store.db, store: h.store, clock: h.clock, publicUrl: PUBLIC_URL };
    const sibling = new RecordingService(common);
    assert.equal(await h.status((await sibling.linkFor(app.id, firstCall))!), 200);
    const overridden = new RecordingService({ ...common, linkSecret: 'set-by-operator' });
    assert.equal(await h.status((await overridden.linkFor(app.id, firstCall))!), 403);
  });

  it('a link to a recording whose audio is gone answers 404', async () => {
    const callId = await recordCall(NUMBER, 3, 'Soon deleted');
    const link = (await h.recordings.linkFor(app.id, callId))!;
    const [row] = await store.db.query<{ storage_key: string }>(
      'SELECT storage_key FROM recordings WHERE call_id = $1',
      [callId],
    );
    await h.store.delete(row!.storage_key);
    assert.equal(await h.status(link), 404);
    await store.db.query('DELETE FROM recordings WHERE call_id = $1', [callId]);
    wavs.delete(callId);
  });

  it('lists a recording only once its call has ended, and never for an interrupted one', async () => {
    const [callee] = await store.db.query<{ id: number }>(
      'SELECT id FROM callees WHERE task_id = $1 AND callee_number = $2',
      [taskId, NUMBER],
    );
    const recorder = new TtsCallRecorder(h.recordings, new ToneTts());
    const segments = [{ speaker: 'robot' as const, text: 'Hello' }];
    const up = await addCall(store.db, callee!.id, 4, new Date(), null);
    const cut = await addCall(store.db, callee!.id, 5, new Date(), 'interrupted');
    for (const callId of [up, cut]) {
      const timing = await recorder.record(
        { callId, appId: app.id, taskId, startedAt: new Date() },
        segments,
        'en',
      );
      assert.ok(timing.totalSeconds > 0);
    }
    const listed = async () => {
      const r = await api(app.token).get(`/service/cloud/case?task_id=${taskId}&case_id=case-1`);
      return (r.json.data.list as Array<{ call_id: string }>).map((x) => x.call_id);
    };
    assert.deepEqual(await listed(), [firstCall, secondCall]);
    const zip = await api(app.token).get(`/service/cloud/recording?task_id=${taskId}`);
    assert.equal(zip.json.data.count, 2);
    // The links of call results do not wait for the end: the detail page asks after it.
    const links = await h.recordings.linksFor(app.id, [up, cut, firstCall, 'f'.repeat(32)]);
    assert.deepEqual([...links.keys()].sort(), [up, cut, firstCall].sort());

    await store.db.query(`UPDATE calls SET state = 'final', outcome = 'answered' WHERE id = $1`, [
      up,
    ]);
    assert.deepEqual(await listed(), [firstCall, secondCall, up]);
    await store.db.query('DELETE FROM recordings WHERE call_id = ANY($1::text[])', [[up, cut]]);
  });

  it('T9 links a zip with one <call_id>.wav per recording, byte for byte', async () => {
    const r = await api(app.token).get(`/service/cloud/recording?task_id=${taskId}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.count, 2);
    assert.equal(r.json.data.parts, 1);
    const link = r.json.data.url as string;
    assert.match(link, new RegExp(`^${PUBLIC_URL}/recordings/task/${taskId}\\.zip\\?expires=`));
    const response = await h.open(link);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/zip');
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    assert.deepEqual(Object.keys(files).sort(), [...wavs.keys()].map((id) => `${id}.wav`).sort());
    for (const [callId, wav] of wavs) {
      assert.deepEqual(Buffer.from(files[`${callId}.wav`]!), wav);
    }

    // Flip the first signature digit: a fixed replacement would sometimes change nothing.
    const flippedSig = link.replace(
      /sig=(.)/,
      (_: string, c: string) => `sig=${c === '0' ? '1' : '0'}`,
    );
    assert.equal(await h.status(flippedSig), 403);
    assert.equal(await h.status(link.replace(taskId, strangerTaskId)), 403);
    assert.equal(await h.status(link.replace('?', '?part=abc&')), 403);
    assert.equal(await h.status(link.replace('?', '?part=2&')), 403, 'part is signed');
    const theirs = await api(stranger.token).get(`/service/cloud/recording?task_id=${taskId}`);
    assert.equal(theirs.status, 404);
    const beyond = await api(app.token).get(`/service/cloud/recording?task_id=${taskId}&part=2`);
    assert.equal(beyond.status, 400);
  });

  it('T9 of a task without recordings is an empty zip', async () => {
    const r = await api(stranger.token).get(`/service/cloud/recording?task_id=${strangerTaskId}`);
    assert.equal(r.json.data.count, 0);
    const response = await h.open(r.json.data.url);
    assert.equal(response.status, 200);
    assert.deepEqual(unzipSync(new Uint8Array(await response.arrayBuffer())), {});
  });
});
