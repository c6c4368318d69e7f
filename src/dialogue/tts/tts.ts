// Speech synthesis behind one interface: the offline default (espeak-ng compiled to WASM, run in a
// worker thread) and a fake for tests implement it.

/** Mono 16-bit PCM. */
export interface Pcm {
  sampleRate: number;
  samples: Int16Array;
}

/** Who speaks: the robot and the callee get different voices of the same language. */
export type Speaker = 'robot' | 'callee';

export interface Tts {
  synthesize(text: string, language: string, speaker: Speaker): Promise<Pcm>;
  close(): Promise<void>;
}
