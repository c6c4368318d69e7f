import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig } from '../config.ts';
import { findAppByKey } from '../modules/auth/auth.repository.ts';
import { AuthService } from '../modules/auth/auth.service.ts';
import { seedBuiltinRobots } from '../modules/robots/builtin-robots.ts';
import { RobotService } from '../modules/robots/robots.service.ts';
import { AppError } from '../shared/errors.ts';
import type { Db } from '../store/db.ts';
import { systemClock } from '../shared/clock.ts';
import { isTimeZone } from '../shared/time.ts';
import { lockDataDir } from '../store/data-dir-lock.ts';
import { migrate } from '../store/migrate.ts';
import { openDb } from '../store/open-db.ts';
import { startTiller } from '../runtime.ts';
import { demoInstructions } from './demo.ts';
import { DNC_USAGE, dncCommand } from './dnc-command.ts';

const USAGE = `Usage: tiller <command> [options]

Commands:
  serve                 API and workers in one process (default; what "npm start" runs)
  api                   the HTTP API only (needs DATABASE_URL to share work with workers)
  worker                dialer, webhook delivery and jobs only (needs DATABASE_URL)
  migrate               apply pending database migrations and exit
  app create --name N [--webhook-url URL] [--timezone ZONE] [--json]
                        create an app (tenant) and print its APPKey and APPSecret
  robot import FILE --app-key KEY
                        add a robot definition (JSON or YAML) to an app, or a new version
                        of the app's robot with the same name
${DNC_USAGE}

Configuration comes from the environment: see docs/config.md.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve':
    case 'api':
    case 'worker':
      await serve(config, command);
      return 0;
    case 'migrate': {
      const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
      const db = await openDb(config);
      const applied = await migrate(db);
      await db.close();
      unlock();
      console.log(
        applied.length ? `applied migrations ${applied.join(', ')}` : 'no pending migrations',
      );
      return 0;
    }
    case 'app':
      if (rest[0] !== 'create') throw new UsageError(`unknown app command "${rest[0] ?? ''}"`);
      await createApp(config, rest.slice(1));
      return 0;
    case 'robot':
      if (rest[0] !== 'import') throw new UsageError(`unknown robot command "${rest[0] ?? ''}"`);
      await importRobot(config, rest.slice(1));
      return 0;
    case 'dnc':
      return dncCommand(rest, {
        withStore: (fn) => withStore(config, fn),
        usageError: (message) => new UsageError(message),
      });
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function serve(config: ReturnType<typeof loadConfig>, mode: 'serve' | 'api' | 'worker') {
  if (mode !== 'serve' && !config.databaseUrl) {
    throw new UsageError(
      `"${mode}" alone needs DATABASE_URL: the embedded store serves one process, use "serve"`,
    );
  }
  const runtime = await startTiller({ config, api: mode !== 'worker', worker: mode !== 'api' });
  if (mode === 'serve' && config.demo && !(await runtime.services.auth.hasApps())) {
    const demo = await runtime.services.auth.createApp({ name: 'demo', demo: true });
    // Demo calls reach only simulated people: let them ring at any hour, so a first try at night
    // shows results. Real apps keep the country calling windows (docs/compliance.md).
    await runtime.services.compliance.set(demo.app.id, {
      calling_windows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
      contact_caps: null,
    });
    console.log(demoInstructions(config.publicUrl, demo));
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

async function createApp(config: ReturnType<typeof loadConfig>, args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      'webhook-url': { type: 'string' },
      timezone: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.name) throw new UsageError('app create needs --name');
  const webhookUrl = values['webhook-url'];
  if (webhookUrl !== undefined && !/^https?:\/\/\S+$/.test(webhookUrl)) {
    throw new UsageError(`--webhook-url must be an http(s) URL, got "${webhookUrl}"`);
  }
  if (values.timezone !== undefined && !isTimeZone(values.timezone)) {
    throw new UsageError(
      `--timezone must be an IANA zone such as Asia/Jakarta, got "${values.timezone}"`,
    );
  }
  await withStore(config, async (db) => {
    const auth = new AuthService(db, config, systemClock);
    const created = await auth.createApp({
      name: values.name!,
      ...(webhookUrl ? { webhookUrl } : {}),
      ...(values.timezone ? { timezone: values.timezone } : {}),
    });
    const out = {
      app_id: created.app.id,
      name: created.app.name,
      app_key: created.appKey,
      app_secret: created.appSecret,
      webhook_url: created.app.webhook_url,
      webhook_secret: created.app.webhook_secret,
      timezone: created.app.timezone,
    };
    if (values.json) console.log(JSON.stringify(out));
    else {
      console.log(`App "${out.name}" created (the secret is shown only now).`);
      console.log(`  APPKey:         ${out.app_key}\n  APPSecret:      ${out.app_secret}`);
      console.log(
        `  Webhook secret: ${out.webhook_secret}\n  Webhook URL:    ${out.webhook_url ?? '(none)'}`,
      );
    }
  });
}

async function importRobot(config: ReturnType<typeof loadConfig>, args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: { 'app-key': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('robot import needs exactly one FILE');
  if (!values['app-key']) throw new UsageError('robot import needs --app-key');
  let definition: unknown;
  try {
    definition = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  await withStore(config, async (db) => {
    const app = await findAppByKey(db, values['app-key']!);
    if (!app) throw new UsageError('no app has that APPKey');
    try {
      const { robot, created } = await new RobotService(db).save(app.id, definition);
      console.log(
        `${created ? 'added' : 'updated'} robot ${robot.id} "${robot.name}" version ${robot.version}`,
      );
    } catch (error) {
      if (error instanceof AppError) throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
  });
}

/** Opens the configured store for a one-off command (the embedded one only while no server runs). */
async function withStore(config: ReturnType<typeof loadConfig>, fn: (db: Db) => Promise<void>) {
  const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  const db = await openDb(config);
  try {
    await migrate(db);
    await seedBuiltinRobots(db);
    await fn(db);
  } finally {
    await db.close();
    unlock();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`tiller: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (
      error instanceof Error &&
      /TypeError|ERR_PARSE_ARGS/.test(String((error as NodeJS.ErrnoException).code ?? error.name))
    ) {
      console.error(`tiller: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error('tiller:', error);
      process.exitCode = 1;
    }
  },
);
