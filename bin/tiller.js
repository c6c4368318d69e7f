#!/usr/bin/env node
// `npx tiller ...`: the CLI needs Node 24 (it runs TypeScript directly). When started by an older
// system Node, hand over to the Node 24 that `npm ci` installed from the `node` package. The
// signals a service manager sends (SIGTERM, SIGINT, SIGHUP) are passed on, and this process waits
// for the child's exit, so a stop drains the server instead of orphaning it.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  await import('../src/cli/main.ts');
} else {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    console.error(`tiller needs Node 24; run "npm ci" first (${error.message})`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}
