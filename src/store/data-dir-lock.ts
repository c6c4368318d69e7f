import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processExists } from '../shared/process-alive.ts';

const LOCK_FILE = 'tiller.pid';

/** Another live process holds the embedded store. */
export class DataDirBusyError extends Error {
  readonly holder: number;
  constructor(dataDir: string, holder: number) {
    super(
      `the embedded store in ${dataDir} is in use by process ${holder}; stop it first, ` +
        'or run every process against PostgreSQL with DATABASE_URL',
    );
    this.holder = holder;
  }
}

/**
 * The embedded store is one PostgreSQL session in one process: a second process opening the same
 * files would corrupt them. A pid file keeps a second process out while the first is alive. It is
 * created exclusively, so of two processes starting at once only one gets it; a file left by a
 * dead process is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readPid(file);
      if (holder === process.pid) break;
      if (holder !== undefined && processExists(holder))
        throw new DataDirBusyError(dataDir, holder);
      // A stale file (its process is gone) is removed; an empty one may be being written this
      // instant, so it is removed only on the second look.
      if (attempt > 2) throw new DataDirBusyError(dataDir, holder ?? 0);
      if (holder !== undefined || attempt > 0) rmSync(file, { force: true });
    }
  }
  return () => {
    if (readPid(file) === process.pid) rmSync(file, { force: true });
  };
}

/** The live process other than this one that holds the embedded store in dataDir, if any. */
export function dataDirHolder(dataDir: string): number | undefined {
  const holder = readPid(join(dataDir, LOCK_FILE));
  return holder !== undefined && holder !== process.pid && processExists(holder)
    ? holder
    : undefined;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
