import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config.ts';
import { readAdminEndpoint, type AdminEndpoint } from '../modules/admin/admin-endpoint.ts';
import { ADMIN_TOKEN_HEADER } from '../modules/admin/admin.routes.ts';
import {
  runAdminOperation,
  type AdminContext,
  type AdminOperationName,
} from '../modules/admin/admin-operations.ts';
import { AgentService } from '../modules/agents/agents.service.ts';
import { AuthService } from '../modules/auth/auth.service.ts';
import { DncService } from '../modules/dnc/dnc.service.ts';
import { seedBuiltinRobots } from '../modules/robots/builtin-robots.ts';
import { RobotService } from '../modules/robots/robots.service.ts';
import { WebhookService } from '../modules/webhooks/webhooks.service.ts';
import { WorkflowTemplateService } from '../modules/workflows/templates.service.ts';
import { JobAdmin } from '../queue/job-admin.ts';
import { systemClock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { DataDirBusyError, dataDirHolder, lockDataDir } from '../store/data-dir-lock.ts';
import { migrate } from '../store/migrate.ts';
import { openDb } from '../store/open-db.ts';
import { AdminError } from './errors.ts';

/** Runs one admin operation; refusals come back as AdminError, whichever way it went. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command reads its own answer
export type AdminRun = (operation: AdminOperationName, input: object) => Promise<any>;

/** How long a command waits for a starting server's admin API, or for another command's lock. */
const WAIT_FOR_STORE_MS = 20_000;

/**
 * Runs fn with a way to the store for admin operations: the store itself (PostgreSQL, or the
 * embedded store while no server runs), or the admin API of the server that holds the embedded
 * store (docs/architecture.md, "The tiller command").
 */
export async function withAdmin<T>(config: Config, fn: (run: AdminRun) => Promise<T>): Promise<T> {
  if (config.databaseUrl) return direct(config, () => {}, fn);
  const deadline = Date.now() + WAIT_FOR_STORE_MS;
  for (;;) {
    const holder = dataDirHolder(config.dataDir);
    if (holder === undefined) {
      try {
        return await direct(config, lockDataDir(config.dataDir), fn);
      } catch (error) {
        if (!(error instanceof DataDirBusyError)) throw error;
        // Another process took the store between the look and the lock: look again.
      }
    } else {
      const endpoint = readAdminEndpoint(config.dataDir);
      if (endpoint?.pid === holder) return fn(remote(endpoint));
      if (Date.now() > deadline) {
        throw new Error(
          `the embedded store in ${config.dataDir} is in use by process ${holder}, which serves ` +
            'no admin API (a server still starting, or another command); try again when it is done',
        );
      }
    }
    await sleep(200);
  }
}

async function direct<T>(config: Config, unlock: () => void, fn: (run: AdminRun) => Promise<T>) {
  try {
    const db = await openDb(config);
    try {
      await migrate(db);
      await seedBuiltinRobots(db);
      const context: AdminContext = {
        auth: new AuthService(db, config, systemClock),
        robots: new RobotService(db),
        dnc: new DncService(db),
        webhooks: new WebhookService(db),
        jobs: new JobAdmin(db, systemClock),
        workflowTemplates: new WorkflowTemplateService(db, systemClock),
        agents: new AgentService(db, systemClock),
      };
      return await fn(async (operation, input) => {
        try {
          return await runAdminOperation(context, operation, input);
        } catch (error) {
          if (error instanceof AppError) throw new AdminError(error.spec.http, error.message);
          throw error;
        }
      });
    } finally {
      await db.close();
    }
  } finally {
    unlock();
  }
}

function remote(endpoint: AdminEndpoint): AdminRun {
  return async (operation, input) => {
    let response: Response;
    try {
      response = await fetch(`${endpoint.url}/v1/admin/${operation}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [ADMIN_TOKEN_HEADER]: endpoint.token },
        body: JSON.stringify(input),
      });
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      throw new Error(
        `cannot reach the server (process ${endpoint.pid}) at ${endpoint.url}: ${cause?.message ?? (error as Error).message}`,
        { cause: error },
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      { code?: number; message?: string; data?: unknown } | undefined;
    if (response.ok && body?.code === 200) return body.data;
    throw new AdminError(
      response.status,
      body?.message ?? `the server answered HTTP ${response.status}`,
    );
  };
}
