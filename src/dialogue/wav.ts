import type { Pcm } from './tts/tts.ts';

// RIFF/WAVE for 16-bit PCM, the only format Tiller writes. readWav walks the chunks instead of
// assuming a 44-byte header: espeak-ng and other writers may add chunks (LIST, fact) before data.

export interface WavInfo {
  /** 1 = integer PCM. */
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Interleaved 16-bit samples (for one channel, the samples themselves). */
  samples: Int16Array;
}

const HEADER_BYTES = 44;

/** A mono 16-bit PCM WAV file of the samples. */
export function writeWav(pcm: Pcm): Buffer {
  return wavOf(pcm.sampleRate, 1, pcm.samples);
}

/**
 * A two-channel WAV of two sides of one timeline at one rate (a call's legs: the callee left,
 * the robot right); the shorter side is padded with silence.
 */
export function writeStereoWav(left: Pcm, right: Pcm): Buffer {
  if (left.sampleRate !== right.sampleRate) throw new Error('both channels need one sample rate');
  const frames = Math.max(left.samples.length, right.samples.length);
  const interleaved = new Int16Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    interleaved[2 * i] = left.samples[i] ?? 0;
    interleaved[2 * i + 1] = right.samples[i] ?? 0;
  }
  return wavOf(left.sampleRate, 2, interleaved);
}

function wavOf(sampleRate: number, channels: 1 | 2, samples: Int16Array): Buffer {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(HEADER_BYTES + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2 * channels, 28); // byte rate
  out.writeUInt16LE(2 * channels, 32); // block align
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  // Little-endian hosts (every platform Node supports today) could copy the buffer as is; this
  // stays correct everywhere.
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, HEADER_BYTES + i * 2);
  return out;
}

/** Decodes a 16-bit PCM WAV; throws on anything else so bad audio is never stored silently. */
export function readWav(bytes: Uint8Array): WavInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let fmt: Omit<WavInfo, 'samples'> | undefined;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data chunk before its fmt chunk');
      if (fmt.format !== 1 || fmt.bitsPerSample !== 16) {
        throw new Error(
          `unsupported WAV encoding: format ${fmt.format}, ${fmt.bitsPerSample} bits`,
        );
      }
      // A writer that could not seek back leaves the size too large: take what is there.
      const end = Math.min(body + size, bytes.length);
      const samples = new Int16Array((end - body) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + i * 2, true);
      return { ...fmt, samples };
    }
    at = body + size + (size & 1); // chunks are word-aligned
  }
  throw new Error('WAV file has no data chunk');
}
