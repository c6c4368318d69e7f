import { writeWav } from '../../../src/dialogue/wav.ts';
import { newId } from '../../../src/shared/ids.ts';
import type { TestServer } from '../../helpers/server.ts';

// Calls of PDS tasks as the PDS dialer writes them (calls rows with their `pds` part,
// docs/pds-api.md), so the query and recording endpoints can be tested before and apart from
// the dialer. Only tests write rows this way.

export interface PdsCallFixture {
  attempt?: number;
  state?: 'dialing' | 'final';
  outcome?: string | null;
  startedAt: Date;
  endedAt?: Date | null;
  ringTime?: number | null;
  pds?: Record<string, unknown> | null;
}

/** Inserts one attempt on the task's number (its callee moved on accordingly); its call id. */
export async function insertPdsCall(
  server: TestServer,
  taskId: string,
  number: string,
  call: PdsCallFixture,
): Promise<string> {
  const db = server.store.db;
  const [callee] = await db.query<{ id: number; app_id: number }>(
    'SELECT id, app_id FROM callees WHERE task_id = $1 AND callee_number = $2',
    [taskId, number],
  );
  if (!callee) throw new Error(`no callee ${number} in task ${taskId}`);
  const id = newId();
  const state = call.state ?? 'final';
  const attempt = call.attempt ?? 1;
  await db.query(
    `INSERT INTO calls (id, app_id, task_id, callee_id, attempt, state, outcome, robot_id,
       callee_number, caller_number, started_at, ended_at, ring_time, pds)
     SELECT $1, t.app_id, t.id, $3, $4, $5, $6, t.robot_id, $7, t.caller_number, $8, $9, $10, $11
     FROM tasks t WHERE t.id = $2`,
    [
      id,
      taskId,
      callee.id,
      attempt,
      state,
      state === 'final' ? (call.outcome ?? 'no_answer') : null,
      number,
      call.startedAt,
      state === 'final' ? (call.endedAt ?? call.startedAt) : null,
      call.ringTime ?? null,
      call.pds ? JSON.stringify(call.pds) : null,
    ],
  );
  await db.query(`UPDATE callees SET attempts = $2, status = $3 WHERE id = $1`, [
    callee.id,
    attempt,
    state === 'final' ? 'done' : 'dialing',
  ]);
  return id;
}

/** A short recording of the call, stored as the dialer stores one. */
export async function recordPdsCall(server: TestServer, taskId: string, callId: string) {
  const [row] = await server.store.db.query<{ app_id: number }>(
    'SELECT app_id FROM tasks WHERE id = $1',
    [taskId],
  );
  const samples = new Int16Array(8000).map((_v, i) => Math.round(8000 * Math.sin(i / 5)));
  const wav = writeWav({ sampleRate: 8000, samples });
  await server.runtime.services.recordings.save({ callId, appId: row!.app_id, taskId, wav });
  return wav;
}
