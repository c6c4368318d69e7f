import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codecFor } from '../../../src/channels/telephony/sip/media/codecs.ts';
import { energy, sine } from './audio-measures.ts';

// G.711 is logarithmic: within each segment 16 uniform steps, and each segment's step is at most
// 1/16 of the smallest magnitude it holds. Decoding to the middle of a step leaves an error of at
// most half a step, |e| <= |x| / 32, so a signal's SNR is at least 20 log10(32) = 30.1 dB whatever
// its level (the lowest segment's tiny fixed step only helps). A codec that is wrong (a swapped
// law, a byte-order slip) lands far below.
const G711_SNR_FLOOR_DB = 20 * Math.log10(32);

function snrDb(original: Int16Array, decoded: Int16Array): number {
  const noise = new Int16Array(original.length);
  for (let i = 0; i < original.length; i++) noise[i] = original[i]! - decoded[i]!;
  return 10 * Math.log10(energy(original) / energy(noise));
}

for (const name of ['PCMU', 'PCMA'] as const) {
  test(`${name}: a 440 Hz sine survives a round trip with SNR above the G.711 floor`, () => {
    const codec = codecFor({ name, payloadType: name === 'PCMU' ? 0 : 8, clockRate: 8000 });
    for (const amplitude of [30000, 8000, 1000]) {
      const tone = sine(440, 8000, 1, amplitude);
      const payload = codec.encode(tone);
      assert.equal(payload.length, tone.length, 'one byte per sample');
      const snr = snrDb(tone, codec.decode(payload));
      assert.ok(snr > G711_SNR_FLOOR_DB, `${name} at ${amplitude}: SNR ${snr.toFixed(1)} dB`);
    }
  });
}

test('PCMU and PCMA are different laws (decoding one as the other ruins the audio)', () => {
  const tone = sine(440, 8000, 0.5, 12000);
  const pcmu = codecFor({ name: 'PCMU', payloadType: 0, clockRate: 8000 });
  const pcma = codecFor({ name: 'PCMA', payloadType: 8, clockRate: 8000 });
  assert.ok(snrDb(tone, pcma.decode(pcmu.encode(tone))) < 10);
});

test('L16 is big-endian and exact', () => {
  const codec = codecFor({ name: 'L16', payloadType: 96, clockRate: 16000 });
  const samples = Int16Array.from([0, 1, -1, 0x1234, -32768, 32767]);
  const payload = codec.encode(samples);
  assert.deepEqual([...payload.subarray(6, 8)], [0x12, 0x34], 'network byte order');
  assert.deepEqual([...codec.decode(payload)], [...samples]);
  assert.equal(codec.samplesIn(payload.length), samples.length);
  assert.equal(codec.sampleRate, 16000);
});
