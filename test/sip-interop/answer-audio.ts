// The callee's spoken answer, made at test time (never committed): espeak-ng speaks the text,
// sox resamples it to 8 kHz mono G.711 mu-law, headerless. SIPp's rtp_stream sends a file's bytes
// as they are, 160 per 20 ms packet for PCMU, and decodes nothing. Debian's SIPp 3.6.1 does not
// even skip a WAV header: the header went out as the first packet's "audio" (measured; newer
// SIPp skips RIFF headers), hence the raw .ul file.
import { join } from 'node:path';
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
