import { Worker } from 'node:worker_threads';
import { ProviderError } from '../ports/provider-error.ts';
import type { SynthesisReply, SynthesisRequest } from './espeak-worker.ts';
import { espeakVoice } from './espeak-voices.ts';
import { LruCache } from './lru-cache.ts';
import type { Pcm, Speaker, Tts } from './tts.ts';

export interface EspeakTtsOptions {
  /** Output rate; recordings use 16,000 Hz (docs/recordings.md says why). */
  sampleRate?: number;
  /** Utterances kept in memory: robot prompts repeat on every call of a task. ~100 KB each. */
  cacheEntries?: number;
}

interface Waiter {
  resolve(pcm: Pcm): void;
  reject(error: Error): void;
}

/**
 * eSpeak NG (GPL-3.0-or-later, loaded as a separate WASM module) in one worker thread, so
 * synthesis never blocks the event loop. The worker starts on the first request and keeps one
 * instance of the engine; requests are served in order.
 */
export class EspeakTts implements Tts {
  readonly #sampleRate: number;
  // Promises, not results: fifty calls starting together ask for one opening prompt once.
  readonly #cache: LruCache<string, Promise<Pcm>>;
  readonly #waiting = new Map<number, Waiter>();
  #worker: Worker | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: EspeakTtsOptions = {}) {
    this.#sampleRate = options.sampleRate ?? 16_000;
    this.#cache = new LruCache(options.cacheEntries ?? 128);
  }

  /** The samples may be shared with other callers through the cache: read them, do not modify. */
  synthesize(text: string, language: string, speaker: Speaker): Promise<Pcm> {
    if (this.#closed) return Promise.reject(closedError());
    const clean = text.trim();
    if (clean === '') {
      return Promise.resolve({ sampleRate: this.#sampleRate, samples: new Int16Array(0) });
    }
    const voice = espeakVoice(language, speaker);
    const key = `${voice}\n${clean}`;
    let pcm = this.#cache.get(key);
    if (!pcm) {
      pcm = this.#request(voice, clean);
      this.#cache.set(key, pcm);
      pcm.catch(() => this.#cache.delete(key));
    }
    return pcm;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(closedError());
    if (worker) await worker.terminate();
  }

  #request(voice: string, text: string): Promise<Pcm> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<Pcm>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      // Keep the process alive only while an answer is due.
      worker.ref();
      const request: SynthesisRequest = { id, voice, text };
      worker.postMessage(request);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./espeak-worker.ts', import.meta.url), {
      workerData: { sampleRate: this.#sampleRate },
    });
    worker.unref();
    worker.on('message', (reply: SynthesisReply) => {
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      if (!waiter) return;
      if (reply.ok) waiter.resolve({ sampleRate: reply.sampleRate, samples: reply.samples });
      else waiter.reject(new ProviderError(PROVIDER, 'rejected', reply.error));
    });
    // A crashed worker fails what it held; the next request starts a new one.
    // Retryable: the next request starts a new worker.
    const lost = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(new ProviderError(PROVIDER, 'unavailable', error.message, error));
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`espeak-ng worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error): void {
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }
}

const PROVIDER = 'espeak-ng';

function closedError(): ProviderError {
  return new ProviderError(PROVIDER, 'closed', 'EspeakTts is closed');
}
