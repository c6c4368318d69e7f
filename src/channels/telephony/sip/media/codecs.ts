import alawmulaw from 'alawmulaw';
import type { CodecChoice } from './codec-choice.ts';

// Audio codecs of the RTP payload: G.711 (µ-law, A-law) through the `alawmulaw` package, and L16,
// which is only a byte order (network order: big-endian) away from our Int16Array samples.
// Every codec here has one byte (G.711) or two (L16) per sample, so a payload's duration follows
// from its length, which the jitter buffer uses to step through time.

export interface Codec {
  readonly name: CodecChoice['name'];
  /** Samples per second of the PCM this codec takes and gives (its RTP clock rate). */
  readonly sampleRate: number;
  encode(samples: Int16Array): Uint8Array;
  decode(payload: Uint8Array): Int16Array;
  /** How many samples a payload of this many bytes holds. */
  samplesIn(payloadBytes: number): number;
}

const pcmu: Codec = {
  name: 'PCMU',
  sampleRate: 8000,
  encode: (samples) => alawmulaw.mulaw.encode(samples),
  decode: (payload) => alawmulaw.mulaw.decode(payload),
  samplesIn: (bytes) => bytes,
};

const pcma: Codec = {
  name: 'PCMA',
  sampleRate: 8000,
  encode: (samples) => alawmulaw.alaw.encode(samples),
  decode: (payload) => alawmulaw.alaw.decode(payload),
  samplesIn: (bytes) => bytes,
};

const l16: Codec = {
  name: 'L16',
  sampleRate: 16000,
  encode(samples) {
    const out = new Uint8Array(samples.length * 2);
    const view = new DataView(out.buffer);
    for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, false);
    return out;
  },
  decode(payload) {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const out = new Int16Array(payload.byteLength >> 1);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, false);
    return out;
  },
  samplesIn: (bytes) => bytes >> 1,
};

const CODECS: Record<CodecChoice['name'], Codec> = { PCMU: pcmu, PCMA: pcma, L16: l16 };

/** The codec of a negotiated choice; its rate is the choice's clock rate (L16 may be 8000 too). */
export function codecFor(choice: CodecChoice): Codec {
  const codec = CODECS[choice.name];
  if (!codec) throw new Error(`unsupported codec ${String(choice.name)}`);
  return codec.sampleRate === choice.clockRate ? codec : { ...codec, sampleRate: choice.clockRate };
}
