import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProviderError, type ProviderErrorKind } from '../../src/dialogue/ports/provider-error.ts';
import { OpenAiStt } from '../../src/dialogue/stt/openai-stt.ts';
import { OpenAiTts } from '../../src/dialogue/tts/openai-tts.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { OpenAiSpeechServer, type FaultMode } from '../fakes/openai-speech-server.ts';

const server = new OpenAiSpeechServer();
before(() => server.start());
after(() => server.close());

const speech = () => new ToneTts(8_000).synthesize('saya akan bayar besok', 'id', 'callee');
const stt = (
  mode: FaultMode = 'ok',
  extra: Partial<ConstructorParameters<typeof OpenAiStt>[0]> = {},
) =>
  new OpenAiStt({
    baseUrl: server.url(mode),
    apiKey: server.apiKey,
    model: 'whisper-1',
    timeoutMs: 5_000,
    ...extra,
  });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => assert.fail('did not fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ProviderError, String(err));
  return err;
}

describe('OpenAiStt against the local speech server', () => {
  it('sends the WAV, model, ISO language and grammar prompt, and reads the text', async () => {
    server.script.push('saya akan bayar besok');
    const t = await stt().transcribe(await speech(), {
      language: 'id-ID',
      grammar: ['bayar besok'],
    });
    assert.deepEqual(t, { text: 'saya akan bayar besok', confidence: 0.9 });
    const seen = server.requests.at(-1)!;
    assert.equal(seen.fields.model, 'whisper-1');
    assert.equal(seen.fields.language, 'id');
    assert.equal(seen.fields.response_format, 'json');
    assert.equal(seen.fields.prompt, 'bayar besok');
    assert.ok(Math.abs(seen.audioSeconds! - (await speech()).samples.length / 8_000) < 0.001);
  });

  it('takes a confidence from verbose_json segments', async () => {
    server.script.push('yes');
    const t = await stt('ok', { responseFormat: 'verbose_json' }).transcribe(await speech(), {
      language: 'en',
    });
    assert.equal(t.text, 'yes');
    // exp(-0.2) × (1 - 0.01)
    assert.ok(Math.abs(t.confidence - Math.exp(-0.2) * 0.99) < 1e-9);
  });

  const cases: Array<[string, () => OpenAiStt, ProviderErrorKind, boolean]> = [
    [
      'a bad key (401)',
      () => new OpenAiStt({ baseUrl: server.url(), apiKey: 'wrong', model: 'm', timeoutMs: 5_000 }),
      'rejected',
      false,
    ],
    ['a rate limit (429)', () => stt('429'), 'rate_limited', true],
    ['a server error (500)', () => stt('500'), 'unavailable', true],
    ['a body that is not JSON', () => stt('malformed'), 'bad_response', false],
    ['no answer in time', () => stt('stall', { timeoutMs: 200 }), 'timeout', true],
    [
      'nothing listening',
      () =>
        new OpenAiStt({
          baseUrl: 'http://127.0.0.1:1/v1',
          apiKey: 'k',
          model: 'm',
          timeoutMs: 5_000,
        }),
      'network',
      true,
    ],
  ];
  for (const [name, make, kind, retryable] of cases) {
    it(`maps ${name} to ${kind}`, async () => {
      const err = await failure(make().transcribe(await speech(), { language: 'en' }));
      assert.equal(err.kind, kind);
      assert.equal(err.retryable, retryable);
      if (kind === 'rate_limited') assert.match(err.message, /retry after 2/);
    });
  }
});

describe('OpenAiTts against the local speech server', () => {
  it('asks for the voice of each speaker and resamples 24 kHz pcm', async () => {
    const tts = new OpenAiTts({
      baseUrl: server.url(),
      apiKey: server.apiKey,
      model: 'tts-1',
      timeoutMs: 5_000,
      sampleRate: 8_000,
      responseFormat: 'pcm',
      voices: { robot: 'nova' },
    });
    const pcm = await tts.synthesize('Your payment is due tomorrow.', 'en', 'robot');
    const seen = server.requests.at(-1)!;
    assert.deepEqual(seen.fields, {
      model: 'tts-1',
      input: 'Your payment is due tomorrow.',
      voice: 'nova',
      response_format: 'pcm',
    });
    const reference = await new ToneTts(8_000).synthesize(
      'Your payment is due tomorrow.',
      'en',
      'robot',
    );
    assert.equal(pcm.sampleRate, 8_000);
    assert.ok(Math.abs(pcm.samples.length - reference.samples.length) <= 1);
    await tts.close();
  });

  it('maps a bad key and a malformed answer to errors that are not retried', async () => {
    const bad = new OpenAiTts({
      baseUrl: server.url(),
      apiKey: 'wrong',
      model: 'm',
      timeoutMs: 5_000,
    });
    assert.equal((await failure(bad.synthesize('hi', 'en', 'robot'))).kind, 'rejected');
    const garbled = new OpenAiTts({
      baseUrl: server.url('malformed'),
      apiKey: server.apiKey,
      model: 'm',
      timeoutMs: 5_000,
    });
    const err = await failure(garbled.synthesize('hi', 'en', 'robot'));
    assert.equal(err.kind, 'bad_response');
    assert.equal(err.retryable, false);
  });
});
