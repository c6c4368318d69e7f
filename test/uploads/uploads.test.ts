import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '../../src/api/auth/signature.ts';
import { UploadService } from '../../src/modules/uploads/uploads.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { FileObjectStore } from '../../src/shared/file-object-store.ts';
import { storeKind } from '../helpers/db.ts';
import { readResponse, type TestServer } from '../helpers/server.ts';
import {
  JPEG,
  MP4,
  PDF,
  SIGN_KEY,
  SIGN_SECRET,
  startUploadsHarness,
  type UploadsHarness,
} from './harness.ts';

// §9.11 through HTTP: multipart uploads checked by their bytes, the limits, and the signed
// links a provider downloads (Range, Content-Type, refusals). The links are served by the real
// server; the routes are mounted with token auth, and behind request signing (harness.ts).

describe(`uploads (${storeKind})`, () => {
  let h: UploadsHarness;
  let server: TestServer;
  let appId = 0;
  let otherAppId = 0;
  let base = '';
  before(async () => {
    h = await startUploadsHarness();
    ({ server, appId, otherAppId, base } = h);
  });
  after(() => h?.close());
  const upload: UploadsHarness['upload'] = (...args) => h.upload(...args);
  const postJson: UploadsHarness['postJson'] = (...args) => h.postJson(...args);
  const count = () => h.count();
  const download: UploadsHarness['download'] = (...args) => h.download(...args);

  it('stores an image and answers the spec fields; the link serves the bytes', async () => {
    const r = await upload('/api/v1/file/upload', { bytes: JPEG, name: 'photo.jpg' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.code, 200);
    assert.equal(typeof r.json.request_id, 'string');
    const data = r.json.data;
    assert.equal(data.name, 'photo.jpg');
    assert.equal(data.size, JPEG.length);
    assert.equal(data.mime_type, 'image/jpeg');
    assert.match(
      data.origin_url,
      new RegExp(`^${server.url}/files/[0-9a-f]{32}/photo\\.jpg\\?expires=\\d+&sig=[0-9a-f]{64}$`),
    );
    const got = await download(data.origin_url);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'image/jpeg');
    assert.equal(got.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), JPEG);
  });

  it('takes the type from the bytes when none is given, and keeps a name without extension', async () => {
    const r = await upload('/api/v1/file/upload', { bytes: MP4, name: 'clip' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.mime_type, 'video/mp4');
    assert.equal(r.json.data.name, 'clip.mp4');
    const doc = await upload(
      '/api/v1/file/upload',
      { bytes: PDF, name: 'welcome_to_Earth.pdf' },
      {
        type: 'file',
      },
    );
    assert.equal(doc.status, 200, doc.text);
    assert.equal(doc.json.data.mime_type, 'application/pdf');
    const got = await download(doc.json.data.origin_url);
    assert.equal(got.headers.get('content-type'), 'application/pdf');
  });

  it('a long or non-Latin name still makes a link that opens, with the full name in the header', async () => {
    const name = `${'Laporan pembayaran bulanan 请查收 '.repeat(5).trim()}.pdf`;
    const r = await upload('/api/v1/file/upload', { bytes: PDF, name });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.name, name);
    const got = await download(r.json.data.origin_url);
    assert.equal(got.status, 200, await got.clone().text());
    assert.equal(
      got.headers.get('content-disposition'),
      `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    assert.match(new URL(r.json.data.origin_url).pathname, /\.pdf$/);
  });

  it('serves ranges: a slice, a suffix, and 416 past the end', async () => {
    const r = await upload('/api/v1/file/upload', { bytes: PDF, name: 'range.pdf' });
    const url = r.json.data.origin_url as string;
    const part = await download(url, { range: 'bytes=2-5' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 2-5/${PDF.length}`);
    assert.equal(await part.text(), 'DF-1');
    const tail = await download(url, { range: 'bytes=-6' });
    assert.equal(tail.status, 206);
    assert.equal(await tail.text(), '%%EOF\n');
    const beyond = await download(url, { range: `bytes=${PDF.length}-` });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${PDF.length}`);
  });

  it('refuses a link with a bad signature, an altered expiry, or one that has expired', async () => {
    const r = await upload('/api/v1/file/upload', { bytes: JPEG, name: 'a.jpg' });
    const url = new URL(r.json.data.origin_url as string);
    const forged = new URL(url);
    forged.searchParams.set('sig', '0'.repeat(64));
    assert.equal((await download(forged.href)).status, 403);
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
    assert.equal((await download(later.href)).status, 403);
    const unsigned = new URL(url);
    unsigned.search = '';
    const refused = await download(unsigned.href);
    assert.equal(refused.status, 403);
    assert.equal(
      ((await refused.json()) as { message: string }).message,
      'Invalid or expired link',
    );

    // The same key and store, a clock 31 days back: its link expired yesterday.
    const services = server.runtime.services;
    const past = new UploadService({
      db: server.store.db,
      store: new FileObjectStore(join(server.config.dataDir, 'uploads'), 'upload'),
      clock: new ManualClock(new Date(Date.now() - 31 * 86_400_000)),
      publicUrl: server.url,
      linkKey: () => services.recordings.linkKey(),
    });
    const old = await past.upload(appId, { bytes: JPEG, name: 'old.jpg' });
    assert.equal((await download(old.originUrl)).status, 403);
    // A fresh link to the same file opens it.
    const fresh = await services.uploads.get(appId, old.id);
    assert.equal((await download(fresh!.originUrl)).status, 200);
  });

  it('a file is its app’s own: another app cannot look it up', async () => {
    const r = await upload('/api/v1/file/upload', { bytes: JPEG, name: 'mine.jpg' });
    const id = new URL(r.json.data.origin_url as string).pathname.split('/')[2]!;
    const { uploads } = server.runtime.services;
    assert.equal((await uploads.get(appId, id))?.name, 'mine.jpg');
    assert.equal(await uploads.get(otherAppId, id), undefined);
  });

  it('refuses a .jpg that is not an image, and a type the bytes contradict; nothing is stored', async () => {
    const before = await count();
    const fake = await upload('/api/v1/file/upload', { bytes: PDF, name: 'cat.jpg' });
    assert.equal(fake.status, 400, fake.text);
    assert.equal(fake.json.code, 400);
    assert.equal(
      fake.json.message,
      'Unsupported message content: "cat.jpg" is named as an image but its bytes are application/pdf',
    );
    const typed = await upload(
      '/api/v1/file/upload',
      { bytes: PDF, name: 'doc.pdf' },
      {
        type: 'image',
      },
    );
    assert.equal(typed.status, 400);
    assert.match(typed.json.message, /type is image but the bytes are application\/pdf/);
    const junk = await upload('/api/v1/file/upload', {
      bytes: Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04, 0xfe]),
      name: 'data.bin',
    });
    assert.equal(junk.status, 400);
    assert.match(junk.json.message, /^Unsupported message content/);
    assert.equal(await count(), before);
  });

  it('refuses a file over its type’s limit with file_too_large', async () => {
    const before = await count();
    const big = Buffer.concat([JPEG.subarray(0, 11), Buffer.alloc(5 * 1024 * 1024)]);
    const typed = await upload(
      '/api/v1/file/upload',
      { bytes: big, name: 'big.jpg' },
      {
        type: 'image',
      },
    );
    assert.equal(typed.status, 413, typed.text);
    assert.equal(typed.json.code, 413);
    assert.match(typed.json.message, /^The file is too large/);
    // Without a type the bytes say image: the same limit.
    const untyped = await upload('/api/v1/file/upload', { bytes: big, name: 'big.jpg' });
    assert.equal(untyped.status, 413, untyped.text);
    // The same bytes as a document fit (documents take 100 MB) ... but are not a PDF: a JPEG
    // sent as a file is still a JPEG, and allowed.
    const asFile = await upload(
      '/api/v1/file/upload',
      { bytes: big, name: 'big.jpg' },
      {
        type: 'file',
      },
    );
    assert.equal(asFile.status, 200, asFile.text);
    assert.equal(await count(), before + 1);
  });

  it('bad requests: no file, an empty file, JSON, a bad type, no token', async () => {
    const none = await upload('/api/v1/file/upload', undefined, { type: 'image' });
    assert.equal(none.status, 400);
    assert.match(none.json.message, /file is required/);
    const empty = await upload('/api/v1/file/upload', { bytes: Buffer.alloc(0), name: 'e.pdf' });
    assert.equal(empty.status, 400);
    assert.match(empty.json.message, /file is empty/);
    const json = await postJson('/api/v1/file/upload', { file: 'x' });
    assert.equal(json.status, 400);
    assert.match(json.json.message, /multipart\/form-data/);
    const badType = await upload(
      '/api/v1/file/upload',
      { bytes: JPEG, name: 'a.jpg' },
      {
        type: 'sticker',
      },
    );
    assert.equal(badType.status, 400);
    assert.match(badType.json.message, /type must be one of image, video, audio, file/);
    const anonymous = await upload(
      '/api/v1/file/upload',
      { bytes: JPEG, name: 'a.jpg' },
      {},
      false,
    );
    assert.equal(anonymous.status, 401);
    const broken = await readResponse(
      await fetch(`${base}/api/v1/file/upload`, {
        method: 'POST',
        headers: {
          authorization: `Token ${h.token}`,
          'content-type': 'multipart/form-data; boundary=xyz',
        },
        body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nabc',
      }),
    );
    assert.equal(broken.status, 400, broken.text);
    assert.equal(broken.json.request_id.length > 0, true);
  });

  it('takes a signed multipart upload over the default 1 MB body limit', async () => {
    const form = new FormData();
    const bytes = Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024, 0x20)]);
    form.append('file', new Blob([bytes]), 'big.pdf');
    const encoded = new Request('http://localhost/', { method: 'POST', body: form });
    const body = Buffer.from(await encoded.arrayBuffer());
    const stamp = String(Math.floor(Date.now() / 1000));
    const post = (signature: string) =>
      fetch(`${base}/signed/api/v1/file/upload`, {
        method: 'POST',
        headers: {
          'content-type': encoded.headers.get('content-type')!,
          'x-airudder-sign-key': SIGN_KEY,
          'x-airudder-sign': signature,
          'x-airudder-timestamp': stamp,
        },
        body,
      });
    const r = await readResponse(await post(signRequest(SIGN_SECRET, stamp, body)));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.data.size, bytes.length);
    const got = await download(r.json.data.origin_url);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes);
    const forged = await readResponse(await post('ab'.repeat(32)));
    assert.equal(forged.status, 401, forged.text);
  });
});
