import { fetchFailure, httpErrorKind, ProviderError } from '../ports/provider-error.ts';
import { readWav } from '../wav.ts';
import { LruCache } from './lru-cache.ts';
import { resample } from './resample.ts';
import type { Pcm, Speaker, Tts } from './tts.ts';

// An OpenAI-compatible speech endpoint (OpenAI, self-hosted servers such as Kokoro-FastAPI or
// openedai-speech) as a Tts: POST {baseUrl}/audio/speech with {model, input, voice,
// response_format}. 'wav' answers a WAV file; 'pcm' raw 24 kHz 16-bit little-endian mono. The
// audio is resampled to the rate asked for (8 kHz for G.711, 16 kHz for wideband and
// recordings) and cached like EspeakTts's: a robot's prompts repeat on every call.

export interface OpenAiTtsOptions {
  /** Up to the version, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  apiKey: string;
  /** tts-1, gpt-4o-mini-tts, kokoro, ... */
  model: string;
  timeoutMs: number;
  /** Output rate. Default 16,000 Hz. */
  sampleRate?: number;
  /** Voice per speaker: the robot and a simulated callee sound different. */
  voices?: Partial<Record<Speaker, string>>;
  responseFormat?: 'wav' | 'pcm';
  cacheEntries?: number;
  fetch?: typeof fetch;
}

const PROVIDER = 'openai-tts';
/** The rate of the 'pcm' format, fixed by the API. */
const PCM_RATE = 24_000;

export class OpenAiTts implements Tts {
  readonly #o: OpenAiTtsOptions;
  readonly #fetch: typeof fetch;
  readonly #rate: number;
  readonly #cache: LruCache<string, Promise<Pcm>>;
  #closed = false;

  constructor(options: OpenAiTtsOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
    this.#rate = options.sampleRate ?? 16_000;
    this.#cache = new LruCache(options.cacheEntries ?? 128);
  }

  /** The samples may be shared through the cache: read them, do not modify. */
  synthesize(text: string, _language: string, speaker: Speaker): Promise<Pcm> {
    if (this.#closed) return Promise.reject(closedError());
    const clean = text.trim();
    if (clean === '')
      return Promise.resolve({ sampleRate: this.#rate, samples: new Int16Array(0) });
    const voice = this.#o.voices?.[speaker] ?? (speaker === 'robot' ? 'alloy' : 'echo');
    const key = `${voice}\n${clean}`;
    let pcm = this.#cache.get(key);
    if (!pcm) {
      pcm = this.#request(clean, voice);
      this.#cache.set(key, pcm);
      pcm.catch(() => this.#cache.delete(key));
    }
    return pcm;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#cache.clear();
  }

  async #request(input: string, voice: string): Promise<Pcm> {
    const { baseUrl, apiKey, model, timeoutMs } = this.#o;
    const format = this.#o.responseFormat ?? 'wav';
    let bytes: Uint8Array;
    try {
      const response = await this.#fetch(`${baseUrl.replace(/\/+$/, '')}/audio/speech`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model, input, voice, response_format: format }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new ProviderError(
          PROVIDER,
          httpErrorKind(response.status),
          `HTTP ${response.status}`,
        );
      }
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (err) {
      throw fetchFailure(PROVIDER, err);
    }
    const pcm = format === 'wav' ? fromWav(bytes) : fromRaw(bytes);
    if (pcm.samples.length === 0) throw new ProviderError(PROVIDER, 'bad_response', 'no audio');
    return { sampleRate: this.#rate, samples: resample(pcm.samples, pcm.sampleRate, this.#rate) };
  }
}

function fromWav(bytes: Uint8Array): Pcm {
  try {
    const info = readWav(bytes);
    if (info.channels !== 1) throw new Error(`${info.channels} channels`);
    return { sampleRate: info.sampleRate, samples: info.samples };
  } catch (err) {
    throw new ProviderError(PROVIDER, 'bad_response', `not mono 16-bit WAV: ${String(err)}`, err);
  }
}

function fromRaw(bytes: Uint8Array): Pcm {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Int16Array(bytes.byteLength >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
  return { sampleRate: PCM_RATE, samples };
}

function closedError(): ProviderError {
  return new ProviderError(PROVIDER, 'closed', 'OpenAiTts is closed');
}
