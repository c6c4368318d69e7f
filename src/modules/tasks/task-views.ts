import type { CallRow } from './calls.repository.ts';
import type { EndReason } from './end-reason.ts';
import type { CalleeRow, TaskStatus } from './tasks.repository.ts';

// What TaskService answers about tasks and calls: domain values (camelCase, Date), no zone, no
// AIRudder field names. The API family maps them to its wire shape (tasks.wire.ts), so another
// family (or the console) can render the same values its own way.

export interface TaskSummary {
  id: string;
  name: string;
  robotId: number;
  status: TaskStatus;
  /** null: not a plan's round. */
  planId: string | null;
  round: number;
  createdAt: Date;
  startTime: Date;
  endTime: Date;
  totalCount: number;
  calledCount: number;
  connectedCount: number;
}

export interface Page<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

/** A number with its ended attempts (oldest first) and its recording link ('' without one). */
export interface NumberRecord {
  caseId: string;
  /** The number's own fields as uploaded. */
  data: Record<string, unknown>;
  /** The number's state and why it was last held: its end reason follows from them. */
  callee: Pick<CalleeRow, 'status' | 'hold_reason'>;
  attempts: CallRow[];
  recordingUrl: string;
}

export interface DetailPage extends Page<NumberRecord> {
  taskStatus: TaskStatus;
}

/** One attempt by its call id, with the attempts before it and its number's end reason. */
export interface CallInfo extends NumberRecord {
  /** '' when the number is gone (it never is: numbers are not deleted). */
  endReason: EndReason | '';
  /** Why the rules allowed the attempt (docs/compliance.md), as stored. */
  compliance: unknown;
}
