import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { sttConformance } from './stt.conformance.ts';

sttConformance('FakeStt', {
  make: (utterances) => new FakeStt(Array.from({ length: utterances }, () => 'yes that is me')),
  speech: () => new ToneTts().synthesize('yes that is me', 'en', 'callee'),
  failing: () => new FakeStt([new ProviderError('fake-stt', 'timeout', 'scripted timeout')]),
});
