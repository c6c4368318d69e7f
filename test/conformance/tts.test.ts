import { after } from 'node:test';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import { EspeakTts } from '../../src/dialogue/tts/espeak-tts.ts';
import { FakeTts } from '../../src/dialogue/tts/fake-tts.ts';
import { OpenAiTts } from '../../src/dialogue/tts/openai-tts.ts';
import { OpenAiSpeechServer } from '../fakes/openai-speech-server.ts';
import { ttsConformance } from './tts.conformance.ts';

ttsConformance('FakeTts', {
  make: () => new FakeTts(),
  sampleRate: 16_000,
  failing: () =>
    new FakeTts({ failures: [new ProviderError('fake-tts', 'unavailable', 'scripted outage')] }),
});

ttsConformance('FakeTts at 8 kHz', {
  make: () => new FakeTts({ sampleRate: 8_000 }),
  sampleRate: 8_000,
});

// eSpeak NG is a dependency, but a trimmed install may lack it: say so and run the rest.
const espeak = await import('espeak-ng').then(
  () => true,
  () => false,
);
if (espeak) ttsConformance('EspeakTts', { make: () => new EspeakTts(), sampleRate: 16_000 });
else console.log('# Tts conformance: espeak-ng is not installed; EspeakTts skipped');

// The OpenAI-compatible adapter against the local fake server (a tone voice), both formats.
const speechServer = await new OpenAiSpeechServer().start();
after(() => speechServer.close());
for (const responseFormat of ['wav', 'pcm'] as const) {
  for (const sampleRate of [8_000, 16_000]) {
    ttsConformance(`OpenAiTts (${responseFormat}, ${sampleRate} Hz)`, {
      make: () =>
        new OpenAiTts({
          baseUrl: speechServer.url(),
          apiKey: speechServer.apiKey,
          model: 'tts-1',
          timeoutMs: 5_000,
          sampleRate,
          responseFormat,
        }),
      sampleRate,
      failing: () =>
        new OpenAiTts({
          baseUrl: speechServer.url('429'),
          apiKey: speechServer.apiKey,
          model: 'tts-1',
          timeoutMs: 5_000,
        }),
    });
  }
}
