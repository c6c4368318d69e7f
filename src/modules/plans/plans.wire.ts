import { formatDateTime } from '../../shared/time.ts';
import { calleeRecordingWire } from '../recordings/recordings.wire.ts';
import type { PlanPage, PlanStatus, RoundSummary, StrategySummary } from './plan-views.ts';
import type { PlanRecording } from './plans.service.ts';

// The cloud family's wire shapes of plan answers that PlanService returns as domain values.

export function planRecordingWire(r: PlanRecording, zone: string) {
  return { round: r.round, task_id: r.taskId, ...calleeRecordingWire(r.recording, zone) };
}

export function strategyWire(s: StrategySummary, zone: string) {
  return {
    strategy_id: String(s.id),
    strategy_name: s.name,
    round_count: s.roundCount,
    builtin: s.builtIn,
    create_time: formatDateTime(s.createdAt, zone),
  };
}

/** The answer to a new strategy: its id, name and number of rounds. */
export function createdStrategyWire(s: StrategySummary) {
  return { strategy_id: String(s.id), strategy_name: s.name, round_count: s.roundCount };
}

export function planStatusWire(p: PlanStatus, zone: string) {
  return {
    plan_id: p.id,
    plan_name: p.name,
    strategy_id: String(p.strategyId),
    status: p.status,
    current_round: p.currentRound,
    total_rounds: p.totalRounds,
    start_time: formatDateTime(p.startTime, zone),
    end_time: formatDateTime(p.endTime, zone),
    end_reason: p.endReason,
    last_error: p.lastError,
  };
}

export function planPageWire(p: PlanPage, zone: string) {
  return {
    total: p.total,
    page: p.page,
    page_size: p.pageSize,
    list: p.plans.map((plan) => planStatusWire(plan, zone)),
  };
}

export function roundWire(r: RoundSummary, zone: string) {
  return {
    round: r.round,
    task_id: r.taskId,
    status: r.status,
    start_time: formatDateTime(r.startTime, zone),
    end_time: formatDateTime(r.endTime, zone),
    ...r.counts,
  };
}
