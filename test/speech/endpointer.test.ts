import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Endpointer, type EndpointEvent } from '../../src/dialogue/voice/endpointer.ts';
import { framesOf } from '../../src/dialogue/voice/frame.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';
import { concat, hiss, mix, ms, silence, tone } from './audio.ts';
import { say } from './speech-audio.ts';

function run(audio: Pcm, endpointer = new Endpointer()): EndpointEvent[] {
  const events: EndpointEvent[] = [];
  for (const f of framesOf(audio)) {
    const e = endpointer.push(f);
    if (e) events.push(e);
  }
  return events;
}

for (const rate of [8_000, 16_000]) {
  describe(`Endpointer at ${rate} Hz`, () => {
    it('gives one utterance per answer, with its timings and pre-roll', async () => {
      const speech = await say('Yes, that is me.', rate);
      const audio = mix(
        concat(silence(rate, 1_000), speech, silence(rate, 1_500)),
        hiss(rate, 500, -60),
      );
      const events = run(audio);
      assert.deepEqual(
        events.map((e) => e.type),
        ['speech-start', 'utterance'],
      );
      const [start, end] = events as [
        Extract<EndpointEvent, { type: 'speech-start' }>,
        Extract<EndpointEvent, { type: 'utterance' }>,
      ];
      const u = end.utterance;
      // The speech lies between 1000 ms and 1000 ms + its length (eSpeak pads both ends a bit).
      assert.ok(u.speechStartMs >= 1_000 && u.speechStartMs < 1_300, `start ${u.speechStartMs}`);
      assert.equal(start.atMs, u.speechStartMs);
      assert.ok(start.decidedAtMs - start.atMs >= 80, 'speech start needs 80 ms of voice');
      assert.ok(u.speechEndMs <= 1_000 + ms(speech) && u.speechEndMs > 1_000 + ms(speech) - 400);
      assert.equal(u.endpointedAtMs - u.speechEndMs, 600, 'default hangover');
      assert.equal(u.truncated, false);
      assert.equal(u.audio.sampleRate, rate);
      // Pre-roll 200 ms before the first voice, tail 100 ms after the last.
      const expected = u.speechEndMs - u.speechStartMs + 300;
      assert.ok(Math.abs(ms(u.audio) - expected) <= 20, `${ms(u.audio)} ms of audio`);
    });

    it('keeps a sentence with pauses shorter than the hangover as one utterance', async () => {
      const a = await say('I will pay.', rate);
      const b = await say('Next Friday.', rate);
      const audio = concat(silence(rate, 500), a, silence(rate, 300), b, silence(rate, 1_000));
      const utterances = run(audio).filter((e) => e.type === 'utterance');
      assert.equal(utterances.length, 1);
      const long = run(audio, new Endpointer({ hangoverMs: 200 })).filter(
        (e) => e.type === 'utterance',
      );
      assert.ok(long.length >= 2, 'a 200 ms hangover splits at the 300 ms pause');
    });

    it('ignores a click shorter than the start time, and cuts endless sound', () => {
      const click = concat(silence(rate, 500), tone(rate, 800, 40, -10), silence(rate, 1_000));
      assert.deepEqual(run(click), []);
      const drone = concat(silence(rate, 300), tone(rate, 300, 3_000, -10));
      const cut = run(drone, new Endpointer({ maxUtteranceMs: 1_000 })).find(
        (e) => e.type === 'utterance',
      );
      assert.ok(cut?.type === 'utterance' && cut.utterance.truncated);
    });

    it('flushes an utterance the stream ended in', async () => {
      const endpointer = new Endpointer();
      run(concat(silence(rate, 300), await say('Hello', rate)), endpointer);
      const u = endpointer.flush();
      assert.ok(u && u.audio.samples.length > 0);
      assert.equal(endpointer.flush(), undefined);
    });
  });
}
