import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpPglite, openPglite } from '../../src/store/drivers/pglite.ts';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';

// Creating a PGlite store runs initdb inside WebAssembly (1.5-4 s on a loaded 2-core machine);
// starting one from a dumped data directory takes a fraction of that, and the migrations are
// already in it. The dump is kept in the system's temp dir under a name that changes with the
// migrations and the PGlite version, so every test process of a run (and the next run) reuses
// it, and a new migration makes a new one.

const PGLITE_VERSION = (
  JSON.parse(
    readFileSync(
      new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url),
      'utf8',
    ),
  ) as { version: string }
).version;

/** Changes whenever a migration or the PGlite version does. */
export function migrationsHash(): string {
  const hash = createHash('sha256').update(PGLITE_VERSION);
  for (const m of loadMigrations()) hash.update(`${m.version}\0${m.name}\0${m.sql}\0`);
  return hash.digest('hex').slice(0, 16);
}

let template: Promise<Blob> | undefined;

/** The data directory of a freshly migrated PGlite store, made once per migrations hash. */
export function migratedPgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const file = join(tmpdir(), `tiller-test-pglite-${migrationsHash()}.tar`);
    if (!existsSync(file)) {
      const db = await openPglite(undefined, 'public');
      await migrate(db);
      const dump = await dumpPglite(db)!;
      await db.close();
      // Written under a name of this process, then renamed: processes that race here each
      // write a whole file, and a reader never sees a partial one.
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
      renameSync(partial, file);
    }
    // In memory (about 40 MB): a file-backed Blob made each start a third slower.
    return new Blob([readFileSync(file)]);
  })();
  return template;
}
