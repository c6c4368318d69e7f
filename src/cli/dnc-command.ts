import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toE164 } from '../shared/phone.ts';
import type { AdminRun } from './admin-channel.ts';
import { AdminError, UsageError } from './errors.ts';

/** What `tiller dnc` borrows from main.ts: its way to the admin operations. */
export interface DncCommandContext {
  admin(fn: (run: AdminRun) => Promise<void>): Promise<void>;
}

export const DNC_USAGE = `  dnc add NUMBER... --app-key KEY [--reason R]
                        put numbers on the app's do-not-call list
  dnc remove NUMBER --app-key KEY
                        take a number off the list
  dnc import FILE --app-key KEY
                        add every number of a CSV file (NUMBER[,REASON] per line); a file
                        with a bad line is refused whole
  dnc list --app-key KEY [--prefix DIGITS] [--json]
                        print the list, in number order`;

const PAGE = 1_000;
const SUBCOMMANDS = new Set(['add', 'remove', 'import', 'list']);
/** Options that only one subcommand takes; the others refuse them rather than ignore them. */
const ONLY_FOR = [
  ['reason', 'add'],
  ['prefix', 'list'],
  ['json', 'list'],
] as const;

/**
 * `tiller dnc ...`: the operator's side of the do-not-call list (docs/dnc.md). Returns the exit
 * code: 0 done, 1 a number to remove was not listed, 2 bad arguments or bad numbers.
 */
export async function dncCommand(args: string[], context: DncCommandContext): Promise<number> {
  const [sub = '', ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'app-key': { type: 'string' },
      reason: { type: 'string' },
      prefix: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const usage = (message: string) => new UsageError(message);
  const appKey = values['app-key'];
  const needs = (what: string) => usage(`dnc ${sub} needs ${what}`);
  if (!SUBCOMMANDS.has(sub)) throw usage(`unknown dnc command "${sub}"`);
  for (const [option, only] of ONLY_FOR) {
    if (values[option] !== undefined && values[option] !== false && sub !== only) {
      throw usage(`dnc ${sub} does not take --${option}`);
    }
  }
  if (!appKey) throw needs('--app-key');

  let run: (admin: AdminRun, appKey: string) => Promise<number>;
  switch (sub) {
    case 'add':
      if (positionals.length === 0) throw needs('at least one NUMBER');
      run = async (admin, key) => {
        const result = await admin('dnc.add', {
          app_key: key,
          numbers: positionals,
          reason: values.reason ?? null,
        });
        for (const n of result.added) console.log(`added ${n}`);
        for (const n of result.already_listed) console.log(`already listed ${n}`);
        return 0;
      };
      break;
    case 'remove':
      if (positionals.length !== 1) throw needs('exactly one NUMBER');
      run = async (admin, key) => {
        await admin('dnc.remove', { app_key: key, number: positionals[0]! });
        console.log(`removed ${toE164(positionals[0]!)}`);
        return 0;
      };
      break;
    case 'import': {
      if (positionals.length !== 1) throw needs('exactly one FILE');
      const file = positionals[0]!;
      let csv: string;
      try {
        csv = readFileSync(file, 'utf8');
      } catch (error) {
        throw usage(`cannot read ${file}: ${(error as Error).message}`);
      }
      run = async (admin, key) => {
        const r = await admin('dnc.import', { app_key: key, csv });
        console.log(
          `imported ${file}: ${r.numbers} numbers, ${r.added} added, ${r.already_listed} already listed`,
        );
        return 0;
      };
      break;
    }
    case 'list':
      if (positionals.length > 0) throw usage('dnc list takes no NUMBER');
      run = (admin, key) => printList(admin, key, values.prefix, values.json);
      break;
    default:
      throw usage(`unknown dnc command "${sub}"`);
  }

  let code = 0;
  await context.admin(async (admin) => {
    // First the app (an unknown key is a usage error, exit 2), so that a 404 below means only
    // that the number to remove was not listed (exit 1).
    await admin('app.show', { app_key: appKey });
    try {
      code = await run(admin, appKey);
    } catch (error) {
      if (!(error instanceof AdminError) || error.status >= 500) throw error;
      console.error(`tiller: ${error.message}`);
      code = error.status === 404 ? 1 : 2;
    }
  });
  return code;
}

async function printList(
  admin: AdminRun,
  appKey: string,
  prefix: string | undefined,
  json: boolean,
): Promise<number> {
  const all = [];
  for (let page = 1; ; page++) {
    const { list } = (await admin('dnc.list', {
      app_key: appKey,
      page,
      page_size: PAGE,
      ...(prefix ? { prefix } : {}),
    })) as {
      list: Array<{ number: string; source: string; create_time: string; reason: string | null }>;
    };
    if (json) all.push(...list);
    else
      for (const e of list)
        console.log([e.number, e.source, e.create_time, e.reason ?? ''].join('\t'));
    if (list.length < PAGE) break;
  }
  if (json) console.log(JSON.stringify(all));
  return 0;
}
