import type { JobAdmin } from '../../queue/job-admin.ts';
import { AppError } from '../../shared/errors.ts';
import { isTimeZone } from '../../shared/time.ts';
import type { AgentService } from '../agents/agents.service.ts';
import type { App, AuthService } from '../auth/auth.service.ts';
import { newSigningKeyWire } from '../auth/signing-keys.wire.ts';
import type { DncService } from '../dnc/dnc.service.ts';
import type { RobotService } from '../robots/robots.service.ts';
import type { WebhookService } from '../webhooks/webhooks.service.ts';
import { toMermaid } from '../workflows/mermaid.ts';
import { parseTemplate } from '../workflows/template-graph.ts';
import type { WorkflowTemplateService } from '../workflows/templates.service.ts';

// The operator's commands (`tiller app ...`, `tiller robot import`, `tiller dnc ...`,
// `tiller workflow-template import`, `tiller group create`) as named
// operations on plain JSON: the CLI runs them on the store itself, or, while a server holds the
// embedded store, sends them to that server's admin API (admin.routes.ts), which runs the same
// table. One implementation, so both paths answer alike.

export interface AdminContext {
  auth: AuthService;
  robots: RobotService;
  dnc: DncService;
  webhooks: WebhookService;
  jobs: JobAdmin;
  workflowTemplates: WorkflowTemplateService;
  agents: AgentService;
}

type Input = Record<string, unknown>;
type Operation = (context: AdminContext, input: Input) => Promise<unknown>;

export const adminOperations = {
  'app.create': async ({ auth }, input) => {
    const webhookUrl = optionalString(input, 'webhook_url');
    const timezone = optionalString(input, 'timezone');
    if (timezone !== undefined && !isTimeZone(timezone)) {
      throw new AppError('bad_request', `timezone must be an IANA zone, got "${timezone}"`);
    }
    const created = await auth.createApp({
      name: string(input, 'name'),
      ...(webhookUrl ? { webhookUrl } : {}),
      ...(timezone ? { timezone } : {}),
    });
    return { ...appView(created.app), app_id: created.app.id, app_secret: created.appSecret };
  },
  'app.list': async ({ auth }) => ({ apps: (await auth.listApps()).map(appView) }),
  'app.show': async ({ auth }, input) => appView(await auth.appByKey(string(input, 'app_key'))),
  'app.rotate-secret': async ({ auth }, input) => {
    const rotated = await auth.rotateSecret(string(input, 'app_key'));
    return {
      ...appView(rotated.app),
      app_secret: rotated.appSecret,
      revoked_tokens: rotated.revokedTokens,
    };
  },
  'app.set-webhook': async ({ auth, webhooks }, input) => {
    const app = await auth.appByKey(string(input, 'app_key'));
    const url = input.url === null ? null : string(input, 'url');
    await webhooks.setWebhookUrl(app.id, url);
    return appView(await auth.appByKey(app.appKey));
  },
  'app.sign-key': async ({ auth }, input) => {
    const app = await auth.appByKey(string(input, 'app_key'));
    if (input.lenient !== undefined && typeof input.lenient !== 'boolean') {
      throw new AppError('bad_request', 'lenient must be true or false');
    }
    const created = await auth.signingKeys.create(app.id, {
      keyId: optionalString(input, 'key_id'),
      lenient: input.lenient === true,
    });
    return { app_key: app.appKey, ...newSigningKeyWire(created, app.timezone) };
  },
  'robot.import': async ({ auth, robots }, input) => {
    const app = await auth.appByKey(string(input, 'app_key'));
    const { robot, created } = await robots.save(app.id, input.definition);
    return { robot_id: robot.id, name: robot.name, version: robot.version, created };
  },
  'workflow_template.import': async ({ auth, workflowTemplates }, input) => {
    const app = await auth.appByKey(string(input, 'app_key'));
    // The file's text (JSON or YAML) is parsed here, so both CLI paths report its errors alike.
    const template = typeof input.text === 'string' ? parseTemplate(input.text) : input.template;
    const t = await workflowTemplates.importTemplate(app.id, template);
    return {
      workflow_template_id: t.id,
      name: t.name,
      version: t.version,
      mermaid: toMermaid(t.graph),
    };
  },
  'group.create': async ({ auth, agents }, input) => {
    const app = await appOrOnlyApp(auth, optionalString(input, 'app_key'));
    const count = input.agents ?? 0;
    if (!Number.isInteger(count))
      throw new AppError('bad_request', 'agents must be a whole number');
    const created = await agents.createSimulatedGroup(app.id, {
      name: string(input, 'name'),
      agents: count as number,
    });
    return {
      app_key: app.appKey,
      group_id: created.group.id,
      name: created.group.name,
      acw_seconds: created.group.acw_seconds,
      agents: created.agents.map((a) => ({ agent_id: a.id, name: a.name, state: a.state })),
    };
  },
  'dnc.add': async ({ auth, dnc }, input) => {
    const app = await auth.appByKey(string(input, 'app_key'));
    const numbers = input.numbers;
    if (!Array.isArray(numbers) || !numbers.every((n) => typeof n === 'string')) {
      throw new AppError('bad_request', 'numbers must be a list of strings');
    }
    return dnc.add(app.id, numbers, {
      reason: optionalString(input, 'reason') ?? null,
      source: 'cli',
    });
  },
  'dnc.remove': async ({ auth, dnc }, input) => {
    const app = await auth.appByKey(string(input, 'app_key'));
    return dnc.remove(app.id, string(input, 'number'));
  },
  'dnc.import': async ({ auth, dnc }, input) => {
    const app = await auth.appByKey(string(input, 'app_key'));
    return dnc.importCsv(app.id, typeof input.csv === 'string' ? input.csv : string(input, 'csv'));
  },
  'dnc.list': async ({ auth, dnc }, input) => {
    const app = await auth.appByKey(string(input, 'app_key'));
    const prefix = optionalString(input, 'prefix');
    return dnc.list(app.id, {
      page: positive(input, 'page'),
      page_size: positive(input, 'page_size'),
      ...(prefix ? { prefix } : {}),
    });
  },
  'jobs.failed': async ({ jobs }) => ({
    jobs: (await jobs.failed()).map((job) => ({ ...job, failed_at: job.failed_at.toISOString() })),
  }),
  'jobs.retry': async ({ jobs }, input) => {
    const ids = input.ids;
    if (input.all === true) return { retried: await jobs.retry('all') };
    if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) && id > 0)) {
      throw new AppError('bad_request', 'ids must be a list of job ids, or all must be true');
    }
    return { retried: await jobs.retry(ids as number[]) };
  },
} satisfies Record<string, Operation>;

export type AdminOperationName = keyof typeof adminOperations;

export function isAdminOperation(name: string): name is AdminOperationName {
  return Object.hasOwn(adminOperations, name);
}

export function runAdminOperation(context: AdminContext, name: string, input: unknown) {
  if (!isAdminOperation(name)) {
    throw new AppError(
      'not_found',
      `no admin operation "${name}"; known: ${Object.keys(adminOperations).join(', ')}`,
    );
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AppError('bad_request', 'the body must be a JSON object');
  }
  const operation: Operation = adminOperations[name];
  return operation(context, input as Input);
}

/** The app of `appKey`; without one, the store's only app (bad_request when there are several). */
async function appOrOnlyApp(auth: AuthService, appKey: string | undefined): Promise<App> {
  if (appKey !== undefined) return auth.appByKey(appKey);
  const apps = await auth.listApps();
  if (apps.length === 1) return apps[0]!;
  throw new AppError(
    'bad_request',
    apps.length === 0
      ? 'there is no app yet: create one with "tiller app create"'
      : `there are ${apps.length} apps: name one with --app-key`,
  );
}

/** What an operator sees of an app: never the APPSecret, which only its hash remembers. */
function appView(app: App) {
  return {
    name: app.name,
    app_key: app.appKey,
    webhook_url: app.webhookUrl,
    webhook_secret: app.webhookSecret,
    timezone: app.timezone,
    demo: app.demo,
  };
}

function string(input: Input, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '') {
    throw new AppError('bad_request', `${key} must be a non-empty string`);
  }
  return value;
}

function optionalString(input: Input, key: string): string | undefined {
  return input[key] === undefined || input[key] === null ? undefined : string(input, key);
}

function positive(input: Input, key: string): number | undefined {
  const value = input[key];
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 10_000) {
    throw new AppError('bad_request', `${key} must be an integer from 1 to 10000`);
  }
  return value as number;
}
