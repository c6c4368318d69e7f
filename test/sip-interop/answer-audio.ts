// The callee's spoken answer, made at test time (never committed): espeak-ng speaks the text,
// sox resamples it to 8 kHz mono G.711 mu-law, headerless. SIPp's rtp_stream sends a file's bytes
// as they are, 160 per 20 ms packet for PCMU, and decodes nothing. Debian's SIPp 3.6.1 does not
// even skip a WAV header: the header went out as the first packet's "audio" (measured; newer
// SIPp skips RIFF headers), hence the raw .ul file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';
import { readWav } from '../../src/dialogue/wav.ts';
import { runTool } from '../helpers/sip-tools.ts';

export const ANSWER_TEXT = 'yes I will pay tomorrow';

export interface AnswerAudioOptions {
  text?: string;
  /** File name inside `dir`; the answer-and-speak scenario plays `answer.ul`. */
  file?: string;
  /** Silence before the words, so the callee answers after the robot's greeting. */
  leadingSilenceSeconds?: number;
}

/** Writes the answer (raw PCMU) into `dir` and returns its path. */
export async function makeAnswerAudio(
  tools: { 'espeak-ng': string; sox: string },
  dir: string,
  options: AnswerAudioOptions = {},
): Promise<string> {
  const spoken = join(dir, 'answer-espeak.wav');
  const target = join(dir, options.file ?? 'answer.ul');
  const say = await runTool(tools['espeak-ng'], ['-w', spoken, options.text ?? ANSWER_TEXT]);
  if (say.code !== 0) throw new Error(`espeak-ng failed: ${say.stderr}`);
  const effects = options.leadingSilenceSeconds
    ? ['pad', String(options.leadingSilenceSeconds), '0']
    : [];
  const convert = await runTool(tools.sox, [
    spoken,
    '-r',
    '8000',
    '-c',
    '1',
    '-e',
    'u-law',
    '-t',
    'ul',
    target,
    ...effects,
  ]);
  if (convert.code !== 0) throw new Error(`sox failed: ${convert.stderr}`);
  return target;
}

export interface SpokenOptions {
  /** espeak-ng voice (`-v`), e.g. 'en-us+f3'. */
  voice?: string;
  /** Words per minute (`-s`); espeak-ng's default is 175. */
  rate?: number;
}

/** Speaks `text` with espeak-ng and returns it as 16 kHz mono PCM (the in-repo peer's replies). */
export async function speakPcm(
  tools: { 'espeak-ng': string; sox: string },
  dir: string,
  name: string,
  text: string,
  options: SpokenOptions = {},
): Promise<Pcm> {
  const spoken = join(dir, `${name}-espeak.wav`);
  const target = join(dir, `${name}.wav`);
  const voice = options.voice ? ['-v', options.voice] : [];
  const rate = options.rate ? ['-s', String(options.rate)] : [];
  const say = await runTool(tools['espeak-ng'], [...voice, ...rate, '-w', spoken, text]);
  if (say.code !== 0) throw new Error(`espeak-ng failed: ${say.stderr}`);
  const convert = await runTool(tools.sox, [spoken, '-r', '16000', '-c', '1', '-b', '16', target]);
  if (convert.code !== 0) throw new Error(`sox failed: ${convert.stderr}`);
  const wav = readWav(new Uint8Array(readFileSync(target)));
  return { sampleRate: wav.sampleRate, samples: wav.samples };
}

/** A line the callee says, starting this many seconds after the call's audio begins. */
export interface TimedAnswer {
  atSeconds: number;
  text: string;
}

/** μ-law's zero: what SIPp sends for the silence between the answers. */
const MULAW_SILENCE = 0xff;
const PCMU_RATE = 8000;

/**
 * A whole side of a conversation as one raw PCMU file for SIPp's rtp_stream (it plays one file,
 * from the ACK, without hearing anything): each answer at its time, silence in between. Returns
 * the path and where each answer really starts and ends (seconds), so a test can check its timing.
 */
export async function makeTimedAnswers(
  tools: { 'espeak-ng': string; sox: string },
  dir: string,
  answers: readonly TimedAnswer[],
  file = 'answer.ul',
): Promise<{ path: string; spans: Array<{ start: number; end: number }> }> {
  const parts: Buffer[] = [];
  const spans: Array<{ start: number; end: number }> = [];
  let length = 0;
  for (const [i, answer] of answers.entries()) {
    const part = await makeAnswerAudio(tools, dir, { text: answer.text, file: `answer-${i}.ul` });
    const audio = readFileSync(part);
    const start = Math.max(length, Math.round(answer.atSeconds * PCMU_RATE));
    parts.push(Buffer.alloc(start - length, MULAW_SILENCE), audio);
    length = start + audio.length;
    spans.push({ start: start / PCMU_RATE, end: length / PCMU_RATE });
  }
  const path = join(dir, file);
  writeFileSync(path, Buffer.concat(parts));
  return { path, spans };
}
