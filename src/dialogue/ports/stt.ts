import type { Pcm } from '../tts/tts.ts';
import { readWav } from '../wav.ts';
import { ProviderError } from './provider-error.ts';

// Speech to text: what a live call needs to turn the callee's audio into a TurnInput. Failures
// are ProviderErrors.

export interface Transcript {
  /** What was said; '' when the audio holds no speech. */
  text: string;
  /** 0..1; 0 for no speech. */
  confidence: number;
}

export interface SttOptions {
  language: string;
  /**
   * The phrases the robot expects (intents' phrases, '<digits>' for a string of digits): a
   * recogniser that takes a grammar limits itself to them; others may ignore it.
   */
  grammar?: string[];
}

export interface Stt {
  /** Transcribes one utterance (mono 16-bit PCM at any rate) in the given language. */
  transcribe(audio: Pcm, options: SttOptions): Promise<Transcript>;
}

/** Transcribes a mono 16-bit WAV file (a recording leg, a test fixture). */
export function transcribeWav(stt: Stt, wav: Uint8Array, language: string): Promise<Transcript> {
  let info;
  try {
    info = readWav(wav);
  } catch (err) {
    return Promise.reject(new ProviderError('stt', 'rejected', 'not a WAV file', err));
  }
  if (info.channels !== 1 || info.bitsPerSample !== 16)
    return Promise.reject(new ProviderError('stt', 'rejected', 'want mono 16-bit PCM'));
  return stt.transcribe({ sampleRate: info.sampleRate, samples: info.samples }, { language });
}
