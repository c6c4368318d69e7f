import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderRecording } from '../../src/dialogue/recording.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { addCall, newApp, startRecordingServer, type RecordingHarness } from './harness.ts';

// Browsers' audio players seek with Range requests, and will not seek in a file served without
// them: a signed recording link answers ranges over real HTTP.

describe(`recording links answer Range requests (${storeKind})`, () => {
  let store: TestStore;
  let h: RecordingHarness;
  let wav: Buffer;
  let link: string;

  before(async () => {
    store = await openTestStore();
    h = await startRecordingServer(store.db);
    const app = await newApp(h.auth, 'ranges');
    const { task_id: taskId } = await h.tasks.create(
      { appId: app.id, timezone: 'UTC' },
      { task_name: 'ranged', robot_id: '4496', callees: [{ callee_number: '+6281234567890' }] },
    );
    const [callee] = await store.db.query<{ id: number }>(
      'SELECT id FROM callees WHERE task_id = $1',
      [taskId],
    );
    const callId = await addCall(store.db, callee!.id, 1, new Date());
    ({ wav } = await renderRecording(
      [{ speaker: 'robot', text: 'Hello, this is a recording long enough to seek in' }],
      'en',
      new ToneTts(),
    ));
    await h.recordings.save({ callId, appId: app.id, taskId, wav });
    link = (await h.recordings.linkFor(app.id, callId))!;
  });
  after(async () => {
    await h.close();
    await store.close();
  });

  const get = async (range?: string, extra: Record<string, string> = {}) => {
    const url = new URL(link);
    const response = await fetch(`${h.url}${url.pathname}${url.search}`, {
      headers: { ...(range ? { range } : {}), ...extra },
    });
    return { response, body: Buffer.from(await response.arrayBuffer()) };
  };

  it('says it accepts byte ranges on a whole-file answer', async () => {
    const { response, body } = await get();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(body, wav);
  });

  it('answers bytes=N-M, bytes=N- and bytes=-N with 206 and the exact bytes', async () => {
    const size = wav.length;
    const cases: Array<[string, number, number]> = [
      ['bytes=0-43', 0, 43],
      ['bytes=1000-', 1000, size - 1],
      ['bytes=-100', size - 100, size - 1],
      [`bytes=10-${size + 5000}`, 10, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const { response, body } = await get(range);
      assert.equal(response.status, 206, range);
      assert.equal(response.headers.get('content-range'), `bytes ${start}-${end}/${size}`, range);
      assert.equal(Number(response.headers.get('content-length')), end - start + 1, range);
      assert.equal(response.headers.get('content-type'), 'audio/wav');
      assert.deepEqual(body, wav.subarray(start, end + 1), range);
    }
  });

  it('answers a range past the end with 416 and the size', async () => {
    const { response } = await get(`bytes=${wav.length}-`);
    assert.equal(response.status, 416);
    assert.equal(response.headers.get('content-range'), `bytes */${wav.length}`);
    assert.equal((await get('bytes=-0')).response.status, 416);
  });

  it('sends the whole file for a Range it does not serve (several ranges, another unit)', async () => {
    for (const range of ['bytes=0-1,5-9', 'items=0-1', 'bytes=9-2']) {
      const { response, body } = await get(range);
      assert.equal(response.status, 200, range);
      assert.deepEqual(body, wav, range);
    }
  });

  it('still refuses a bad signature before looking at the range', async () => {
    const url = new URL(link);
    url.searchParams.set('sig', '0'.repeat(64));
    const response = await fetch(`${h.url}${url.pathname}${url.search}`, {
      headers: { range: 'bytes=0-10' },
    });
    assert.equal(response.status, 403);
    await response.arrayBuffer();
  });
});
