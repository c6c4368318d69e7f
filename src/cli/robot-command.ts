import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { AdminRun } from './admin-channel.ts';
import { AdminError, UsageError } from './errors.ts';

export const ROBOT_USAGE = `  robot import FILE --app-key KEY
                        add a robot definition (JSON or YAML) to an app, or a new version
                        of the app's robot with the same name`;

/** `tiller robot import FILE --app-key KEY`. */
export async function robotCommand(
  args: string[],
  admin: (fn: (run: AdminRun) => Promise<void>) => Promise<void>,
) {
  const [sub = '', ...rest] = args;
  if (sub !== 'import') throw new UsageError(`unknown robot command "${sub}"`);
  const { values, positionals } = parseArgs({
    args: rest,
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
  await admin(async (run) => {
    try {
      const robot = await run('robot.import', { app_key: values['app-key'], definition });
      console.log(
        `${robot.created ? 'added' : 'updated'} robot ${robot.robot_id} "${robot.name}" version ${robot.version}`,
      );
    } catch (error) {
      // The file is what is wrong: name it.
      if (error instanceof AdminError && error.status === 400) {
        throw new AdminError(400, `${file}: ${error.message}`);
      }
      throw error;
    }
  });
}
