import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutLeadingSilence } from '../../src/channels/telephony/sip/leading-silence.ts';

test('a robot line is played from 5 ms before its first sound; a silent line as it is', () => {
  const samples = new Int16Array(1600);
  samples.fill(20, 0, 640); // 40 ms of a TTS's near-silence at 16 kHz
  samples.fill(5000, 640); // then speech
  const trimmed = withoutLeadingSilence({ sampleRate: 16_000, samples });
  assert.equal(trimmed.samples.length, 1600 - 640 + 80);
  assert.equal(trimmed.samples[80], 5000);
  const silent = { sampleRate: 16_000, samples: new Int16Array(320) };
  assert.equal(withoutLeadingSilence(silent), silent);
  const loud = { sampleRate: 8000, samples: new Int16Array(160).fill(4000) };
  assert.equal(withoutLeadingSilence(loud), loud);
});
