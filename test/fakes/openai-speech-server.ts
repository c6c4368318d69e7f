import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Stt } from '../../src/dialogue/ports/stt.ts';
import { resample } from '../../src/dialogue/tts/resample.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import type { Pcm, Tts } from '../../src/dialogue/tts/tts.ts';
import { readWav, writeWav } from '../../src/dialogue/wav.ts';

// An OpenAI-compatible speech server on 127.0.0.1 for tests: POST /v1/audio/transcriptions
// (multipart: file, model, language, response_format json | verbose_json | text) and POST
// /v1/audio/speech (JSON: model, input, voice, response_format wav | pcm at 24 kHz). What it
// hears comes, in order, from: a table of exact audio fingerprints, a script of answers for
// any audio with sound, a recogniser the test plugs in (PocketsphinxStt where installed);
// silent audio is ''. Its voice is a Tts (ToneTts by default).
//
// Faults by path prefix, so one server serves every case at once: base `url('429')` answers
// 429 with Retry-After, '500' answers 500, 'malformed' a 200 that is not JSON, 'stall' never
// answers. A key other than the server's gets 401 with OpenAI's error body.

export interface OpenAiSpeechServerOptions {
  apiKey?: string;
  tts?: Tts;
  recogniser?: Stt;
}

export interface SeenRequest {
  path: string;
  fields: Record<string, string>;
  audioSeconds?: number;
}

export type FaultMode = 'ok' | '429' | '500' | 'malformed' | 'stall';

/** A stable name for audio: the hash of its rate and samples. */
export function audioFingerprint(pcm: Pcm): string {
  const hash = createHash('sha256');
  hash.update(String(pcm.sampleRate));
  hash.update(new Uint8Array(pcm.samples.buffer, pcm.samples.byteOffset, pcm.samples.byteLength));
  return hash.digest('hex');
}

export class OpenAiSpeechServer {
  readonly apiKey: string;
  /** audioFingerprint → the text to answer. */
  readonly transcripts = new Map<string, string>();
  /** Answers for audio not in the table, in order. */
  readonly script: string[] = [];
  readonly requests: SeenRequest[] = [];
  readonly #tts: Tts;
  readonly #recogniser: Stt | undefined;
  readonly #server = createServer((req, res) => void this.#handle(req, res));
  #origin = '';

  constructor(options: OpenAiSpeechServerOptions = {}) {
    this.apiKey = options.apiKey ?? 'test-key';
    this.#tts = options.tts ?? new ToneTts(24_000);
    this.#recogniser = options.recogniser;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** The base URL (up to /v1) of a fault mode. */
  url(mode: FaultMode = 'ok'): string {
    return mode === 'ok' ? `${this.#origin}/v1` : `${this.#origin}/${mode}/v1`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const match = /^\/(?:(429|500|malformed|stall)\/)?v1\/audio\/(transcriptions|speech)$/.exec(
      req.url ?? '',
    );
    if (!match || req.method !== 'POST') return json(res, 404, error('not found'));
    if (req.headers.authorization !== `Bearer ${this.apiKey}`)
      return json(res, 401, error('Incorrect API key provided', 'invalid_api_key'));
    const mode = match[1];
    if (mode === 'stall') return;
    if (mode === '429') {
      res.setHeader('retry-after', '2');
      return json(res, 429, error('Rate limit reached', 'rate_limit_exceeded'));
    }
    if (mode === '500') return json(res, 500, error('The server had an error'));
    if (mode === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"text": "cut sho');
    }
    try {
      if (match[2] === 'transcriptions') await this.#transcribe(req, body, res);
      else await this.#speak(body, res);
    } catch (err) {
      json(res, 400, error(String(err)));
    }
  }

  async #transcribe(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const form = await new Response(body, {
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    }).formData();
    const fields: Record<string, string> = {};
    for (const [k, v] of form) if (typeof v === 'string') fields[k] = v;
    const file = form.get('file');
    if (!(file instanceof Blob)) return json(res, 400, error("'file' is required"));
    if (!fields.model) return json(res, 400, error("'model' is required"));
    const wav = readWav(new Uint8Array(await file.arrayBuffer()));
    const pcm: Pcm = { sampleRate: wav.sampleRate, samples: wav.samples };
    this.requests.push({
      path: '/audio/transcriptions',
      fields,
      audioSeconds: pcm.samples.length / pcm.sampleRate,
    });
    const text = await this.#hear(pcm, fields.language ?? 'en');
    const format = fields.response_format ?? 'json';
    if (format === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(text);
    }
    if (format === 'verbose_json') {
      const seconds = pcm.samples.length / pcm.sampleRate;
      return json(res, 200, {
        task: 'transcribe',
        language: fields.language ?? 'en',
        duration: seconds,
        text,
        segments: text
          ? [{ id: 0, start: 0, end: seconds, text, avg_logprob: -0.2, no_speech_prob: 0.01 }]
          : [],
      });
    }
    json(res, 200, { text });
  }

  async #hear(pcm: Pcm, language: string): Promise<string> {
    const known = this.transcripts.get(audioFingerprint(pcm));
    if (known !== undefined) return known;
    if (!pcm.samples.some((s) => Math.abs(s) > 100)) return '';
    const next = this.script.shift();
    if (next !== undefined) return next;
    if (this.#recogniser) return (await this.#recogniser.transcribe(pcm, { language })).text;
    throw new Error('the fake speech server does not know this audio');
  }

  async #speak(body: Buffer, res: ServerResponse): Promise<void> {
    const request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const fields = Object.fromEntries(Object.entries(request).map(([k, v]) => [k, String(v)]));
    this.requests.push({ path: '/audio/speech', fields });
    if (typeof request.input !== 'string' || !request.model || !request.voice)
      return json(res, 400, error("'model', 'input' and 'voice' are required"));
    const speaker = request.voice === 'echo' ? 'callee' : 'robot';
    const pcm = await this.#tts.synthesize(request.input, 'en', speaker);
    const format = request.response_format ?? 'mp3';
    if (format === 'wav') {
      res.writeHead(200, { 'content-type': 'audio/wav' });
      return void res.end(writeWav(pcm));
    }
    if (format === 'pcm') {
      // The API's pcm is 24 kHz whatever the voice's own rate.
      const samples = resample(pcm.samples, pcm.sampleRate, 24_000);
      const raw = Buffer.alloc(samples.length * 2);
      for (let i = 0; i < samples.length; i++) raw.writeInt16LE(samples[i]!, i * 2);
      res.writeHead(200, { 'content-type': 'audio/pcm' });
      return void res.end(raw);
    }
    json(res, 400, error(`response_format ${String(format)} is not served by the fake`));
  }
}

function error(message: string, code: string | null = null) {
  return { error: { message, type: 'invalid_request_error', param: null, code } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
