#!/usr/bin/env node
// `npx tiller ...`: the CLI needs Node 24 (it runs TypeScript directly). When started by an older
// system Node, hand over to the Node 24 that `npm ci` installed from the `node` package.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  await import('../src/cli/main.ts');
} else {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  const result = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (result.error) {
    console.error(`tiller needs Node 24; run "npm ci" first (${result.error.message})`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}
