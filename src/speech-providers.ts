import type { Config } from './config.ts';
import type { Stt } from './dialogue/ports/stt.ts';
import { OpenAiStt } from './dialogue/stt/openai-stt.ts';
import { PocketsphinxStt } from './dialogue/stt/pocketsphinx-stt.ts';
import { EspeakTts } from './dialogue/tts/espeak-tts.ts';
import { OpenAiTts } from './dialogue/tts/openai-tts.ts';
import type { Tts } from './dialogue/tts/tts.ts';

// The speech providers the configuration names (docs/speech.md): the recogniser real calls use,
// and the robot's voice. The STT is made only for a real line: the simulator hears text.

const SPEECH_TIMEOUT_MS = 15_000;

export function sttOf(config: Config): Stt {
  const { stt } = config;
  return stt.kind === 'openai'
    ? new OpenAiStt({
        baseUrl: stt.url,
        apiKey: stt.key,
        model: stt.model,
        timeoutMs: SPEECH_TIMEOUT_MS,
      })
    : new PocketsphinxStt();
}

export function ttsOf(config: Config): Tts {
  const { tts } = config;
  return tts.kind === 'openai'
    ? new OpenAiTts({
        baseUrl: tts.url,
        apiKey: tts.key,
        model: tts.model,
        timeoutMs: SPEECH_TIMEOUT_MS,
        voices: { robot: tts.voice },
      })
    : new EspeakTts();
}
