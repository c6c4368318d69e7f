import type { TaskStatus } from '../../tasks/task-access.ts';

// AIRudder's PDS task states and Tiller's task statuses (docs/pds-api.md, "Task states").
// `Creating` is never answered: a task is written whole in one transaction, so nobody sees it
// half made; filtering on it finds nothing.

export const PDS_STATES = [
  'Creating',
  'Not Started',
  'Running',
  'Paused',
  'Cancelled',
  'Finished',
] as const;
export type PdsState = (typeof PDS_STATES)[number];

const BY_STATUS: Record<TaskStatus, PdsState> = {
  Waiting: 'Not Started',
  Running: 'Running',
  Paused: 'Paused',
  Stopped: 'Cancelled',
  Finished: 'Finished',
};

export const stateOf = (status: TaskStatus): PdsState => BY_STATUS[status];

/** The statuses a state filter selects (none for Creating). */
export function statusesOf(state: PdsState): TaskStatus[] {
  return (Object.keys(BY_STATUS) as TaskStatus[]).filter((s) => BY_STATUS[s] === state);
}

/** The state a client names, in any case and with or without the space ("NotStarted"). */
export function readState(text: string): PdsState | undefined {
  const folded = text.replace(/[\s_-]/g, '').toLowerCase();
  return PDS_STATES.find((s) => s.replace(' ', '').toLowerCase() === folded);
}
