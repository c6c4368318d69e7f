import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { framesOf } from '../../src/dialogue/voice/frame.ts';
import { EnergyVad } from '../../src/dialogue/voice/vad.ts';
import { concat, hiss, mix, silence } from './audio.ts';
import { say } from './speech-audio.ts';

const share = (vad: EnergyVad, frames: ReturnType<typeof framesOf>) =>
  frames.filter((f) => vad.decide(f).speech).length / frames.length;

for (const rate of [8_000, 16_000]) {
  describe(`EnergyVad at ${rate} Hz`, () => {
    it('hears no speech in digital silence or in a steady hiss', () => {
      assert.equal(share(new EnergyVad(), framesOf(silence(rate, 2_000))), 0);
      for (const dbfs of [-60, -45, -35]) {
        const vad = new EnergyVad();
        const frames = framesOf(hiss(rate, 3_000, dbfs, 7));
        // The floor may need a few frames to rise to a loud hiss; after that, nothing.
        const late = frames.slice(frames.length / 2);
        for (const f of frames.slice(0, frames.length / 2)) vad.decide(f);
        assert.equal(share(vad, late), 0, `hiss at ${dbfs} dBFS`);
      }
    });

    it('hears most of a spoken sentence, in quiet and over a hiss', async () => {
      const speech = await say('Yes, I will pay the whole amount tomorrow morning.', rate);
      for (const dbfs of [-70, -45]) {
        const vad = new EnergyVad();
        const noise = hiss(rate, 1_000, dbfs, 3);
        for (const f of framesOf(mix(silence(rate, 1_000), noise))) vad.decide(f);
        const voiced = share(vad, framesOf(mix(speech, noise)));
        // eSpeak leaves pauses between words and silence at both ends: about 60-80 % is voice.
        assert.ok(voiced > 0.5, `only ${voiced} of the sentence's frames over ${dbfs} dBFS`);
      }
    });

    it('follows the noise floor up and down', () => {
      const vad = new EnergyVad();
      for (const f of framesOf(hiss(rate, 3_000, -40, 5))) vad.decide(f);
      const loud = vad.noiseFloorDbfs;
      for (const f of framesOf(concat(silence(rate, 500), hiss(rate, 500, -70, 9)))) vad.decide(f);
      assert.ok(loud > -45, `floor ${loud} after a -40 dBFS hiss`);
      assert.ok(vad.noiseFloorDbfs < -60, `floor ${vad.noiseFloorDbfs} after quiet`);
    });
  });
}
