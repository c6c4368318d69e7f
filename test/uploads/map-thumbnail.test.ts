import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { decodePng, JPEG, PDF, startUploadsHarness, type UploadsHarness } from './harness.ts';

// §9.12 through HTTP: a map thumbnail rendered from a point (decoded and looked at), or uploaded
// as an image like /file/upload.

describe(`map thumbnails (${storeKind})`, () => {
  let h: UploadsHarness;
  before(async () => {
    h = await startUploadsHarness();
  });
  after(() => h?.close());
  const upload: UploadsHarness['upload'] = (...args) => h.upload(...args);
  const postJson: UploadsHarness['postJson'] = (...args) => h.postJson(...args);
  const download: UploadsHarness['download'] = (...args) => h.download(...args);

  it('renders a map thumbnail from a point: a PNG with the pin on it', async () => {
    const r = await postJson('/api/v1/file/upload/map', {
      latitude: 31.178762435913,
      longitude: 121.40837097168,
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json.data), ['origin_url']);
    const got = await download(r.json.data.origin_url);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'image/png');
    const png = Buffer.from(await got.arrayBuffer());
    writeFileSync(join(tmpdir(), 'tiller-map-thumbnail.png'), png);
    const image = decodePng(png);
    assert.deepEqual([image.width, image.height], [400, 300]);
    // The pin's head (red) is above the point, the paper (pale) in a corner away from the grid.
    const [r0, g0, b0] = image.pixel(200, 110);
    assert.ok(r0 > 180 && g0 < 90 && b0 < 90, `pin pixel ${[r0, g0, b0]}`);
    const [r1, g1, b1] = image.pixel(12, 290 - 40);
    assert.ok(r1 > 200 && g1 > 200 && b1 > 200, `paper pixel ${[r1, g1, b1]}`);
    // Numeric strings are accepted (clients quote numbers).
    const quoted = await postJson('/api/v1/file/upload/map', {
      latitude: '-6.2',
      longitude: '106.8',
    });
    assert.equal(quoted.status, 200, quoted.text);
  });

  it('checks the point: ranges and types', async () => {
    for (const [body, message] of [
      [{ latitude: 91, longitude: 0 }, /latitude must be a number from -90 to 90/],
      [{ latitude: 0, longitude: -180.5 }, /longitude must be a number from -180 to 180/],
      [{ latitude: 'north', longitude: 0 }, /latitude is required and must be a number/],
      [{ longitude: 0 }, /latitude is required/],
    ] as const) {
      const r = await postJson('/api/v1/file/upload/map', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.message, message);
    }
  });

  it('takes a thumbnail as a multipart image too, and refuses one that is no image', async () => {
    const r = await upload('/api/v1/file/upload/map', { bytes: JPEG, name: 'map.jpg' });
    assert.equal(r.status, 200, r.text);
    assert.equal(
      (await download(r.json.data.origin_url)).headers.get('content-type'),
      'image/jpeg',
    );
    const pdf = await upload('/api/v1/file/upload/map', { bytes: PDF, name: 'map.pdf' });
    assert.equal(pdf.status, 400);
  });
});
