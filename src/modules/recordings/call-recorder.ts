import { renderRecording } from '../../dialogue/recording.ts';
import type { Segment, Timing } from '../../dialogue/timeline.ts';
import type { Tts } from '../../dialogue/tts/tts.ts';
import type { RecordingService } from './recordings.service.ts';

/** The attempt a recording belongs to (the dialer's claimed call has these fields). */
export interface RecordedCall {
  callId: string;
  appId: number;
  taskId: string;
  startedAt: Date;
}

/**
 * The dialer's recorder: renders the conversation with the TTS, stores the WAV, and returns the
 * timing of the real audio, which the transcript's times then follow.
 */
export class TtsCallRecorder {
  readonly #recordings: RecordingService;
  readonly #tts: Tts;

  constructor(recordings: RecordingService, tts: Tts) {
    this.#recordings = recordings;
    this.#tts = tts;
  }

  async record(call: RecordedCall, segments: Segment[], language: string): Promise<Timing> {
    const { wav, timing } = await renderRecording(segments, language, this.#tts);
    return this.keep(call, wav, timing);
  }

  /** Stores audio the call control recorded itself (a real line): its timing is the call's. */
  async keep(call: RecordedCall, wav: Buffer, timing: Timing, legs?: Buffer): Promise<Timing> {
    await this.#recordings.save({
      callId: call.callId,
      appId: call.appId,
      taskId: call.taskId,
      wav,
      ...(legs ? { legs } : {}),
      startedAt: call.startedAt,
    });
    return timing;
  }
}
