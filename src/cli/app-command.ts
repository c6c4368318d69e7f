import { parseArgs } from 'node:util';
import { isTimeZone } from '../shared/time.ts';
import type { AdminRun } from './admin-channel.ts';
import { UsageError } from './errors.ts';

export const APP_USAGE = `  app create --name N [--webhook-url URL] [--timezone ZONE] [--json]
                        create an app (tenant) and print its APPKey and APPSecret
  app list [--json]     every app: APPKey, name, time zone, webhook URL
  app show --app-key KEY [--json]
                        one app's settings (the APPSecret cannot be shown again: rotate it)
  app rotate-secret --app-key KEY [--json]
                        a new APPSecret, printed once; the old one and the app's tokens stop
                        working at once
  app set-webhook --app-key KEY (--url URL | --clear) [--json]
                        set or remove the URL the app's webhooks are sent to
  app sign-key --app KEY [--key HEX32] [--lenient] [--json]
                        a Chatbot request signing key (X-AIRudder-Sign-Key) for the app and
                        its secret, printed once; --key keeps an integration's existing key id,
                        --lenient accepts requests whose X-AIRudder-Sign is empty`;

/** `tiller app ...`: the operator's side of apps (tenants) and their credentials. */
export async function appCommand(
  args: string[],
  admin: (fn: (run: AdminRun) => Promise<void>) => Promise<void>,
) {
  const [sub = '', ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      'webhook-url': { type: 'string' },
      timezone: { type: 'string' },
      'app-key': { type: 'string' },
      app: { type: 'string' },
      key: { type: 'string' },
      lenient: { type: 'boolean', default: false },
      url: { type: 'string' },
      clear: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`app ${sub} takes no "${positionals[0]}"`);
  const allowed: Record<string, string[]> = {
    create: ['name', 'webhook-url', 'timezone'],
    list: [],
    show: ['app-key'],
    'rotate-secret': ['app-key'],
    'set-webhook': ['app-key', 'url', 'clear'],
    'sign-key': ['app', 'app-key', 'key', 'lenient'],
  };
  const options = allowed[sub];
  if (!options) throw new UsageError(`unknown app command "${sub}"`);
  for (const [option, value] of Object.entries(values)) {
    if (option !== 'json' && value !== undefined && value !== false && !options.includes(option)) {
      throw new UsageError(`app ${sub} does not take --${option}`);
    }
  }
  // `--app` is what sign-key documents; `--app-key`, what the other app commands take, works too.
  const appKey = values['app-key'] ?? values.app;
  if (options.includes('app-key') && !appKey) throw new UsageError(`app ${sub} needs --app-key`);
  const print = (out: Record<string, unknown>, lines: string[]) =>
    console.log(values.json ? JSON.stringify(out) : lines.join('\n'));

  switch (sub) {
    case 'create': {
      if (!values.name) throw new UsageError('app create needs --name');
      const webhookUrl = values['webhook-url'];
      if (webhookUrl !== undefined) checkUrl('--webhook-url', webhookUrl);
      if (values.timezone !== undefined && !isTimeZone(values.timezone)) {
        throw new UsageError(
          `--timezone must be an IANA zone such as Asia/Jakarta, got "${values.timezone}"`,
        );
      }
      return admin(async (run) => {
        const app = await run('app.create', {
          name: values.name,
          webhook_url: webhookUrl ?? null,
          timezone: values.timezone ?? null,
        });
        print(app, [
          `App "${app.name}" created (the secret is shown only now).`,
          `  APPKey:         ${app.app_key}`,
          `  APPSecret:      ${app.app_secret}`,
          ...settingLines(app),
        ]);
      });
    }
    case 'list':
      return admin(async (run) => {
        const { apps } = await run('app.list', {});
        if (values.json) console.log(JSON.stringify(apps));
        else
          for (const app of apps)
            console.log([app.app_key, app.name, app.timezone, app.webhook_url ?? '-'].join('\t'));
      });
    case 'show':
      return admin(async (run) => {
        const app = await run('app.show', { app_key: appKey });
        print(app, [
          `App "${app.name}"${app.demo ? ' (demo)' : ''}`,
          `  APPKey:         ${app.app_key}`,
          `  APPSecret:      not shown: only its hash is kept; "tiller app rotate-secret --app-key ${app.app_key}" makes a new one`,
          ...settingLines(app),
        ]);
      });
    case 'rotate-secret':
      return admin(async (run) => {
        const app = await run('app.rotate-secret', { app_key: appKey });
        print(app, [
          `New APPSecret for "${app.name}" (shown only now; the old secret no longer works, ${app.revoked_tokens} token(s) revoked):`,
          `  APPKey:         ${app.app_key}`,
          `  APPSecret:      ${app.app_secret}`,
        ]);
      });
    case 'sign-key': {
      if (!appKey) throw new UsageError('app sign-key needs --app');
      if (values.key !== undefined && !/^[0-9a-fA-F]{32}$/.test(values.key)) {
        throw new UsageError(`--key must be 32 hexadecimal characters, got "${values.key}"`);
      }
      return admin(async (run) => {
        const key = await run('app.sign-key', {
          app_key: appKey,
          key_id: values.key ?? null,
          lenient: values.lenient,
        });
        print(key, [
          `Signing key for app ${key.app_key} created (the secret is shown only now).`,
          `  X-AIRudder-Sign-Key: ${key.key_id}`,
          `  Secret:              ${key.secret}`,
          `  Lenient:             ${key.lenient ? 'yes (an empty X-AIRudder-Sign is accepted)' : 'no'}`,
        ]);
      });
    }
    case 'set-webhook': {
      if ((values.url === undefined) === !values.clear) {
        throw new UsageError('app set-webhook needs either --url URL or --clear');
      }
      if (values.url !== undefined) checkUrl('--url', values.url);
      return admin(async (run) => {
        const app = await run('app.set-webhook', { app_key: appKey, url: values.url ?? null });
        print(app, [`Webhook of "${app.name}" updated.`, ...settingLines(app)]);
      });
    }
  }
}

function settingLines(app: Record<string, unknown>): string[] {
  return [
    `  Webhook URL:    ${app.webhook_url ?? '(none)'}`,
    `  Webhook secret: ${app.webhook_secret}`,
    `  Time zone:      ${app.timezone}`,
  ];
}

function checkUrl(option: string, url: string) {
  if (!/^https?:\/\/\S+$/.test(url)) {
    throw new UsageError(`${option} must be an http(s) URL, got "${url}"`);
  }
}
