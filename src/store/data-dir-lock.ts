import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { processExists } from '../shared/process-alive.ts';

/** proper-lockfile's lock: a directory, created atomically by mkdir, its mtime kept fresh. */
const LOCK_DIR = 'tiller.lock';
/** Who holds the lock, for the refusal message and for `dataDirHolder`. */
const PID_FILE = 'tiller.pid';
/**
 * A lock whose mtime is older than this belongs to no running process (proper-lockfile refreshes
 * it every half of this). It matters only when the pid file cannot say: a process that died
 * between taking the lock and writing its pid.
 */
const STALE_MS = 10_000;

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

/** The release of each data dir this process holds: a second lock of the same dir shares it. */
const held = new Map<string, () => void>();

/**
 * The embedded store is one PostgreSQL session in one process: a second process opening the same
 * files would corrupt them. proper-lockfile takes the lock (an atomic mkdir, so of two processes
 * starting at once only one gets it), and a pid file beside it names the holder. A live holder
 * refuses a second process; a lock left by a process that died (even by SIGKILL, which runs no
 * cleanup) is taken over at once, since its pid is gone, instead of after proper-lockfile's
 * staleness delay. Releasing twice, or the release of a second lock in this process, is harmless.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, LOCK_DIR);
  const pidFile = join(dataDir, PID_FILE);
  const mine = held.get(lockPath);
  if (mine) return mine;
  const before = liveHolder(pidFile);
  if (before !== undefined) throw new DataDirBusyError(dataDir, before);

  const options = {
    lockfilePath: lockPath,
    realpath: false,
    stale: STALE_MS,
    // Not proper-lockfile's default (throw, which ends the process from a timer): the lock was
    // removed or replaced under a running server. Say so; stopping is the operator's call.
    onCompromised: (error: Error) =>
      process.emitWarning(`the lock on the embedded store in ${dataDir}: ${error.message}`),
  };
  let release: () => void;
  try {
    release = lockfile.lockSync(dataDir, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    // A fresh lock. Its owner may be starting (pid not written yet), alive, or killed: only a
    // pid that names a dead process proves the last. Our own pid, in a lock this process does
    // not hold, is an earlier process's that had the same pid (pid 1 in a restarted container).
    const holder = readPid(pidFile);
    if (holder === undefined || (holder !== process.pid && processExists(holder))) {
      throw new DataDirBusyError(dataDir, liveHolder(pidFile) ?? holder ?? 0);
    }
    rmSync(lockPath, { recursive: true, force: true });
    try {
      release = lockfile.lockSync(dataDir, options);
    } catch (second) {
      // Another process took it over first.
      if ((second as NodeJS.ErrnoException).code !== 'ELOCKED') throw second;
      throw new DataDirBusyError(dataDir, liveHolder(pidFile) ?? 0);
    }
  }
  writeFileSync(pidFile, String(process.pid));

  const unlock = () => {
    if (held.get(lockPath) !== unlock) return;
    held.delete(lockPath);
    if (readPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
    try {
      release();
    } catch {
      // Already gone (removed by hand, or compromised): nothing left to release.
    }
  };
  held.set(lockPath, unlock);
  return unlock;
}

/** The live process other than this one that holds the embedded store in dataDir, if any. */
export function dataDirHolder(dataDir: string): number | undefined {
  return liveHolder(join(dataDir, PID_FILE));
}

function liveHolder(pidFile: string): number | undefined {
  const holder = readPid(pidFile);
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
