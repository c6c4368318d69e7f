import { parseArgs } from 'node:util';
import type { AdminRun } from './admin-channel.ts';
import { UsageError } from './errors.ts';

export const JOBS_USAGE = `  jobs failed [--json]  list the parked jobs (out of attempts, or failed for good), oldest first
  jobs retry ID... | --all
                        run parked jobs again, with a fresh set of attempts`;

interface ParkedJob {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  failed_at: string;
  last_error: string | null;
}

/**
 * `tiller jobs ...`: the operator's side of parked jobs (docs/jobs.md, "Parked jobs"). Returns
 * the exit code: 0 done, 1 an id given to retry was not a parked job, 2 bad arguments.
 */
export async function jobsCommand(
  args: string[],
  admin: (fn: (run: AdminRun) => Promise<void>) => Promise<void>,
): Promise<number> {
  const [sub = '', ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (sub === 'failed') {
    if (positionals.length > 0 || values.all) throw new UsageError('jobs failed takes no ID');
    await admin(async (run) => {
      const { jobs } = (await run('jobs.failed', {})) as { jobs: ParkedJob[] };
      if (values.json) console.log(JSON.stringify(jobs, null, 2));
      else if (jobs.length === 0) console.log('no parked job');
      else for (const job of jobs) console.log(describe(job));
    });
    return 0;
  }
  if (sub !== 'retry') throw new UsageError(`unknown jobs command "${sub}"`);
  if (values.json) throw new UsageError('jobs retry does not take --json');
  if (values.all === positionals.length > 0) {
    throw new UsageError('jobs retry needs either job IDs or --all');
  }
  const ids = positionals.map((id) => {
    if (!/^\d+$/.test(id)) throw new UsageError(`a job ID is a whole number, got "${id}"`);
    return Number(id);
  });
  let code = 0;
  await admin(async (run) => {
    const { retried } = (await run('jobs.retry', values.all ? { all: true } : { ids })) as {
      retried: number[];
    };
    for (const id of retried) console.log(`retrying job ${id}`);
    if (values.all && retried.length === 0) console.log('no parked job');
    const missing = ids.filter((id) => !retried.includes(id));
    for (const id of missing) console.error(`tiller: job ${id} is not a parked job`);
    if (missing.length > 0) code = 1;
  });
  return code;
}

function describe(job: ParkedJob): string {
  const error = (job.last_error ?? '').replace(/\s*\n\s*/g, ' ');
  return `${job.id}\t${job.queue}\t${JSON.stringify(job.payload)}\tattempts ${job.attempts}/${job.max_attempts}\tfailed ${job.failed_at}\t${error}`;
}
