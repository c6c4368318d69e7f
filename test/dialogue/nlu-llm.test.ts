import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { createNlu, LlmNlu } from '../../src/dialogue/nlu/llm-nlu.ts';
import type { IntentOption, NluContext } from '../../src/dialogue/nlu/nlu.ts';
import { createLogger } from '../../src/shared/logger.ts';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string };
  };
}

type Reply = (res: ServerResponse, seen: Seen) => void;

/** A real OpenAI-compatible endpoint on 127.0.0.1: `reply` decides each answer. */
async function endpoint(reply: Reply) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Seen['body'],
      };
      seen.push(s);
      reply(res, s);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${port}/v1`, seen };
}

/** The chat-completions response shape, with `content` as the assistant message. */
function completion(content: string): Reply {
  return (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: 'test-model',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      }),
    );
  };
}

const intents: IntentOption[] = [
  { name: 'promise', phrases: ['I will pay'] },
  { name: 'refuse', phrases: ['I will not pay', "I can't pay"] },
];
// Friday 15 March 03:00 in Jakarta, still Thursday in UTC.
const ctx: NluContext = {
  language: 'en',
  now: new Date('2024-03-14T20:00:00Z'),
  timeZone: 'Asia/Jakarta',
};

function llm(url: string, timeoutMs = 2000) {
  return new LlmNlu({ baseUrl: `${url}/`, apiKey: 'sk-test', model: 'test-model', timeoutMs });
}

describe('LlmNlu against an OpenAI-compatible endpoint', () => {
  it('sends the key, the model and the messages, and uses a good answer', async () => {
    const server = await endpoint(completion('{"intent": "refuse", "confidence": 0.93}'));
    const match = await llm(server.url).classify('my wallet is empty this month', intents, ctx);
    // The keyword NLU would not have matched this: the answer is the model's.
    assert.deepEqual(match, { intent: 'refuse', confidence: 0.93 });
    assert.equal(server.seen.length, 1);
    const [req] = server.seen;
    assert.equal(req?.method, 'POST');
    assert.equal(req?.path, '/v1/chat/completions');
    assert.equal(req?.headers.authorization, 'Bearer sk-test');
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.equal(req?.body.model, 'test-model');
    assert.deepEqual(req?.body.response_format, { type: 'json_object' });
    assert.deepEqual(
      req?.body.messages?.map((m) => m.role),
      ['system', 'user'],
    );
    assert.equal(req?.body.messages?.[1]?.content, 'my wallet is empty this month');
    const system = req?.body.messages?.[0]?.content ?? '';
    for (const part of ['promise', 'refuse', '"I will not pay"', 'JSON']) {
      assert.ok(system.includes(part), `system prompt mentions ${part}`);
    }
  });

  it('extracts slots in normal form, telling the model the callee’s date', async () => {
    const answers: Record<string, string> = {
      date: '{"value": "2024-03-22"}',
      amount: '{"value": 150000}',
      yes_no: '{"value": "YES"}',
      digits: '{"value": "0812 345"}',
    };
    const server = await endpoint((res, seen) => {
      const system = seen.body.messages?.[0]?.content ?? '';
      const slot = Object.keys(answers).find((s) => system.includes(`Slot: ${s}.`)) ?? '';
      completion(answers[slot] ?? '{"value": null}')(res, seen);
    });
    const nlu = llm(server.url);
    assert.equal(await nlu.extract('Friday next week', 'date', ctx), '2024-03-22');
    assert.equal(await nlu.extract('a hundred and fifty k', 'amount', ctx), '150000.00');
    assert.equal(await nlu.extract('affirmative', 'yes_no', ctx), 'yes');
    assert.equal(await nlu.extract('oh eight one two...', 'digits', ctx), '0812345');
    // The date prompt carries today in the callee's zone (Friday the 15th, not UTC's 14th).
    const datePrompt = server.seen[0]?.body.messages?.[0]?.content ?? '';
    assert.match(datePrompt, /2024-03-15 \(Friday\)/);
    assert.match(datePrompt, /Asia\/Jakarta/);
    // free_text needs no model.
    assert.equal(await nlu.extract('  at the office  ', 'free_text', ctx), 'at the office');
    assert.equal(server.seen.length, 4);
  });

  it('takes a null answer as "nothing said"', async () => {
    const server = await endpoint(completion('{"value": null}'));
    assert.equal(await llm(server.url).extract('besok', 'date', ctx), null);
    const none = await endpoint(completion('{"intent": null, "confidence": 0.8}'));
    assert.deepEqual(await llm(none.url).classify('I will pay', intents, ctx), {
      intent: null,
      confidence: 0,
    });
  });

  it('accepts JSON wrapped in a Markdown fence', async () => {
    const server = await endpoint(
      completion('```json\n{"intent":"promise","confidence":"0.7"}\n```'),
    );
    assert.deepEqual(await llm(server.url).classify('sure', intents, ctx), {
      intent: 'promise',
      confidence: 0.7,
    });
  });

  const failures: [string, Reply][] = [
    [
      'HTTP 500',
      (res) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"overloaded"}}');
      },
    ],
    [
      'HTTP 401',
      (res) => {
        res.writeHead(401);
        res.end();
      },
    ],
    [
      'a body that is not JSON',
      (res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>gateway</html>');
      },
    ],
    [
      'no choices',
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"object":"chat.completion","choices":[]}');
      },
    ],
    ['content that is not JSON', completion('The intent is promise.')],
    ['a JSON array', completion('["promise"]')],
    ['an intent that was not offered', completion('{"intent":"dispute","confidence":0.9}')],
    ['a confidence that is not a number', completion('{"intent":"promise","confidence":"high"}')],
    ['an impossible date', completion('{"value":"2024-02-30","intent":"x"}')],
  ];
  for (const [name, reply] of failures) {
    it(`falls back to the keyword NLU on ${name}`, async () => {
      const server = await endpoint(reply);
      const nlu = llm(server.url);
      assert.deepEqual(
        await nlu.classify('I will not pay', intents, ctx),
        await new KeywordNlu().classify('I will not pay', intents, ctx),
      );
      assert.equal((await nlu.classify('I will not pay', intents, ctx)).intent, 'refuse');
      assert.equal(await nlu.extract('besok', 'date', ctx), '2024-03-16');
      assert.equal(server.seen.length, 3);
    });
  }

  it('falls back when the endpoint does not answer in time', async () => {
    const server = await endpoint(() => {
      // Never answers.
    });
    const match = await llm(server.url, 150).classify('I will pay', intents, ctx);
    assert.deepEqual(match, { intent: 'promise', confidence: 1 });
    assert.equal(server.seen.length, 1);
  });

  it('falls back when the endpoint stalls in the middle of its answer', async () => {
    const server = await endpoint((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"choices":[{"message":');
    });
    assert.equal(await llm(server.url, 150).extract('tomorrow', 'date', ctx), '2024-03-16');
  });

  it('falls back when nothing listens at the address', async () => {
    const nlu = new LlmNlu({
      baseUrl: 'http://127.0.0.1:1/v1',
      apiKey: 'k',
      model: 'm',
      timeoutMs: 1000,
    });
    assert.equal(await nlu.extract('ya', 'yes_no', { ...ctx, language: 'id' }), 'yes');
  });

  it('logs a fallback without the utterance', async () => {
    const server = await endpoint(completion('nonsense'));
    const lines: string[] = [];
    const logger = createLogger(
      { level: 'info', logPii: false },
      { write: (l: string) => lines.push(l) },
    );
    const nlu = new LlmNlu({
      baseUrl: server.url,
      apiKey: 'k',
      model: 'm',
      timeoutMs: 1000,
      logger,
    });
    await nlu.classify('my secret debt story', intents, ctx);
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(line.level, 40);
    assert.equal(line.operation, 'classify');
    assert.ok(!(lines[0] ?? '').includes('secret'));
  });
});

describe('createNlu', () => {
  it('with no key is the keyword NLU and never calls the endpoint', async () => {
    const server = await endpoint(completion('{"intent":"refuse","confidence":1}'));
    for (const llmKey of ['', '  ']) {
      const nlu = createNlu({ llmUrl: server.url, llmKey, llmModel: 'test-model' });
      assert.ok(nlu instanceof KeywordNlu);
      assert.equal((await nlu.classify('I will pay', intents, ctx)).intent, 'promise');
      for (const slot of ['date', 'amount', 'yes_no', 'digits', 'free_text'] as const) {
        await nlu.extract('tomorrow 150 ribu yes 0812', slot, ctx);
      }
    }
    assert.equal(server.seen.length, 0);
  });

  it('with a key asks the endpoint first', async () => {
    const server = await endpoint(completion('{"intent":"refuse","confidence":0.6}'));
    const nlu = createNlu({ llmUrl: server.url, llmKey: 'sk-live', llmModel: 'gpt-x' });
    assert.ok(nlu instanceof LlmNlu);
    assert.deepEqual(await nlu.classify('I will pay', intents, ctx), {
      intent: 'refuse',
      confidence: 0.6,
    });
    assert.equal(server.seen[0]?.headers.authorization, 'Bearer sk-live');
    assert.equal(server.seen[0]?.body.model, 'gpt-x');
  });
});
