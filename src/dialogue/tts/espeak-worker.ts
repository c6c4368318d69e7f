import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import ESpeakNG, { type EspeakExports, type EspeakModule } from 'espeak-ng';
import { readWav } from '../wav.ts';
import { resample } from './resample.ts';

// Runs in a worker thread (EspeakTts starts it): espeak-ng synthesis is synchronous WASM and
// would stall the event loop for the length of every utterance.
//
// The package is the espeak-ng command line compiled with Emscripten, meant to be instantiated
// once per run (~110–250 ms each, mostly instantiation and mounting the embedded voice data).
// Calling its main() a second time does not work: getopt's state and espeak's globals survive
// the first run. So the worker instantiates once, snapshots the whole linear memory before main
// has ever run, and restores that snapshot before each utterance (32 MiB copy, ~3 ms): every run
// starts from a freshly loaded program, byte-identical in output to a new instance.

export interface SynthesisRequest {
  id: number;
  voice: string;
  text: string;
}

export type SynthesisReply =
  | { id: number; ok: true; sampleRate: number; samples: Int16Array }
  | { id: number; ok: false; error: string };

interface Wasm {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: object) => { exports: EspeakExports };
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

const OUT = '/tmp/utterance.wav';

/** espeak-ng refused the request (e.g. an unknown voice); the instance is still sound. */
class SynthesisError extends Error {}
const outputRate = (workerData as { sampleRate: number }).sampleRate;

class Engine {
  #module!: EspeakModule;
  #exports!: EspeakExports;
  #snapshot!: Uint8Array;
  #stderr: string[] = [];

  static async load(compiled: object): Promise<Engine> {
    const engine = new Engine();
    engine.#module = await ESpeakNG({
      noInitialRun: true,
      print: () => {},
      printErr: (line) => engine.#stderr.push(line),
      instantiateWasm: (imports, done) => {
        const instance = new wasm.Instance(compiled, imports);
        engine.#exports = instance.exports;
        done(instance, compiled);
        return instance.exports;
      },
    });
    engine.#snapshot = new Uint8Array(engine.#exports.memory.buffer).slice();
    return engine;
  }

  /** One utterance as 16-bit mono PCM at espeak's own rate. */
  synthesize(voice: string, text: string): { sampleRate: number; samples: Int16Array } {
    this.#stderr = [];
    // `--` ends the options: a callee line such as "-x" or "--help" is text, not a flag.
    const status = this.#main(['-v', voice, '-w', OUT, '--', text]);
    const fs = this.#module.FS;
    if (status !== 0 || !fs.analyzePath(OUT).exists) {
      const reason = this.#stderr.filter((l) => !l.startsWith('program exited')).join(' ');
      throw new SynthesisError(`espeak-ng failed (status ${status}) for voice ${voice}: ${reason}`);
    }
    const wav = readWav(fs.readFile(OUT));
    fs.unlink(OUT);
    return { sampleRate: wav.sampleRate, samples: wav.samples };
  }

  #main(args: string[]): number {
    const memory = () => new Uint8Array(this.#exports.memory.buffer);
    memory().set(this.#snapshot);
    const stack = this.#exports.stackSave();
    try {
      const argv = ['espeak-ng', ...args].map((arg) => {
        const bytes = new TextEncoder().encode(`${arg}\0`);
        const at = this.#exports.malloc(bytes.length);
        memory().set(bytes, at);
        return at;
      });
      const table = this.#exports.malloc(4 * (argv.length + 1));
      const words = new Uint32Array(this.#exports.memory.buffer, table, argv.length + 1);
      words.set([...argv, 0]);
      return this.#module._main(argv.length, table);
    } catch (error) {
      // exit(n) inside the program unwinds as an ExitStatus; anything else is a real fault.
      const exit = error as { name?: string; status?: number };
      if (exit.name === 'ExitStatus' && typeof exit.status === 'number') return exit.status;
      throw error;
    } finally {
      this.#exports.stackRestore(stack);
      // Files an aborted run left open would use up descriptors; the restored memory forgets them.
      for (const stream of this.#module.FS.streams) {
        if (stream && stream.fd > 2) this.#module.FS.close(stream);
      }
    }
  }
}

async function compile(): Promise<object> {
  const glue = import.meta.resolve('espeak-ng');
  return wasm.compile(await readFile(new URL('espeak-ng.wasm', glue)));
}

const port = parentPort!;
const compiled = await compile();
let engine: Promise<Engine> | undefined;

port.on('message', async ({ id, voice, text }: SynthesisRequest) => {
  try {
    engine ??= Engine.load(compiled);
    const pcm = (await engine).synthesize(voice, text);
    const samples = resample(pcm.samples, pcm.sampleRate, outputRate);
    const reply: SynthesisReply = { id, ok: true, sampleRate: outputRate, samples };
    port.postMessage(reply, [samples.buffer as ArrayBuffer]);
  } catch (error) {
    // A WASM trap leaves the instance unusable: load a fresh one for the next utterance.
    if (!(error instanceof SynthesisError)) engine = undefined;
    const reply: SynthesisReply = { id, ok: false, error: String(error) };
    port.postMessage(reply);
  }
});
