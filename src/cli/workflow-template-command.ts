import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AdminRun } from './admin-channel.ts';
import { AdminError, UsageError } from './errors.ts';

export const WORKFLOW_TEMPLATE_USAGE = `  workflow-template import FILE --app-key KEY [--mermaid]
                        add a workflow template (JSON or YAML graph) to an app, or a new
                        version of the app's template with the same name`;

/** `tiller workflow-template import FILE --app-key KEY [--mermaid]`. */
export async function workflowTemplateCommand(
  args: string[],
  admin: (fn: (run: AdminRun) => Promise<void>) => Promise<void>,
) {
  const [sub = '', ...rest] = args;
  if (sub !== 'import') throw new UsageError(`unknown workflow-template command "${sub}"`);
  const { values, positionals } = parseArgs({
    args: rest,
    options: { 'app-key': { type: 'string' }, mermaid: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file || positionals.length > 1)
    throw new UsageError('workflow-template import needs exactly one FILE');
  if (!values['app-key']) throw new UsageError('workflow-template import needs --app-key');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  await admin(async (run) => {
    try {
      // The text goes as it is: the server parses it (JSON or YAML) with the graph's own rules.
      const t = await run('workflow_template.import', { app_key: values['app-key'], text });
      console.log(
        `added workflow template ${t.workflow_template_id} "${t.name}" version ${t.version}`,
      );
      if (values.mermaid) process.stdout.write(t.mermaid);
    } catch (error) {
      // The file is what is wrong: name it.
      if (error instanceof AdminError && error.status === 400) {
        throw new AdminError(400, `${file}: ${error.message}`);
      }
      throw error;
    }
  });
}
