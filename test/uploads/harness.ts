import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { inflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { bareApp } from '../../src/api/app.ts';
import { signatureAuth } from '../../src/api/auth/signature.ts';
import { tokenAuth } from '../../src/api/auth/token.ts';
import { requestIdEnvelope } from '../../src/api/families/envelope.ts';
import { defineFamily, httpStatusCode } from '../../src/api/families/family-definition.ts';
import { mountFamily } from '../../src/api/families/mount.ts';
import type { Services } from '../../src/modules/services.ts';
import { uploadRoutes } from '../../src/modules/uploads/uploads.routes.ts';
import { readResponse, startTestServer, type TestServer } from '../helpers/server.ts';

// What the upload tests share: a real server (whose /files links they download), the upload
// routes mounted in a family with token auth (as test/api/family-plugins.test.ts mounts its
// families, until the Chatbot family's request signing is wired) and behind request signing,
// an app with a token, sample files, and a PNG reader.

/** The Chatbot family's envelope and codes, authenticated by token for this test. */
const family = defineFamily<Services>({
  name: 'chatbot-token',
  title: 'Chatbot (token, test)',
  prefixes: ['/api/v1'],
  envelope: requestIdEnvelope,
  errorCode: httpStatusCode,
  errorCodeDoc: 'test only',
  authentication: (s) => tokenAuth(s.auth),
  wireHabits: false,
  routes: (s) => [uploadRoutes(s.uploads)],
});

/** The same routes behind the Chatbot family's request signing (what production mounts). */
export const SIGN_KEY = '95721c4a78688b356a0a4eed25a76980';
export const SIGN_SECRET = 'upload-sign-secret';
let signedAppId = 0;
const signedFamily = defineFamily<Services>({
  ...family,
  name: 'chatbot-signed',
  prefixes: ['/signed/api/v1'],
  authentication: () =>
    signatureAuth({
      keys: async (id) =>
        id === SIGN_KEY
          ? { caller: { appId: signedAppId, timezone: 'Asia/Jakarta' }, secret: SIGN_SECRET }
          : undefined,
    }),
});

export const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0'),
  Buffer.alloc(64, 7),
  Buffer.from([0xff, 0xd9]),
]);
export const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
export const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.alloc(32, 1),
]);

export interface UploadsHarness {
  server: TestServer;
  base: string;
  token: string;
  appId: number;
  otherAppId: number;
  upload(
    path: string,
    file: { bytes: Uint8Array; name: string } | undefined,
    fields?: Record<string, string>,
    withToken?: boolean,
  ): ReturnType<typeof readResponse>;
  postJson(path: string, body: unknown): ReturnType<typeof readResponse>;
  /** The app's rows in uploads. */
  count(): Promise<number>;
  download(url: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startUploadsHarness(): Promise<UploadsHarness> {
  const server = await startTestServer({ worker: false });
  const { auth } = server.runtime.services;
  const created = await auth.createApp({ name: 'uploads', timezone: 'Asia/Jakarta' });
  const appId = created.app.id;
  const token = await auth.issueToken(created.appKey, created.appSecret);
  const otherAppId = (await auth.createApp({ name: 'other', timezone: 'Asia/Jakarta' })).app.id;
  signedAppId = appId;
  const api: FastifyInstance = bareApp();
  await mountFamily(api, family, server.runtime.services);
  await mountFamily(api, signedFamily, server.runtime.services);
  await api.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  return {
    server,
    base,
    token,
    appId,
    otherAppId,
    async upload(path, file, fields = {}, withToken = true) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      if (file) form.append('file', new Blob([file.bytes]), file.name);
      return readResponse(
        await fetch(base + path, {
          method: 'POST',
          headers: withToken ? { authorization: `Token ${token}` } : {},
          body: form,
        }),
      );
    },
    async postJson(path, body) {
      return readResponse(
        await fetch(base + path, {
          method: 'POST',
          headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    },
    async count() {
      const [row] = await server.store.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM uploads WHERE app_id = $1',
        [appId],
      );
      return Number(row!.n);
    },
    download: (url, headers = {}) => fetch(url, { headers }),
    async close() {
      await api.close();
      await server.close();
    },
  };
}

/** Reads an 8-bit RGB, non-interlaced PNG (what the thumbnail writer makes), filters included. */
export function decodePng(png: Buffer) {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.deepEqual([...data.subarray(8, 13)], [8, 2, 0, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const row = width * 3 + 1;
  assert.equal(raw.length, row * height);
  return {
    width,
    height,
    pixel(x: number, y: number): [number, number, number] {
      assert.equal(raw[y * row], 0, 'rows are unfiltered');
      const i = y * row + 1 + x * 3;
      return [raw[i]!, raw[i + 1]!, raw[i + 2]!];
    },
  };
}
