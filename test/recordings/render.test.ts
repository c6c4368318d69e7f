import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RECORDING_SAMPLE_RATE, renderRecording } from '../../src/dialogue/recording.ts';
import { estimateTimeline, TURN_GAP_SECONDS, type Segment } from '../../src/dialogue/timeline.ts';
import { EspeakTts } from '../../src/dialogue/tts/espeak-tts.ts';
import { espeakLanguages, espeakVoice } from '../../src/dialogue/tts/espeak-voices.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { readWav } from '../../src/dialogue/wav.ts';
import { medianPitch, peak, rms } from './audio.ts';

// The recording of an answered call is real audio: a WAV a player opens, as long as the
// timeline says, silent where the dialogue is silent, two different voices.

const RATE = RECORDING_SAMPLE_RATE;
const FRAME = 1 / RATE;

describe('renderRecording with espeak-ng', () => {
  let tts: EspeakTts;
  before(() => {
    tts = new EspeakTts();
  });
  after(() => tts.close());

  it('is a 16 kHz mono 16-bit PCM WAV whose audio matches the timing', async () => {
    const segments: Segment[] = [
      { speaker: 'robot', text: 'Hello, this is Hannah from Tiller. Can you pay your loan today?' },
      { silenceSeconds: 2 },
      { speaker: 'callee', text: 'Yes, I can pay this afternoon.' },
    ];
    const { wav, timing } = await renderRecording(segments, 'en', tts);

    assert.equal(wav.subarray(0, 4).toString('ascii'), 'RIFF');
    assert.equal(wav.subarray(8, 12).toString('ascii'), 'WAVE');
    assert.equal(wav.readUInt32LE(4), wav.length - 8, 'RIFF size');
    const audio = readWav(wav);
    assert.equal(audio.format, 1, 'PCM');
    assert.equal(audio.channels, 1);
    assert.equal(audio.sampleRate, 16_000);
    assert.equal(audio.bitsPerSample, 16);
    const seconds = audio.samples.length / audio.sampleRate;
    assert.ok(
      Math.abs(seconds - timing.totalSeconds) <= FRAME,
      `${seconds} vs ${timing.totalSeconds}`,
    );

    const [robotAt, silenceAt, calleeAt] = timing.offsets.map((s) => Math.round(s * RATE)) as [
      number,
      number,
      number,
    ];
    assert.equal(robotAt, 0);
    const silenceEnd = silenceAt + 2 * RATE;
    // The 2 s silence and the turn gaps around it are digital silence.
    assert.equal(peak(audio.samples, silenceAt, silenceEnd), 0, 'the silence is silent');
    assert.equal(calleeAt, silenceEnd + TURN_GAP_SECONDS * RATE);
    assert.equal(peak(audio.samples, silenceEnd, calleeAt), 0, 'the gap is silent');
    const robot = audio.samples.subarray(robotAt, silenceAt);
    const callee = audio.samples.subarray(calleeAt);
    assert.ok(rms(robot) > 1_000, `robot speech has energy (rms ${rms(robot)})`);
    assert.ok(rms(callee) > 1_000, `callee speech has energy (rms ${rms(callee)})`);
    assert.ok(robot.length > 2 * RATE, 'a 12-word sentence takes more than 2 s');

    const robotPitch = medianPitch(robot, RATE);
    const calleePitch = medianPitch(callee, RATE);
    assert.ok(
      robotPitch > 1.4 * calleePitch,
      `robot ${robotPitch} Hz is a higher voice than callee ${calleePitch} Hz`,
    );
  });

  it('speaks Indonesian, and English for a language espeak-ng lacks', async () => {
    const id = await tts.synthesize('Selamat pagi, apakah bisa bayar hari ini?', 'id-ID', 'robot');
    assert.equal(id.sampleRate, RATE);
    assert.ok(id.samples.length > RATE && rms(id.samples) > 1_000);
    assert.equal(espeakVoice('id-ID', 'robot'), 'id+f3');
    assert.equal(espeakVoice('tl', 'callee'), 'en-us+m3');
    assert.equal(espeakVoice('EN_us', 'robot'), 'en-us+f3');
  });

  it('has every voice it maps a language to, in both variants', async () => {
    for (const language of espeakLanguages) {
      for (const speaker of ['robot', 'callee'] as const) {
        const pcm = await tts.synthesize('one two three', language, speaker);
        assert.ok(pcm.samples.length > RATE / 4, `${espeakVoice(language, speaker)} speaks`);
      }
    }
  });

  it('reads text that looks like an option as text, and blank text as nothing', async () => {
    assert.ok((await tts.synthesize('--help', 'en', 'callee')).samples.length > 0);
    assert.equal((await tts.synthesize('  ', 'en', 'callee')).samples.length, 0);
  });

  it('answers a repeated prompt from its cache, identical', async () => {
    const first = await tts.synthesize('Thank you for your time. Goodbye!', 'en', 'robot');
    const again = await tts.synthesize('Thank you for your time. Goodbye!', 'en', 'robot');
    // The very same samples: a cache hit, not a second synthesis (no timing involved).
    assert.equal(again, first);
  });

  it('refuses work once closed', async () => {
    const closing = new EspeakTts();
    await closing.synthesize('warm up', 'en', 'robot');
    await closing.close();
    await assert.rejects(closing.synthesize('after close', 'en', 'robot'), /closed/);
  });
});

describe('renderRecording with the tone fake', () => {
  it('lasts exactly what estimateTimeline predicts', async () => {
    const segments: Segment[] = [
      { speaker: 'robot', text: 'Hello there, is this a good time?' },
      { speaker: 'callee', text: 'yes' },
      { silenceSeconds: 1.25 },
      { speaker: 'robot', text: 'Goodbye' },
    ];
    const { wav, timing } = await renderRecording(segments, 'en', new ToneTts());
    const estimate = estimateTimeline(segments);
    assert.equal(timing.offsets.length, 4);
    timing.offsets.forEach((offset, i) => {
      assert.ok(Math.abs(offset - estimate.offsets[i]!) <= FRAME, `offset ${i}`);
    });
    const audio = readWav(wav);
    assert.ok(Math.abs(audio.samples.length / RATE - estimate.totalSeconds) <= FRAME);
    const silenceAt = Math.round(timing.offsets[2]! * RATE);
    assert.equal(peak(audio.samples, silenceAt, silenceAt + 1.25 * RATE), 0);
    assert.ok(rms(audio.samples, 0, silenceAt - TURN_GAP_SECONDS * RATE) > 1_000);
  });
});
