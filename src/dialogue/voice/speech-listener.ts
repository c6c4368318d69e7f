import { ProviderError } from '../ports/provider-error.ts';
import type { Stt } from '../ports/stt.ts';
import type { Expectation } from '../ports/turn.ts';
import { frameMs, type VoiceFrame } from './frame.ts';
import { Endpointer, type EndpointedUtterance, type EndpointerOptions } from './endpointer.ts';

// One call's ears: the callee's frames and keys in, the engine's next input out. The SIP adapter
// owns one per call, pushes every frame and key as it arrives, and answers CallLeg#listen with
// listen(). The types mirror call-control's ListenHints and HeardInput structurally (dialogue
// imports nothing from channels; test/speech/speech-listener.test.ts checks they fit).
//
// All time is media time, from the frames: the silence timeout passes only as frames arrive, so
// the SIP side must keep pushing frames (silence or comfort noise) while the call is up.
//
// Rules (docs/speech.md):
// - Speech that starts and ends while no listen is pending (over the robot's prompt: barge-in)
//   is kept, the latest one, and answers the next listen.
// - An utterance the STT hears nothing in (a cough, a bump) is no input: the listen goes on and
//   gives silence if nothing else comes before its timeout. A failed STT gives silence too, with
//   the error in `sttError`: a live call cannot wait for a retry.
// - Keys: one key answers at once, unless the robot waits for a number (a digits or amount
//   slot): then keys are collected until '#' or `interDigitMs` without a key.

export interface ListenRequest {
  language: string;
  /** After this long (media time) without the callee starting to speak or a key, silence. */
  timeoutSeconds: number;
  expects?: Expectation;
  /** Phrases for a recogniser that takes a grammar (SttOptions.grammar). */
  grammar?: string[];
}

export interface TurnTimings {
  speechStartMs: number;
  speechEndMs: number;
  endpointedAtMs: number;
  /** Media ms from the end of speech to the endpoint decision (the hangover). */
  endpointingMs: number;
  /** Wall-clock ms the STT took. */
  sttMs: number;
}

export type Heard =
  | { kind: 'speech'; text: string }
  | { kind: 'dtmf'; digits: string }
  | { kind: 'silence'; seconds: number }
  | { kind: 'hangup' };

export type HeardTurn = Heard & {
  /** For speech: when it was said and what endpointing and STT cost. */
  timings?: TurnTimings;
  /** Utterances the STT found empty during this listen (no input). */
  ignoredUtterances?: number;
  /** The STT failed; the turn was given as silence. */
  sttError?: ProviderError;
};

export interface SpeechListenerOptions {
  stt: Stt;
  /** Called on every speech start, listening or not: the adapter stops the robot's audio. */
  onSpeechStart?: (atMs: number) => void;
  endpointer?: EndpointerOptions;
  /** Media ms without a new key that ends a number typed on the keypad. */
  interDigitMs?: number;
}

interface Pending {
  request: ListenRequest;
  startedAt: number;
  deadline: number;
  resolve(heard: HeardTurn): void;
  transcribing: boolean;
  ignored: number;
}

export class SpeechListener {
  readonly #stt: Stt;
  readonly #onSpeechStart: ((atMs: number) => void) | undefined;
  readonly #endpointer: Endpointer;
  readonly #interDigitMs: number;
  #now = 0;
  #pending: Pending | undefined;
  #held: EndpointedUtterance | undefined;
  #digits = '';
  #lastDigitAt = 0;
  #ended = false;

  constructor(options: SpeechListenerOptions) {
    this.#stt = options.stt;
    this.#onSpeechStart = options.onSpeechStart;
    this.#endpointer = new Endpointer(options.endpointer);
    this.#interDigitMs = options.interDigitMs ?? 2_000;
  }

  /** Media time: the end of the last frame pushed. */
  get now(): number {
    return this.#now;
  }

  push(frame: VoiceFrame): void {
    if (this.#ended) return;
    this.#now = frame.at + frameMs(frame);
    const event = this.#endpointer.push(frame);
    if (event?.type === 'speech-start') this.#onSpeechStart?.(event.atMs);
    if (event?.type === 'utterance') {
      const pending = this.#pending;
      if (pending && !pending.transcribing) this.#transcribe(pending, event.utterance);
      else this.#held = event.utterance;
    }
    this.#checkKeys();
    this.#checkSilence();
  }

  /** A key pressed (RFC 4733 or SIP INFO): '0'-'9', '*', '#', 'A'-'D'. */
  dtmf(digit: string): void {
    if (this.#ended) return;
    this.#digits += digit;
    this.#lastDigitAt = this.#now;
    this.#checkKeys();
  }

  /** The call ended: a pending listen and every later one give hangup. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#held = undefined;
    this.#settle({ kind: 'hangup' });
  }

  listen(request: ListenRequest): Promise<HeardTurn> {
    if (this.#ended) return Promise.resolve({ kind: 'hangup' });
    if (this.#pending) return Promise.reject(new Error('SpeechListener: a listen is pending'));
    return new Promise<HeardTurn>((resolve) => {
      const pending: Pending = {
        request,
        startedAt: this.#now,
        deadline: this.#now + request.timeoutSeconds * 1000,
        resolve,
        transcribing: false,
        ignored: 0,
      };
      this.#pending = pending;
      this.#checkKeys();
      if (this.#pending !== pending) return;
      const held = this.#held;
      this.#held = undefined;
      if (held) this.#transcribe(pending, held);
    });
  }

  #transcribe(pending: Pending, utterance: EndpointedUtterance): void {
    pending.transcribing = true;
    const { language, grammar } = pending.request;
    const started = performance.now();
    this.#stt.transcribe(utterance.audio, grammar ? { language, grammar } : { language }).then(
      (transcript) => {
        if (this.#pending !== pending) return;
        pending.transcribing = false;
        const text = transcript.text.trim();
        if (text === '') {
          pending.ignored++;
          const held = this.#held;
          this.#held = undefined;
          if (held) this.#transcribe(pending, held);
          else this.#checkSilence();
          return;
        }
        const timings: TurnTimings = {
          speechStartMs: utterance.speechStartMs,
          speechEndMs: utterance.speechEndMs,
          endpointedAtMs: utterance.endpointedAtMs,
          endpointingMs: utterance.endpointedAtMs - utterance.speechEndMs,
          sttMs: performance.now() - started,
        };
        this.#settle({ kind: 'speech', text, timings });
      },
      (err: unknown) => {
        if (this.#pending !== pending) return;
        const sttError =
          err instanceof ProviderError
            ? err
            : new ProviderError('stt', 'bad_response', String(err), err);
        this.#settle({ kind: 'silence', seconds: this.#elapsed(pending), sttError });
      },
    );
  }

  #checkKeys(): void {
    const pending = this.#pending;
    if (!pending || this.#digits === '') return;
    if (!wantsNumber(pending.request.expects)) return this.#giveKeys(this.#digits);
    const hash = this.#digits.indexOf('#');
    if (hash >= 0) return this.#giveKeys(this.#digits.slice(0, hash));
    if (this.#now - this.#lastDigitAt >= this.#interDigitMs) this.#giveKeys(this.#digits);
  }

  #giveKeys(digits: string): void {
    this.#digits = '';
    this.#settle({ kind: 'dtmf', digits });
  }

  #checkSilence(): void {
    const pending = this.#pending;
    if (!pending || pending.transcribing || this.#endpointer.talking) return;
    if (this.#digits !== '' || this.#now < pending.deadline) return;
    this.#settle({ kind: 'silence', seconds: this.#elapsed(pending) });
  }

  #elapsed(pending: Pending): number {
    return Math.round(this.#now - pending.startedAt) / 1000;
  }

  #settle(heard: HeardTurn): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    if (pending.ignored > 0 && heard.kind !== 'hangup') heard.ignoredUtterances = pending.ignored;
    pending.resolve(heard);
  }
}

function wantsNumber(expects: Expectation | undefined): boolean {
  if (!expects || (expects.kind !== 'slot' && expects.kind !== 'verify')) return false;
  return expects.slotType === 'digits' || expects.slotType === 'amount';
}
