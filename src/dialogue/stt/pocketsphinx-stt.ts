import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderError } from '../ports/provider-error.ts';
import type { SttOptions, Stt, Transcript } from '../ports/stt.ts';
import { resample } from '../tts/resample.ts';
import type { Pcm } from '../tts/tts.ts';
import { writeWav } from '../wav.ts';
import { jsgfGrammar } from './jsgf-grammar.ts';

// The offline recogniser: Debian's pocketsphinx_continuous (package pocketsphinx, model
// pocketsphinx-en-us), run once per utterance on a WAV file, with a JSGF grammar built from the
// phrases the robot expects when the turn gives some. Its only model is US English at 16 kHz:
// other languages are refused, and 8 kHz phone audio is resampled up, which cannot bring back
// the missing band (measured in docs/speech.md: it fails at 8 kHz). For tests and wideband
// calls; production uses OpenAiStt.

export interface PocketsphinxSttOptions {
  /** The program; default 'pocketsphinx_continuous' on the PATH. */
  binary?: string;
  /** Acoustic model folder; default the binary's own (Debian: .../model/en-us/en-us). */
  hmm?: string;
  /** Pronunciation dictionary, also used to drop unknown grammar words. */
  dict?: string;
  timeoutMs?: number;
}

const PROVIDER = 'pocketsphinx';
/** Debian's place for the en-US dictionary (package pocketsphinx-en-us). */
const DEBIAN_DICT = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';
const MODEL_RATE = 16_000;
const SILENCE_PEAK = 100;
/** Word lines of `-time yes`: word, start, end, posterior. */
const WORD_LINE = /^(\S+) (\d+\.\d+) (\d+\.\d+) (\d+(?:\.\d+)?)$/;

export class PocketsphinxStt implements Stt {
  readonly #o: PocketsphinxSttOptions;
  #words: Promise<Set<string>> | undefined;

  constructor(options: PocketsphinxSttOptions = {}) {
    this.#o = options;
  }

  async transcribe(audio: Pcm, options: SttOptions): Promise<Transcript> {
    if (!/^en(?:[-_]|$)/i.test(options.language))
      throw new ProviderError(
        PROVIDER,
        'rejected',
        `pocketsphinx has only a US English model; cannot transcribe '${options.language}'`,
      );
    if (!audio.samples.some((s) => s > SILENCE_PEAK || s < -SILENCE_PEAK))
      return { text: '', confidence: 0 };
    const grammar = options.grammar?.length
      ? jsgfGrammar(options.grammar, await this.#dictionary())
      : undefined;
    const dir = await mkdtemp(join(tmpdir(), 'tiller-sphinx-'));
    try {
      const wav = join(dir, 'utterance.wav');
      const samples = resample(audio.samples, audio.sampleRate, MODEL_RATE);
      await writeFile(wav, writeWav({ sampleRate: MODEL_RATE, samples }));
      const args = ['-infile', wav, '-time', 'yes'];
      if (grammar) {
        await writeFile(join(dir, 'turn.gram'), grammar);
        args.push('-jsgf', join(dir, 'turn.gram'));
      }
      if (this.#o.hmm) args.push('-hmm', this.#o.hmm);
      if (this.#o.dict) args.push('-dict', this.#o.dict);
      return parse(await this.#run(args));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  #run(args: string[]): Promise<string> {
    const binary = this.#o.binary ?? 'pocketsphinx_continuous';
    return new Promise((resolve, reject) => {
      // Its log goes to stderr and is dropped; the hypothesis and word times come on stdout.
      const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new ProviderError(PROVIDER, 'timeout', 'pocketsphinx: no answer in time'));
      }, this.#o.timeoutMs ?? 15_000);
      child.on('error', (err) => {
        clearTimeout(timer);
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new ProviderError(
            PROVIDER,
            missing ? 'rejected' : 'unavailable',
            missing ? `${binary} is not installed (Debian package pocketsphinx)` : err.message,
            err,
          ),
        );
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new ProviderError(PROVIDER, 'unavailable', `${binary} exited with ${code}`));
      });
    });
  }

  /** The dictionary's words, read once: a grammar with an unknown word is refused. */
  #dictionary(): Promise<(word: string) => boolean> {
    this.#words ??= readFile(this.#o.dict ?? DEBIAN_DICT, 'utf8').then(
      (text) => new Set(text.split('\n').map((line) => line.split(' ', 1)[0]!)),
      () => new Set<string>(),
    );
    return this.#words.then((words) => (w: string) => words.size === 0 || words.has(w));
  }
}

/** The words with their posteriors, fillers (<s>, <sil>, [NOISE], (NULL) of a grammar) left out; 'word(2)' → 'word'. */
function parse(stdout: string): Transcript {
  const words: string[] = [];
  let sum = 0;
  for (const line of stdout.split('\n')) {
    const m = WORD_LINE.exec(line.trim());
    if (!m || /^[<[(]/.test(m[1]!)) continue;
    words.push(m[1]!.replace(/\(\d+\)$/, ''));
    sum += Number(m[4]);
  }
  if (words.length === 0) return { text: '', confidence: 0 };
  return { text: words.join(' '), confidence: Math.min(1, Math.max(0.01, sum / words.length)) };
}
