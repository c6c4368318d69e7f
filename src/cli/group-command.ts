import { parseArgs } from 'node:util';
import type { AdminRun } from './admin-channel.ts';
import { UsageError } from './errors.ts';

export const GROUP_USAGE = `  group create --name N [--agents K] [--app-key KEY] [--json]
                        create a skill group of the predictive dialer, with K simulated
                        agents logged in and ready at once (--app-key may be left out when
                        the store has one app)`;

/** `tiller group create --name N [--agents K] [--app-key KEY] [--json]`. */
export async function groupCommand(
  args: string[],
  admin: (fn: (run: AdminRun) => Promise<void>) => Promise<void>,
) {
  const [sub = '', ...rest] = args;
  if (sub !== 'create') throw new UsageError(`unknown group command "${sub}"`);
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      agents: { type: 'string' },
      'app-key': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`group create takes no "${positionals[0]}"`);
  if (!values.name) throw new UsageError('group create needs --name');
  const agents = values.agents === undefined ? 0 : Number(values.agents);
  if (!/^\d+$/.test(values.agents ?? '0') || !Number.isSafeInteger(agents)) {
    throw new UsageError(`--agents must be a whole number, got "${values.agents}"`);
  }
  await admin(async (run) => {
    const group = await run('group.create', {
      name: values.name,
      agents,
      ...(values['app-key'] ? { app_key: values['app-key'] } : {}),
    });
    if (values.json) {
      console.log(JSON.stringify(group));
      return;
    }
    console.log(
      `created group ${group.group_id} "${group.name}" for app ${group.app_key}` +
        ` with ${group.agents.length} simulated agent(s), ready`,
    );
    for (const agent of group.agents) console.log(`  ${agent.agent_id}\t${agent.name}`);
  });
}
