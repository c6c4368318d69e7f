import assert from 'node:assert/strict';
import type { Config } from '../../../src/config.ts';
import type { RobotDefinition } from '../../../src/dialogue/script/robot-script.ts';
import type { PdsSettings } from '../../../src/modules/pds/pds-settings.ts';
import { DEFAULT_SETTINGS } from '../../../src/modules/pds/tasks/pds-settings-input.ts';
import { ScaledClock } from '../../../src/shared/clock.ts';
import { startReceiver, type Receiver } from '../../helpers/receiver.ts';
import { startTestServer, tokenFor, waitFor, type TestServer } from '../../helpers/server.ts';
import { v1Client, type V1 } from '../../agents/harness.ts';
import { robotById } from '../../conversations/scripts.ts';

// What the PDS dialer tests share (docs/pds-dialer.md): the real server on a business clock
// sped up as the simulated carrier is, a webhook receiver on loopback, an app with a robot whose
// opening is a greeting, a right-party check and a handoff, a group of agents, and PDS tasks.
// Tasks are made through the PDS API's service, as createtask makes them.

/** Business seconds per real second: a 20 s talk takes 0.2 s. */
export const SCALE = 100;
/** A Monday morning, UTC: the app's zone. */
export const START = new Date('2026-12-07T09:00:00Z');

/** The PDS opening: who is it, then to an agent; "all busy" when the robot must finish alone. */
export function openingRobot(): RobotDefinition {
  const base = robotById(4496);
  const identity = base.nodes.identity as Extract<
    RobotDefinition['nodes'][string],
    { type: 'ask' }
  >;
  return {
    ...base,
    name: 'PDS_Opening_EN',
    nodes: {
      identity: { ...identity, next: { ...identity.next, yes: 'to_agent' } },
      to_agent: {
        type: 'handoff',
        say: 'Thank you. Please hold, I am connecting you with an agent.',
        queue: 'collections',
        next: 'agents_busy',
      },
      agents_busy: {
        type: 'end',
        say: 'Sorry, all our agents are busy. We will call you back. Goodbye.',
        intention: 'C',
        description: 'No agent free',
      },
      end_wrong_person: base.nodes.end_wrong_person!,
      end_later: base.nodes.end_later!,
      end_dnc: base.nodes.end_dnc!,
    },
  };
}

export interface PdsWorld {
  server: TestServer;
  receiver: Receiver;
  clock: ScaledClock;
  appId: number;
  api: V1;
  robotId: number;
  groupId: number;
  agentIds: number[];
  close(): Promise<void>;
}

/** The server, a receiver, an app, its opening robot and a group of `agents` simulated agents. */
export async function pdsWorld(
  options: {
    agents?: number;
    talkMedianSeconds?: number;
    config?: Partial<Config>;
    /** false: no dialer, deliverer or job runner (a test that claims by hand). */
    worker?: boolean;
  } = {},
): Promise<PdsWorld> {
  const clock = new ScaledClock(START, SCALE);
  const server = await startTestServer({
    clock,
    worker: options.worker ?? true,
    config: { timeScale: SCALE, pollIntervalMs: 20, ...options.config },
  });
  const receiver = await startReceiver();
  const { services } = server.runtime;
  // The app's own webhook URL (calls-api §8) is the receiver's /cloud: a PDS task must send
  // nothing there, its reports go to its callback (§18).
  const created = await services.auth.createApp({
    name: 'pds-dialer',
    timezone: 'UTC',
    webhookUrl: `${receiver.url}/cloud`,
  });
  const appId = created.app.id;
  const api = v1Client(server.url, await tokenFor(server.url, created.appKey, created.appSecret));
  const { robot } = await services.robots.save(appId, openingRobot());
  const { group, agents } = await services.agents.createSimulatedGroup(appId, {
    name: 'Group_A',
    agents: options.agents ?? 3,
    acwSeconds: 5,
  });
  for (const agent of agents) {
    await services.agents.updateAgent(appId, agent.id, {
      talkMedianSeconds: options.talkMedianSeconds ?? 20,
      talkSigma: 0.3,
    });
  }
  return {
    server,
    receiver,
    clock,
    appId,
    api,
    robotId: Number(robot.id),
    groupId: Number(group.id),
    agentIds: agents.map((a) => Number(a.id)),
    async close() {
      await server.close();
      await receiver.close();
    },
  };
}

/** A whole PdsSettings, as the PDS API stores it after createtask. */
export function pdsSettings(world: PdsWorld, overrides: Partial<PdsSettings> = {}): PdsSettings {
  return {
    ...DEFAULT_SETTINGS,
    groupId: world.groupId,
    groupName: 'Group_A',
    agentNames: [],
    callbackUrl: world.receiver.url,
    dialingMode: 'progressive',
    callIntervalSeconds: 60,
    autoSlotFactor: true,
    voicemail: { ...DEFAULT_SETTINGS.voicemail, check: true },
    templateName: 'PDS_Opening_EN',
    copiedFrom: null,
    ...overrides,
  };
}

let issued = 0;
/** Fresh numbers whose last digit picks the simulated persona (docs/simulator.md). */
export function numbers(lastDigits: readonly number[]): string[] {
  return lastDigits.map((digit) => {
    const i = issued++;
    return `+62812${String(i).padStart(5, '0')}0${digit}`;
  });
}

/**
 * A PDS task of `world` dialling `phones` from now, made by the PDS API's service (createtask's
 * path) to start tomorrow, so that no dialer takes it yet; then, in one transaction, given the
 * test's whole settings (`overrides` may set what createtask has no field for, such as the
 * abandon action) and moved to start now. A task made to start now would be dialled before
 * its settings are in place.
 */
export async function createPdsTask(
  world: PdsWorld,
  phones: readonly string[],
  overrides: Partial<PdsSettings> = {},
  name = `pds_${issued}`,
): Promise<string> {
  const { services } = world.server.runtime;
  const tomorrow = new Date(world.clock.now().getTime() + 86_400_000);
  const created = await services.pdsTasks.create(
    { appId: world.appId, timezone: 'UTC' },
    {
      taskName: name,
      startTime: `${tomorrow.toISOString().slice(0, 10)} 09:00:00`,
      groupName: 'Group_A',
      templateName: 'PDS_Opening_EN',
      callback: Buffer.from(world.receiver.url).toString('base64'),
      customizeContacts: phones.map((phone, i) => ({
        mobile: phone,
        caseId: `case-${i}`,
        contactName: `Customer ${i}`,
        loanId: `L-${i}`,
        amount: '500000',
      })),
    },
  );
  assert.deepEqual(created.errorContactList, [], 'every contact taken');
  const now = world.clock.now();
  await world.server.store.db.transaction(async (tx) => {
    await tx.query(`UPDATE tasks SET pds = $2, start_time = $3, end_time = $4 WHERE id = $1`, [
      created.taskId,
      JSON.stringify(pdsSettings(world, overrides)),
      now,
      new Date(now.getTime() + 3 * 86_400_000),
    ]);
    await tx.query('UPDATE callees SET next_attempt_at = $2 WHERE task_id = $1', [
      created.taskId,
      now,
    ]);
  });
  return created.taskId;
}

export async function taskStatusOf(world: PdsWorld, taskId: string): Promise<string> {
  const [row] = await world.server.store.db.query<{ status: string }>(
    'SELECT status FROM tasks WHERE id = $1',
    [taskId],
  );
  return row!.status;
}

export function waitForTaskEnd(world: PdsWorld, taskId: string, timeoutMs = 60_000) {
  return waitFor(
    `task ${taskId} to finish`,
    async () => ((await taskStatusOf(world, taskId)) === 'Finished' ? true : undefined),
    timeoutMs,
  );
}

export interface CallOfTask {
  id: string;
  callee_number: string;
  state: string;
  outcome: string | null;
  started_at: Date;
  ended_at: Date | null;
  hangup_type: string | null;
  pds: Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any -- the stored jsonb
}

export function callsOf(world: PdsWorld, taskId: string): Promise<CallOfTask[]> {
  return world.server.store.db.query<CallOfTask>(
    `SELECT id, callee_number, state, outcome, started_at, ended_at, hangup_type, pds
       FROM calls WHERE task_id = $1 AND outcome IS DISTINCT FROM 'not_dialled' ORDER BY started_at, id`,
    [taskId],
  );
}

/** The PDS webhooks received, parsed, in arrival order. */
export function received(world: PdsWorld) {
  return world.receiver.requests.map((r) => ({
    headers: r.headers,
    ...(JSON.parse(r.body) as { type: string; body: Record<string, any> }), // eslint-disable-line @typescript-eslint/no-explicit-any -- webhook bodies
  }));
}
