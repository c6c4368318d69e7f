import { after } from 'node:test';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { OpenAiStt } from '../../src/dialogue/stt/openai-stt.ts';
import {
  audioFingerprint,
  OpenAiSpeechServer,
  type FaultMode,
} from '../fakes/openai-speech-server.ts';
import { sttConformance } from './stt.conformance.ts';

sttConformance('FakeStt', {
  make: (utterances) => new FakeStt(Array.from({ length: utterances }, () => 'yes that is me')),
  speech: () => new ToneTts().synthesize('yes that is me', 'en', 'callee'),
  failing: () => new FakeStt([new ProviderError('fake-stt', 'timeout', 'scripted timeout')]),
});

// The OpenAI-compatible adapter against the local fake server, which hears the table's audio.
const speechServer = await new OpenAiSpeechServer().start();
after(() => speechServer.close());
const spoken = await new ToneTts(8_000).synthesize('yes that is me', 'en', 'callee');
speechServer.transcripts.set(audioFingerprint(spoken), 'yes that is me');
const openAiStt = (mode: FaultMode = 'ok') =>
  new OpenAiStt({
    baseUrl: speechServer.url(mode),
    apiKey: speechServer.apiKey,
    model: 'whisper-1',
    timeoutMs: 5_000,
  });
sttConformance('OpenAiStt', {
  make: () => openAiStt(),
  speech: async () => spoken,
  failing: () => openAiStt('500'),
});
