import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readWav, writeWav } from '../../src/dialogue/wav.ts';
import { FileRecordingStore, recordingKey } from '../../src/modules/recordings/recording-store.ts';
import type { RecordingRow } from '../../src/modules/recordings/recordings.repository.ts';
import { LinkSigner } from '../../src/modules/recordings/signed-links.ts';
import { archiveParts } from '../../src/modules/recordings/task-archive.ts';

describe('FileRecordingStore', () => {
  let root: string;
  let store: FileRecordingStore;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tiller-store-'));
    store = new FileRecordingStore(root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  const read = async (key: string) => {
    const object = await store.get(key);
    if (!object) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of object.body) chunks.push(chunk as Buffer);
    return { size: object.size, bytes: Buffer.concat(chunks) };
  };

  it('puts, gets with the size, replaces whole, deletes', async () => {
    const key = recordingKey(7, 'a'.repeat(32), new Date('2024-03-11T23:30:00Z'));
    assert.equal(key, `7/2024-03-11/${'a'.repeat(32)}.wav`);
    await store.put(key, Buffer.from('first'));
    assert.deepEqual(await read(key), { size: 5, bytes: Buffer.from('first') });
    await store.put(key, Buffer.from('second'));
    assert.deepEqual(await read(key), { size: 6, bytes: Buffer.from('second') });
    assert.deepEqual(await readdir(join(root, '7', '2024-03-11')), [`${'a'.repeat(32)}.wav`]);
    await store.delete(key);
    assert.equal(await read(key), undefined);
    await store.delete(key);
  });

  it('refuses keys that could leave its directory', async () => {
    for (const key of ['../x.wav', '/etc/passwd', '7/../../x', '7//x.wav', '']) {
      await assert.rejects(store.put(key, Buffer.from('x')), /invalid recording key/, key);
    }
  });
});

describe('wav', () => {
  it('round-trips samples and rejects what is not 16-bit PCM', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768]);
    const decoded = readWav(writeWav({ sampleRate: 16_000, samples }));
    assert.deepEqual(decoded, {
      format: 1,
      channels: 1,
      sampleRate: 16_000,
      bitsPerSample: 16,
      samples,
    });
    assert.throws(() => readWav(Buffer.from('RIFF....WAVEdata')), /no data chunk|fmt/);
    assert.throws(() => readWav(Buffer.from('not a wav at all')), /RIFF/);
  });
});

describe('LinkSigner', () => {
  it('signs what and until when, and checks both', () => {
    let now = new Date('2024-03-11T00:00:00Z');
    const signer = new LinkSigner({ key: 'k', publicUrl: 'https://x.test/', now: () => now });
    const id = 'b'.repeat(32);
    const url = new URL(signer.url({ kind: 'call', id }));
    assert.equal(url.pathname, `/recordings/${id}.wav`);
    const expires = url.searchParams.get('expires')!;
    const sig = url.searchParams.get('sig')!;
    assert.equal(Number(expires), now.getTime() / 1000 + 86_400);
    assert.ok(signer.verify({ kind: 'call', id }, expires, sig));
    assert.ok(!signer.verify({ kind: 'task', id, part: 1 }, expires, sig), 'kind is signed');
    assert.ok(!signer.verify({ kind: 'call', id }, expires, sig.toUpperCase()));
    assert.ok(!signer.verify({ kind: 'call', id }, `${expires}0`, sig));
    const part2 = new URL(signer.url({ kind: 'task', id, part: 2 }));
    assert.equal(part2.searchParams.get('part'), '2');
    assert.ok(
      !signer.verify(
        { kind: 'task', id, part: 1 },
        part2.searchParams.get('expires')!,
        part2.searchParams.get('sig')!,
      ),
      'part is signed',
    );
    now = new Date(now.getTime() + 86_400_000);
    assert.ok(!signer.verify({ kind: 'call', id }, expires, sig), 'expired at the second');
  });
});

describe('archiveParts', () => {
  const row = (bytes: number) => ({ bytes }) as RecordingRow;
  it('keeps every archive under the limit, in order, never empty', () => {
    const rows = [row(400), row(400), row(400), row(5_000), row(10)];
    const parts = archiveParts(rows, 1_200);
    assert.deepEqual(
      parts.map((p) => p.map((r) => r.bytes)),
      [[400, 400], [400], [5_000], [10]],
    );
    assert.deepEqual(archiveParts([]), [[]]);
  });
});
