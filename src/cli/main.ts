import { ConfigError, loadConfig, type Config } from '../config.ts';
import { lockDataDir } from '../store/data-dir-lock.ts';
import { migrate } from '../store/migrate.ts';
import { openDb } from '../store/open-db.ts';
import { startTiller } from '../runtime.ts';
import { withAdmin } from './admin-channel.ts';
import { APP_USAGE, appCommand } from './app-command.ts';
import { demoInstructions } from './demo.ts';
import { DNC_USAGE, dncCommand } from './dnc-command.ts';
import { exitCodeOf, isUsageError, oneLine, UsageError } from './errors.ts';
import { GROUP_USAGE, groupCommand } from './group-command.ts';
import { JOBS_USAGE, jobsCommand } from './jobs-command.ts';
import { ROBOT_USAGE, robotCommand } from './robot-command.ts';
import { WORKFLOW_TEMPLATE_USAGE, workflowTemplateCommand } from './workflow-template-command.ts';

const USAGE = `Usage: tiller <command> [options]

Commands:
  serve                 API and workers in one process (default; what "npm start" runs)
  api                   the HTTP API only (needs DATABASE_URL to share work with workers)
  worker                dialer, webhook delivery and jobs only (needs DATABASE_URL)
  migrate               apply pending database migrations and exit
${APP_USAGE}
${ROBOT_USAGE}
${WORKFLOW_TEMPLATE_USAGE}
${DNC_USAGE}
${GROUP_USAGE}
${JOBS_USAGE}

The admin commands (app, robot, workflow-template, dnc, group, jobs) work whether or not a server runs: while "tiller serve"
holds the embedded store, they go through its admin API. Errors print one line; the exit code
is 2 for a wrong command line or input, 1 for anything else.
Configuration comes from the environment: see docs/config.md.`;

/** Whether a failure prints its stack too (TILLER_LOG_LEVEL=debug, read through the config). */
let showStacks = false;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  const config = loadConfig();
  showStacks = config.logLevel === 'debug';
  switch (command) {
    case 'serve':
    case 'api':
    case 'worker':
      await serve(config, command);
      return 0;
    case 'migrate': {
      const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
      let applied: number[];
      try {
        const db = await openDb(config);
        applied = await migrate(db).finally(() => db.close());
      } finally {
        unlock();
      }
      console.log(
        applied.length ? `applied migrations ${applied.join(', ')}` : 'no pending migrations',
      );
      return 0;
    }
    case 'app':
      await appCommand(rest, (fn) => withAdmin(config, fn));
      return 0;
    case 'robot':
      await robotCommand(rest, (fn) => withAdmin(config, fn));
      return 0;
    case 'workflow-template':
      await workflowTemplateCommand(rest, (fn) => withAdmin(config, fn));
      return 0;
    case 'group':
      await groupCommand(rest, (fn) => withAdmin(config, fn));
      return 0;
    case 'dnc':
      return dncCommand(rest, { admin: (fn) => withAdmin(config, fn) });
    case 'jobs':
      return jobsCommand(rest, (fn) => withAdmin(config, fn));
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function serve(config: Config, mode: 'serve' | 'api' | 'worker') {
  if (mode !== 'serve' && !config.databaseUrl) {
    throw new UsageError(
      `"${mode}" alone needs DATABASE_URL: the embedded store serves one process, use "serve"`,
    );
  }
  const runtime = await startTiller({ config, api: mode !== 'worker', worker: mode !== 'api' });
  try {
    if (mode === 'serve' && config.demo && !(await runtime.services.auth.hasApps())) {
      const demo = await runtime.services.auth.createApp({
        name: 'demo',
        demo: true,
        ...(config.demoWebhookUrl ? { webhookUrl: config.demoWebhookUrl } : {}),
      });
      // Demo calls reach only simulated people: let them ring at any hour, so a first try at
      // night shows results. Real apps keep the country calling windows (docs/compliance.md).
      await runtime.services.compliance.set(demo.app.id, {
        calling_windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
        contact_caps: null,
      });
      console.log(demoInstructions({ url: config.publicUrl, demo, timeScale: config.timeScale }));
    }
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      runtime.services.log.info({ signal }, 'shutting down');
      runtime.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const code = error instanceof ConfigError ? 2 : exitCodeOf(error);
    const hint = isUsageError(error) ? ' (see "tiller help")' : '';
    console.error(`tiller: ${oneLine(error)}${hint}`);
    if (showStacks && error instanceof Error) console.error(error.stack);
    process.exitCode = code;
    // A failed start has stopped what it started; if anything still holds the event loop, do not
    // stay up half alive.
    setTimeout(() => process.exit(code), 5_000).unref();
  },
);
