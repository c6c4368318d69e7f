import { fetchFailure, httpErrorKind, ProviderError } from '../ports/provider-error.ts';
import type { SttOptions, Stt, Transcript } from '../ports/stt.ts';
import type { Pcm } from '../tts/tts.ts';
import { writeWav } from '../wav.ts';

// An OpenAI-compatible transcription endpoint (OpenAI, self-hosted Whisper servers such as
// faster-whisper-server or whisper.cpp's server) as an Stt: POST {baseUrl}/audio/transcriptions,
// multipart with the utterance as a WAV file. Any language the model knows, Indonesian included:
// the language goes along as its ISO 639-1 code. Failures are ProviderErrors, as OpenAiLlm's.

export interface OpenAiSttOptions {
  /** Up to the version, e.g. https://api.openai.com/v1 (as TILLER_LLM_URL). */
  baseUrl: string;
  apiKey: string;
  /** whisper-1, Systran/faster-whisper-small, ... */
  model: string;
  timeoutMs: number;
  /**
   * 'json' gives only the text (confidence 0.9 for any text); 'verbose_json' gives segments
   * whose log-probabilities and no-speech probabilities make a real confidence.
   */
  responseFormat?: 'json' | 'verbose_json';
  fetch?: typeof fetch;
}

const PROVIDER = 'openai-stt';
/** Peak below which an utterance is silence, not sent: Whisper makes up words for silence. */
const SILENCE_PEAK = 100;
const TEXT_ONLY_CONFIDENCE = 0.9;

interface Segment {
  avg_logprob?: unknown;
  no_speech_prob?: unknown;
}

export class OpenAiStt implements Stt {
  readonly #o: OpenAiSttOptions;
  readonly #fetch: typeof fetch;

  constructor(options: OpenAiSttOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
  }

  async transcribe(audio: Pcm, options: SttOptions): Promise<Transcript> {
    if (!hasSound(audio.samples)) return { text: '', confidence: 0 };
    const { baseUrl, apiKey, model, timeoutMs } = this.#o;
    const format = this.#o.responseFormat ?? 'json';
    const form = new FormData();
    form.append('file', new Blob([writeWav(audio)], { type: 'audio/wav' }), 'utterance.wav');
    form.append('model', model);
    form.append('language', isoLanguage(options.language));
    form.append('response_format', format);
    // A prompt of the expected phrases nudges Whisper toward them (it is not a grammar).
    if (options.grammar?.length) form.append('prompt', options.grammar.join(', '));
    let body: unknown;
    try {
      const response = await this.#fetch(`${baseUrl.replace(/\/+$/, '')}/audio/transcriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}` },
        body: form,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        const after = response.headers.get('retry-after');
        throw new ProviderError(
          PROVIDER,
          httpErrorKind(response.status),
          `HTTP ${response.status}${after ? ` (retry after ${after} s)` : ''}`,
        );
      }
      body = await response.json();
    } catch (err) {
      throw fetchFailure(PROVIDER, err);
    }
    const text = (body as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new ProviderError(PROVIDER, 'bad_response', 'no text');
    const clean = text.trim();
    if (clean === '') return { text: '', confidence: 0 };
    const segments = (body as { segments?: unknown }).segments;
    return { text: clean, confidence: confidenceOf(segments) };
  }
}

/** 'en-US' → 'en', 'id-ID' → 'id': Whisper wants ISO 639-1. */
function isoLanguage(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0] ?? language;
}

/** Mean over segments of exp(avg_logprob) × (1 - no_speech_prob), kept inside (0, 1]. */
function confidenceOf(segments: unknown): number {
  if (!Array.isArray(segments) || segments.length === 0) return TEXT_ONLY_CONFIDENCE;
  let sum = 0;
  for (const s of segments as Segment[]) {
    const logprob = typeof s.avg_logprob === 'number' ? s.avg_logprob : Math.log(0.9);
    const noSpeech = typeof s.no_speech_prob === 'number' ? s.no_speech_prob : 0;
    sum += Math.exp(Math.min(0, logprob)) * (1 - Math.min(1, Math.max(0, noSpeech)));
  }
  return Math.min(1, Math.max(0.01, sum / segments.length));
}

function hasSound(samples: Int16Array): boolean {
  for (const s of samples) if (s > SILENCE_PEAK || s < -SILENCE_PEAK) return true;
  return false;
}
