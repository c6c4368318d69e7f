import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FastifyInstance } from 'fastify';
import { cloudEnvelope, v1Envelope } from '../../src/api/envelopes.ts';
import { familyPlugin, sendError } from '../../src/api/family.ts';
import { loadConfig } from '../../src/config.ts';
import { AuthService } from '../../src/modules/auth/auth.service.ts';
import { FileRecordingStore } from '../../src/modules/recordings/recording-store.ts';
import {
  recordingFileRoutes,
  recordingRoutes,
} from '../../src/modules/recordings/recordings.routes.ts';
import { RecordingService } from '../../src/modules/recordings/recordings.service.ts';
import { seedBuiltinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { TaskService } from '../../src/modules/tasks/tasks.service.ts';
import { ManualClock, systemClock } from '../../src/shared/clock.ts';
import { AppError } from '../../src/shared/errors.ts';
import { newId } from '../../src/shared/ids.ts';
import type { Db } from '../../src/store/db.ts';
import { bareApp } from '../../src/api/app.ts';

// A small server with only what recordings need: the cloud family with the recording routes,
// the public link routes at the root, a store of its own and a clock the test moves.

/** What TILLER_PUBLIC_URL would be: links carry it, the test swaps in the real address. */
export const PUBLIC_URL = 'https://tiller.example.com';

export interface RecordingHarness {
  url: string;
  dataDir: string;
  clock: ManualClock;
  store: FileRecordingStore;
  recordings: RecordingService;
  auth: AuthService;
  tasks: TaskService;
  server: FastifyInstance;
  /** Opens a link the API handed out, as a browser would: no Authorization header. */
  open(link: string): Promise<Response>;
  /**
   * The status of a link, body read: an unread body holds its connection open, and closing the
   * server then waits for the client to let go of it.
   */
  status(link: string): Promise<number>;
  close(): Promise<void>;
}

export async function startRecordingServer(db: Db): Promise<RecordingHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tiller-rec-'));
  const config = loadConfig({}, { dataDir, demo: false });
  const clock = new ManualClock();
  // As every start does: the built-in robots' current definitions (tasks here use 4496).
  await seedBuiltinRobots(db);
  const auth = new AuthService(db, config, systemClock);
  const store = new FileRecordingStore(join(dataDir, 'recordings'));
  const recordings = new RecordingService({ db, store, clock, publicUrl: PUBLIC_URL });
  const tasks = new TaskService(db, config, systemClock, recordings);
  const server = bareApp();
  await server.register(familyPlugin, {
    prefix: '/service/cloud',
    envelope: cloudEnvelope,
    auth,
    routes: [recordingRoutes(recordings)],
  });
  // As in api/app.ts: outside the families, errors answer in the v1 shape; the link routes are
  // registered after that handler is set, so they get it.
  server.setErrorHandler((error, request, reply) => sendError(v1Envelope, error, request, reply));
  server.setNotFoundHandler((request, reply) =>
    sendError(v1Envelope, new AppError('not_found'), request, reply),
  );
  await server.register(recordingFileRoutes(recordings));
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  const open = (link: string) => {
    if (!link.startsWith(`${PUBLIC_URL}/`)) throw new Error(`not one of our links: ${link}`);
    return fetch(url + link.slice(PUBLIC_URL.length));
  };
  return {
    url,
    dataDir,
    clock,
    store,
    recordings,
    auth,
    tasks,
    server,
    open,
    async status(link) {
      const response = await open(link);
      await response.arrayBuffer();
      return response.status;
    },
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * GET with a token, read as JSON. (test/helpers/server.ts has the same client but pulls in the
 * whole runtime, which this suite does not need.)
 */
export function client(base: string, token?: string) {
  return {
    async get(path: string) {
      const response = await fetch(base + path, {
        headers: token ? { authorization: `Token ${token}` } : {},
      });
      const text = await response.text();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any envelope
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text };
    },
  };
}

/** An app with a token, as an integrator has one. */
export async function newApp(auth: AuthService, name: string, timezone = 'Asia/Jakarta') {
  const created = await auth.createApp({ name, timezone });
  return {
    id: created.app.id,
    timezone,
    token: await auth.issueToken(created.appKey, created.appSecret),
  };
}

/** An attempt of a callee as the dialer leaves it: ended with an outcome, or (null) still up. */
export async function addCall(
  db: Db,
  calleeId: number,
  attempt: number,
  startedAt: Date,
  outcome: 'answered' | 'interrupted' | null = 'answered',
): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO calls (id, app_id, task_id, callee_id, attempt, state, outcome, robot_id, callee_number,
       caller_number, started_at, ended_at)
     SELECT $1, c.app_id, c.task_id, c.id, $3, CASE WHEN $5::text IS NULL THEN 'dialing' ELSE 'final' END,
       $5::text, t.robot_id, c.callee_number, t.caller_number, $4,
       CASE WHEN $5::text IS NULL THEN NULL ELSE $4::timestamptz + interval '1 minute' END
     FROM callees c JOIN tasks t ON t.id = c.task_id WHERE c.id = $2`,
    [id, calleeId, attempt, startedAt, outcome],
  );
  return id;
}
