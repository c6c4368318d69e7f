import { calleeRecordingWire } from '../recordings/recordings.wire.ts';
import type { PlanRecording } from './plans.service.ts';

// The cloud family's wire shapes of plan answers that PlanService returns as domain values.

export function planRecordingWire(r: PlanRecording, zone: string) {
  return { round: r.round, task_id: r.taskId, ...calleeRecordingWire(r.recording, zone) };
}
