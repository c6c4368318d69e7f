import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { FakeLlm } from '../../src/dialogue/llm/fake-llm.ts';
import { OpenAiLlm } from '../../src/dialogue/llm/openai-llm.ts';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import { llmConformance } from './llm.conformance.ts';

llmConformance('FakeLlm', {
  answering: (reply) => new FakeLlm([reply]),
  failures: [
    {
      name: 'a scripted rate limit',
      make: () => new FakeLlm([new ProviderError('fake-llm', 'rate_limited', 'slow down')]),
      retryable: true,
    },
    {
      name: 'a scripted refusal',
      make: () => new FakeLlm([new ProviderError('fake-llm', 'rejected', 'bad key')]),
      retryable: false,
    },
    { name: 'an empty script', make: () => new FakeLlm([]), retryable: false },
  ],
});

/** An OpenAI-compatible endpoint on 127.0.0.1 whose answer each path decides. */
const answers: Record<string, (res: ServerResponse) => void> = {
  '/ok/chat/completions': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: next } }] }));
  },
  '/empty/chat/completions': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"choices":[]}');
  },
  '/html/chat/completions': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>gateway</html>');
  },
  '/stall/chat/completions': () => {},
};
for (const status of [400, 401, 408, 429, 500, 503]) {
  answers[`/s${status}/chat/completions`] = (res) => {
    res.writeHead(status);
    res.end();
  };
}
let next = '';
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => answers[req.url ?? '']?.(res));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => {
  server.closeAllConnections();
  server.close();
});
const at = (path: string, timeoutMs = 2000) =>
  new OpenAiLlm({ baseUrl: `${base}/${path}`, apiKey: 'k', model: 'm', timeoutMs });

llmConformance('OpenAiLlm', {
  answering: (reply) => {
    next = reply;
    return at('ok');
  },
  failures: [
    ...[400, 401].map((s) => ({ name: `HTTP ${s}`, make: () => at(`s${s}`), retryable: false })),
    ...[408, 429, 500, 503].map((s) => ({
      name: `HTTP ${s}`,
      make: () => at(`s${s}`),
      retryable: true,
    })),
    { name: 'a timeout', make: () => at('stall', 150), retryable: true },
    {
      name: 'nothing listening',
      make: () =>
        new OpenAiLlm({
          baseUrl: 'http://127.0.0.1:1/v1',
          apiKey: 'k',
          model: 'm',
          timeoutMs: 2000,
        }),
      retryable: true,
    },
    { name: 'a body that is not JSON', make: () => at('html'), retryable: false },
    { name: 'no choices', make: () => at('empty'), retryable: false },
  ],
});
