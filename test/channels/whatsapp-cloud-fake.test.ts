import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startFakeGraph, type FakeGraph } from '../fakes/whatsapp-cloud/fake-graph-server.ts';

// The local Graph server answers raw requests as the Cloud API documents (other helpers' tests
// and the benchmark rely on it): the checks the adapter makes first are the fake's too, so a
// request that bypasses the adapter meets the same refusal Meta would give.

let graph: FakeGraph;

before(async () => {
  graph = await startFakeGraph({
    phoneNumberIds: ['1001'],
    templates: [{ name: 'reminder', language: 'en', body: 1 }],
  });
});
after(() => graph.close());

async function post(body: unknown, options: { token?: string; id?: string } = {}) {
  const response = await fetch(`${graph.url}/v21.0/${options.id ?? '1001'}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.token ?? graph.accessToken}`,
      'content-type': 'application/json',
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await response.json()) as {
    error?: { code: number; type: string; error_subcode?: number; error_data: { details: string } };
    messages?: Array<{ id: string }>;
  };
  return { status: response.status, json, auth: response.headers.get('www-authenticate') };
}

const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '6281600000006' };

describe('the local Graph server', () => {
  it('refuses a wrong token with 190 OAuthException, HTTP 401', async () => {
    const { status, json, auth } = await post(
      { ...base, type: 'text', text: { body: 'x' } },
      { token: 'bad' },
    );
    assert.deepEqual([status, json.error?.code, json.error?.type], [401, 190, 'OAuthException']);
    assert.match(auth ?? '', /invalid_token/);
  });

  it('refuses an unknown phone number id with 100, subcode 33', async () => {
    const { status, json } = await post(
      { ...base, type: 'text', text: { body: 'x' } },
      { id: '999' },
    );
    assert.deepEqual([status, json.error?.code, json.error?.error_subcode], [400, 100, 33]);
  });

  const invalid: Array<[string, unknown, number, RegExp]> = [
    ['a body that is not JSON', '{nope', 100, /not a JSON object/],
    [
      'no messaging_product',
      { to: '6281600000006', type: 'text', text: { body: 'x' } },
      100,
      /messaging_product/,
    ],
    ['an unknown type', { ...base, type: 'hologram', hologram: {} }, 100, /type must be one of/],
    ['a text without body', { ...base, type: 'text', text: {} }, 131008, /text\.body is required/],
    [
      'media with both id and link',
      { ...base, type: 'image', image: { id: '1', link: 'https://x/y' } },
      100,
      /either id or link/,
    ],
    [
      'four reply buttons',
      {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'b' },
          action: {
            buttons: [1, 2, 3, 4].map((i) => ({
              type: 'reply',
              reply: { id: `${i}`, title: 't' },
            })),
          },
        },
      },
      131009,
      /Buttons count is 4/,
    ],
    [
      'a template value with a new line',
      {
        ...base,
        type: 'template',
        template: {
          name: 'reminder',
          language: { code: 'en' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'a\nb' }] }],
        },
      },
      132018,
      /new-line/,
    ],
    [
      'a template in a language it was not approved in',
      { ...base, type: 'template', template: { name: 'reminder', language: { code: 'id' } } },
      132001,
      /does not exist in id/,
    ],
    [
      'a template with a missing parameter',
      { ...base, type: 'template', template: { name: 'reminder', language: { code: 'en' } } },
      132000,
      /expected number of params \(1\)/,
    ],
  ];
  for (const [what, body, code, details] of invalid) {
    it(`refuses ${what} with ${code} and details`, async () => {
      const accepted = graph.counters.accepted;
      const { status, json } = await post(body);
      assert.equal(status, 400);
      assert.equal(json.error?.code, code);
      assert.match(json.error?.error_data.details ?? '', details);
      assert.equal(graph.counters.accepted, accepted, 'nothing accepted');
    });
  }

  it('accepts a well-formed send with a wamid and records the body as received', async () => {
    const body = { ...base, type: 'text', text: { body: 'ok' } };
    const { status, json } = await post(body);
    assert.equal(status, 200);
    const id = json.messages?.[0]?.id ?? '';
    assert.match(id, /^wamid\./);
    assert.deepEqual(graph.received('+6281600000006').at(-1)?.body, body);
    assert.equal(
      graph.received('+6281600000006').at(-1)?.outcome,
      131047,
      'no window: it will fail',
    );
  });
});

describe('the local Graph server: callback override per number', () => {
  it("sends a number's webhooks to its own URL, the others to the app URL", async () => {
    const hooks = new Map<string, string[]>();
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET') return void res.end(url.searchParams.get('hub.challenge'));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hooks.set(url.pathname, [
          ...(hooks.get(url.pathname) ?? []),
          Buffer.concat(chunks).toString(),
        ]);
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const two = await startFakeGraph();
    try {
      await two.subscribe(`${base}/app`, 'v');
      await two.subscribe(`${base}/channel-b`, 'v', ['2002']);
      await two.userSends('2002', '+6281800000008', 'to b');
      await two.userSends('1001', '+6281800000008', 'to a');
      assert.equal(hooks.get('/channel-b')?.length, 1);
      assert.match(hooks.get('/channel-b')![0]!, /"phone_number_id":"2002".*"to b"/);
      assert.equal(hooks.get('/app')?.length, 1);
      assert.match(hooks.get('/app')![0]!, /"phone_number_id":"1001".*"to a"/);
    } finally {
      await two.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
