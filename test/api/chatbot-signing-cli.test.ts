import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cliHarness, serveTiller } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';
import { client, tokenFor } from '../helpers/server.ts';

// Signing keys as an operator and an app make them: `tiller app sign-key` (with no server, then
// through a running server's admin API) and the app's own /v1/signing-keys, against the real
// `tiller serve` process that verifies Chatbot requests with them.

const SEED_KEY = '95721c4a78688b356a0a4eed25a76980';
const SEED_BODY =
  '{\n"channel": "WhatsApp",\n"channel_id": "6583753709",\n"user": {\n"id": "62895402190807"\n},\n"call_id": "aa2870b1e9da2fe808d690c42feca78e",\n"sender_type": "agent",\n"messages": [\n{\n"type": "text",\n"text": "this\'s agent"\n}\n]\n}';

const { env, tiller, cleanup } = cliHarness('sign-key');

/** The seed's request: its key, an empty X-AIRudder-Sign, its body. */
const seedRequest = (url: string, keyId: string) =>
  fetch(`${url}/api/v1/session/message/send`, {
    method: 'POST',
    headers: {
      'X-AIRudder-Sign-Key': keyId,
      'X-AIRudder-Sign': '',
      'Content-Type': 'application/json',
    },
    body: SEED_BODY,
  });

describe(`signing keys from the CLI and /v1/signing-keys (${storeKind})`, () => {
  let server: Awaited<ReturnType<typeof serveTiller>>;
  let app: { app_key: string; app_secret: string };
  let strictKey: string;
  let key: Record<string, unknown>;
  const json = (...args: string[]) => {
    const out = tiller(...args, '--json');
    assert.equal(out.status, 0, `${args.join(' ')}: ${out.stderr}`);
    return JSON.parse(out.stdout);
  };

  before(async () => {
    // Without a server: the CLI opens the store itself.
    app = json('app', 'create', '--name', 'chatbot');
    key = json('app', 'sign-key', '--app', app.app_key, '--key', SEED_KEY, '--lenient');
    server = await serveTiller(env, { TILLER_DEMO: 'false' });
  });
  after(async () => {
    await server?.stop();
    await cleanup();
  });

  it("creates the seed's own key id, lenient, and shows its secret once (then through the server)", () => {
    // Made before the server started, on the store directly; the rest goes through its admin API
    // (embedded store) or to PostgreSQL.
    assert.equal(key.key_id, SEED_KEY);
    assert.equal(key.lenient, true);
    assert.equal(key.app_key, app.app_key);
    assert.match(String(key.secret), /^[0-9a-f]{64}$/);
    const again = tiller('app', 'sign-key', '--app', app.app_key, '--key', SEED_KEY);
    assert.equal(again.status, 2, 'a refused input');
    assert.match(again.stderr, /already in use/);
    const bad = tiller('app', 'sign-key', '--app', app.app_key, '--key', 'xyz');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--key must be 32 hexadecimal characters/);
    // Issued by us when no key is given; strict by default.
    const issued = json('app', 'sign-key', '--app', app.app_key);
    assert.match(issued.key_id, /^[0-9a-f]{32}$/);
    assert.equal(issued.lenient, false);
    strictKey = issued.key_id;
    const text = tiller('app', 'sign-key', '--app', app.app_key);
    assert.match(text.stdout, /X-AIRudder-Sign-Key: [0-9a-f]{32}\n {2}Secret: +[0-9a-f]{64}/);
  });

  it('lets the running server take the seed request with the lenient key, and refuse it with a strict one', async () => {
    const lenient = await seedRequest(server.url, SEED_KEY);
    const accepted = (await lenient.json()) as { code: number };
    // Authenticated: whatever the route answers, it is not the 401 of a refused signature.
    assert.equal(lenient.status, 200);
    assert.notEqual(accepted.code, 401);
    const strict = await seedRequest(server.url, strictKey);
    assert.equal(strict.status, 401);
    assert.equal(((await strict.json()) as { code: number }).code, 401);
  });

  it('lists, creates, revokes and relaxes keys through /v1/signing-keys, for the app only', async () => {
    const api = client(server.url, await tokenFor(server.url, app.app_key, app.app_secret));
    const listed = await api.get('/v1/signing-keys');
    assert.equal(listed.status, 200, listed.text);
    const keys = listed.json.data.keys as Array<Record<string, unknown>>;
    assert.ok(keys.some((k) => k.key_id === SEED_KEY && k.lenient === true));
    assert.ok(
      keys.every((k) => !('secret' in k)),
      'no secret in a list',
    );
    assert.ok(!listed.text.includes('"secret"'));

    const made = await api.post('/v1/signing-keys', { lenient: false });
    assert.equal(made.status, 200, made.text);
    const keyId = made.json.data.key_id as string;
    assert.match(made.json.data.secret, /^[0-9a-f]{64}$/);
    assert.equal(made.json.data.revoke_time, null);

    const relaxed = await api.put(`/v1/signing-keys/${keyId}/lenient`, { lenient: true });
    assert.equal(relaxed.json.data.lenient, true);
    // Changed in the server's own process: its cache lets go at once.
    assert.equal((await seedRequest(server.url, keyId)).status, 200);

    const revoked = await api.post(`/v1/signing-keys/${keyId}/revoke`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.match(revoked.json.data.revoke_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal((await seedRequest(server.url, keyId)).status, 401);

    const taken = await api.post('/v1/signing-keys', { key_id: keyId });
    assert.equal(taken.json.code, 409);
    const malformed = await api.post('/v1/signing-keys', { key_id: 'not-hex' });
    assert.equal(malformed.json.code, 400);

    // Another app sees none of these keys and cannot touch them.
    const other = json('app', 'create', '--name', 'other');
    const otherApi = client(
      server.url,
      await tokenFor(server.url, other.app_key, other.app_secret),
    );
    assert.deepEqual((await otherApi.get('/v1/signing-keys')).json.data.keys, []);
    const foreign = await otherApi.post(`/v1/signing-keys/${SEED_KEY}/revoke`);
    assert.equal(foreign.json.code, 404);
    assert.equal(foreign.json.message, 'Signing key not found');
    assert.equal((await seedRequest(server.url, SEED_KEY)).status, 200, 'still works');
  });
});
