import { layOut, type Segment, type Timing } from './timeline.ts';
import { resample } from './tts/resample.ts';
import type { Tts } from './tts/tts.ts';
import { writeWav } from './wav.ts';

// The audio of an answered call: each speech segment in its speaker's voice, each silence as
// long as the dialogue said, and the turn gap after every segment. The offsets come from the
// real lengths of the synthesized audio, so the transcript times match what a listener hears.

/** 16 kHz mono 16-bit PCM: wideband speech, what speech recognisers expect (docs/recordings.md). */
export const RECORDING_SAMPLE_RATE = 16_000;

export async function renderRecording(
  segments: Segment[],
  language: string,
  tts: Tts,
): Promise<{ wav: Buffer; timing: Timing }> {
  const rate = RECORDING_SAMPLE_RATE;
  const clips = await Promise.all(
    segments.map(async (segment) => {
      if ('silenceSeconds' in segment) {
        const seconds = Number.isFinite(segment.silenceSeconds) ? segment.silenceSeconds : 0;
        return new Int16Array(Math.round(Math.max(0, seconds) * rate));
      }
      const pcm = await tts.synthesize(segment.text, language, segment.speaker);
      return pcm.sampleRate === rate ? pcm.samples : resample(pcm.samples, pcm.sampleRate, rate);
    }),
  );
  // Every length is a whole number of samples and the gap is too (0.4 s = 6,400 samples), so the
  // rounded offsets below land exactly where layOut puts them.
  const timing = layOut(clips.map((clip) => clip.length / rate));
  const audio = new Int16Array(Math.round(timing.totalSeconds * rate));
  clips.forEach((clip, i) => {
    const at = Math.round(timing.offsets[i]! * rate);
    audio.set(clip.subarray(0, audio.length - at), at);
  });
  return { wav: writeWav({ sampleRate: rate, samples: audio }), timing };
}
