import type { Speaker } from './tts/tts.ts';

// A conversation as the recording hears it: speech and silences in order. The recorder (real
// audio) and estimateTimeline (no audio) both turn it into offsets, so the transcript's times
// and the recording's length always agree.

export type Segment = { speaker: Speaker; text: string } | { silenceSeconds: number };

export interface Timing {
  /** Start of each segment, seconds from the call's answer. */
  offsets: number[];
  totalSeconds: number;
}

/** Pause between one speaker's end and the next segment. */
export const TURN_GAP_SECONDS = 0.4;
const SECONDS_PER_WORD = 0.38;

export function speechSeconds(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return Math.max(0.6, words * SECONDS_PER_WORD);
}

/** Offsets when no audio is made: speech length from the word count. */
export function estimateTimeline(segments: Segment[]): Timing {
  return layOut(
    segments.map((s) => ('silenceSeconds' in s ? s.silenceSeconds : speechSeconds(s.text))),
  );
}

/** Offsets from each segment's real or estimated length, with a gap after every speech segment. */
export function layOut(durations: number[]): Timing {
  const offsets: number[] = [];
  let at = 0;
  for (const seconds of durations) {
    offsets.push(at);
    at += seconds + TURN_GAP_SECONDS;
  }
  return { offsets, totalSeconds: at };
}
