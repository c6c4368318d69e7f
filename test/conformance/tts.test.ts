import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import { EspeakTts } from '../../src/dialogue/tts/espeak-tts.ts';
import { FakeTts } from '../../src/dialogue/tts/fake-tts.ts';
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
