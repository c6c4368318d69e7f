import { formatDateTime } from '../../shared/time.ts';
import type { CalleeRecording } from './recordings.service.ts';

// The cloud family's shape of a number's recordings (/case, and the plan's /plan/recordings):
// snake_case, the start time in the caller's zone.

export function calleeRecordingWire(r: CalleeRecording, zone: string) {
  return {
    call_id: r.callId,
    call_start_time: formatDateTime(r.startedAt, zone),
    recording_url: r.recordingUrl,
    end_reason: r.endReason,
  };
}
