// Tiller's side of the SIP call benchmark (bench/sip-calls.ts): the callee child process, the
// call control aimed at it, and the STT and TTS wrappers that time each turn's stages.

import { fork, type ChildProcess } from 'node:child_process';
import { SipCallControl } from '../src/channels/telephony/sip/sip-call-control.ts';
import type { SipUserAgent } from '../src/channels/telephony/sip/signalling/user-agent.ts';
import type { Stt, SttOptions, Transcript } from '../src/dialogue/ports/stt.ts';
import type { Pcm, Speaker, Tts } from '../src/dialogue/tts/tts.ts';
import type { CalleeCommand, CalleeReport } from './sip-calls-callee.ts';

export const epochNow = () => performance.timeOrigin + performance.now();

/** The callee child process: commands in order, each answered by one message. */
export interface Callee {
  address: { host: string; port: number };
  command(c: Exclude<CalleeCommand, { type: 'report' }>): Promise<void>;
  report(): Promise<CalleeReport>;
  stop(): Promise<void>;
}

export async function startCallee(): Promise<Callee> {
  const child: ChildProcess = fork(new URL('./sip-calls-callee.ts', import.meta.url), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`callee exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as Record<string, unknown>);
      });
    });
  const ready = await next();
  return {
    address: ready['address'] as { host: string; port: number },
    async command(c) {
      const answer = next();
      child.send(c);
      await answer;
    },
    async report() {
      const answer = next();
      child.send({ type: 'report' });
      return (await answer) as unknown as CalleeReport;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Call control over our user agent, with the callee's UA as the trunk's proxy. */
export function callControlTo(
  ua: SipUserAgent,
  proxy: { host: string; port: number },
  stt: Stt,
): SipCallControl {
  return new SipCallControl({
    ua,
    stt,
    trunk: {
      proxy,
      domain: 'bench.example',
      registerExpires: 0,
      bind: { host: '127.0.0.1', port: 0 },
      rtpPortRange: [40_000, 59_999],
      numberFormat: 'digits',
      ringTimeoutSeconds: 10,
      keepAliveSeconds: 0,
    },
  });
}

/** An STT that hears "yes" in anything: the load steps' recogniser costs nothing. */
export const yesStt: Stt = { transcribe: async () => ({ text: 'yes', confidence: 1 }) };

/** One turn's instants on Tiller's side (epoch ms), in the order they happen. */
export interface TillerTurn {
  sttStartAt: number;
  sttEndAt: number;
  /** The STT heard nothing: the listen goes on, so this turn has no answer of its own. */
  empty: boolean;
  ttsStartAt?: number;
  ttsEndAt?: number;
}

/** Notes when each utterance went to the STT and came back. */
export class TimedStt implements Stt {
  readonly turns: TillerTurn[] = [];
  readonly #inner: Stt;

  constructor(inner: Stt) {
    this.#inner = inner;
  }

  async transcribe(audio: Pcm, options: SttOptions): Promise<Transcript> {
    const turn: TillerTurn = { sttStartAt: epochNow(), sttEndAt: 0, empty: false };
    this.turns.push(turn);
    const transcript = await this.#inner.transcribe(audio, options);
    turn.sttEndAt = epochNow();
    turn.empty = transcript.text.trim() === '';
    return transcript;
  }
}

/**
 * Notes the first synthesis after each recognised turn. `miss` makes every request a cache miss
 * without changing the audio: extra spaces at a word break give the cache a new key (EspeakTts
 * keys by the trimmed text) and eSpeak reads the line the same.
 */
export class TimedTts implements Tts {
  readonly #inner: Tts;
  readonly #stt: TimedStt;
  readonly #miss: boolean;
  static #unique = 0;

  constructor(inner: Tts, stt: TimedStt, options: { miss: boolean }) {
    this.#inner = inner;
    this.#stt = stt;
    this.#miss = options.miss;
  }

  async synthesize(text: string, language: string, speaker: Speaker): Promise<Pcm> {
    const turn = this.#stt.turns.findLast((t) => t.sttEndAt > 0 && !t.empty);
    const first = turn !== undefined && turn.ttsStartAt === undefined;
    if (first) turn.ttsStartAt = epochNow();
    const asked = this.#miss ? respaced(text, ++TimedTts.#unique) : text;
    const pcm = await this.#inner.synthesize(asked, language, speaker);
    if (first) turn.ttsEndAt = epochNow();
    return pcm;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The same words with `n` extra spaces at the first word break: a new cache key. */
function respaced(text: string, n: number): string {
  return text.replace(' ', ' '.repeat(n + 1));
}
