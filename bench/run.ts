// `npm run bench`: the benchmarks of issues 5, 11, 12 and 13, one after the other, each on PGlite
// and on PostgreSQL (but the PDS pacing one, a pure simulation), each printing its figures and its
// ratio to a baseline measured in the same run.
// Extra arguments go to every benchmark (e.g. `npm run bench -- --store pglite`).
import { spawnSync } from 'node:child_process';

const BENCHMARKS: Array<[string, string[]]> = [
  ['1. bulk import', ['bench/bulk-import.ts']],
  // 2 and 6: the dial engine, then the PostgreSQL run with a second worker process.
  ['2 + 6. dial engine and scale-out', ['bench/dial-engine.ts', '--workers', '2']],
  ['3. calls in flight', ['bench/calls-in-flight.ts']],
  ['4. API under load', ['bench/api-load.ts']],
  ['5. webhooks', ['bench/webhook-throughput.ts']],
  ['7. template sends (WhatsApp Cloud API)', ['bench/messaging-sends.ts']],
  ['8. chatbot turns', ['bench/chatbot-turns.ts']],
  ['9. workflow records', ['bench/workflow-records.ts']],
  // A pure simulation: it takes no --store and ignores the other benchmarks' arguments.
  ['10. PDS pacing (simulated)', ['bench/pds-pacing.ts']],
];

let failed = 0;
for (const [title, args] of BENCHMARKS) {
  console.log(`\n=== ${title} ===`);
  const run = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    failed += 1;
    console.log(`(${title} exited with ${run.status ?? run.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
