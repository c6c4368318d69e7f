import type { TaskCounts, TaskStatus } from '../tasks/task-access.ts';
import type { PlanRow } from './plans.repository.ts';

// What PlanService answers about strategies, plans and rounds: domain values (camelCase, Date).
// The cloud routes render them with plans.wire.ts.

export interface StrategySummary {
  id: number;
  name: string;
  roundCount: number;
  builtIn: boolean;
  createdAt: Date;
}

export interface PlanStatus {
  id: string;
  name: string;
  strategyId: number;
  status: PlanRow['status'];
  currentRound: number;
  totalRounds: number;
  startTime: Date;
  endTime: Date;
  /** Why the plan ended (empty while it runs). */
  endReason: string;
  /** The latest error of a round start being retried (empty when none). */
  lastError: string;
}

export interface PlanPage {
  total: number;
  page: number;
  pageSize: number;
  plans: PlanStatus[];
}

/** A round's task: when it really started and ended (else its window), and its counts. */
export interface RoundSummary {
  round: number;
  taskId: string;
  status: TaskStatus;
  startTime: Date;
  endTime: Date;
  counts: TaskCounts;
}
