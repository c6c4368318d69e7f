import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { newId } from '../shared/ids.ts';
import type { Db, Tx } from '../store/db.ts';
import { processExists } from '../shared/process-alive.ts';

/**
 * Worker heartbeats. Each process beats every few seconds; what a worker claimed is reclaimed
 * once it has not beaten for `deadAfterMs` (a crash, a kill -9, a lost machine). The reclaim
 * steps come from the modules that own the claimed rows (jobs, calls, webhook events).
 */
/** Reclaims rows claimed by any worker id that has no row in `workers` any more. */
export type Reclaimer = (tx: Tx) => Promise<void>;

/** SQL condition for "claimed by a worker that is gone", over a column holding a worker id. */
export const ownerIsGone = (column: string) =>
  `${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = ${column})`;

/**
 * The kernel boot and PID namespace this process runs in (Linux): two workers with the same key
 * see the same processes, so one can ask the kernel whether the other's pid still exists.
 * Undefined elsewhere, and then only the heartbeat tells that a worker is gone.
 */
export function processKey(): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return undefined;
  }
}

export class WorkerRegistry {
  readonly id = `${hostname()}-${process.pid}-${newId().slice(0, 8)}`;
  readonly #db: Db;
  readonly #reclaimers: Reclaimer[] = [];
  readonly #onBeat: Array<() => Promise<void>> = [];
  readonly #beatMs: number;
  readonly #deadAfterMs: number;
  readonly #processKey = processKey();
  #timer: NodeJS.Timeout | undefined;
  #reapedOnce = false;
  #beating: Promise<void> | undefined;

  constructor(db: Db, options: { beatMs?: number; deadAfterMs?: number } = {}) {
    this.#db = db;
    this.#beatMs = options.beatMs ?? 5_000;
    this.#deadAfterMs = options.deadAfterMs ?? 30_000;
  }

  addReclaimer(reclaimer: Reclaimer): void {
    this.#reclaimers.push(reclaimer);
  }

  /**
   * Runs `check` after every heartbeat: the loops of this worker look there for what they hold
   * in the database but lost track of (docs/architecture.md, "Workers and reclaim").
   */
  onBeat(check: () => Promise<void>): void {
    this.#onBeat.push(check);
  }

  /**
   * Registers this worker. With `aloneOnStore` (the embedded store, one process by design) every
   * other worker row is dead already, so its work is reclaimed at once instead of after a timeout.
   */
  async start(options: { aloneOnStore: boolean; onError: (e: unknown) => void }): Promise<void> {
    await this.#db.query(
      `INSERT INTO workers (id, process_key, pid) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
      [this.id, this.#processKey ?? null, this.#processKey ? process.pid : null],
    );
    await this.reap(options.aloneOnStore ? 0 : this.#deadAfterMs);
    this.#timer = setInterval(() => {
      if (this.#beating) return;
      this.#beating = this.beat()
        .then(() => this.reap(this.#deadAfterMs))
        .then(() => undefined, options.onError)
        .then(async () => {
          // Each check on its own: one that fails must not keep the others from running.
          for (const check of this.#onBeat) await check().catch(options.onError);
        })
        .finally(() => (this.#beating = undefined));
    }, this.#beatMs);
    this.#timer.unref();
  }

  async beat(): Promise<void> {
    await this.#db.query('UPDATE workers SET seen_at = now() WHERE id = $1', [this.id]);
  }

  /**
   * Reclaims the work of workers silent for longer than deadAfterMs, and of workers of this
   * machine and PID namespace whose process is gone (a restart after a kill -9 takes over at
   * once instead of after the timeout), then forgets them.
   */
  async reap(deadAfterMs: number): Promise<string[]> {
    const gone = this.#processKey ? await this.#goneNeighbours(this.#processKey) : [];
    return this.#db.transaction(async (tx) => {
      const dead = await tx.query<{ id: string }>(
        `SELECT id FROM workers
         WHERE id <> $1 AND (seen_at < now() - make_interval(secs => $2::double precision / 1000)
                             OR id = ANY($3::text[]))
         FOR UPDATE SKIP LOCKED`,
        [this.id, deadAfterMs, gone],
      );
      const ids = dead.map((d) => d.id);
      if (ids.length > 0) await tx.query('DELETE FROM workers WHERE id = ANY($1::text[])', [ids]);
      if (ids.length > 0 || !this.#reapedOnce) {
        for (const reclaim of this.#reclaimers) await reclaim(tx);
      }
      this.#reapedOnce = true;
      return ids;
    });
  }

  /** Workers registered with this process key whose pid no longer exists. */
  async #goneNeighbours(key: string): Promise<string[]> {
    const rows = await this.#db.query<{ id: string; pid: number }>(
      'SELECT id, pid FROM workers WHERE process_key = $1 AND id <> $2 AND pid IS NOT NULL',
      [key, this.id],
    );
    return rows.filter((row) => !processExists(row.pid)).map((row) => row.id);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    // A beat under way finishes first: the store may close right after this.
    await this.#beating;
    await this.#db.query('DELETE FROM workers WHERE id = $1', [this.id]);
  }
}
