// The server as a real child process (`tiller serve`) for the crash and shutdown tests: it can
// be killed with -9 or sent SIGTERM and started again on the same store, and its carrier's ledger
// is a file that outlives it. After the last stop the test reads the store directly.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readMessagingLedgerFile } from '../../src/channels/messaging/simulated/simulated-messaging-channel.ts';
import { readLedgerFile } from '../../src/channels/telephony/simulated/simulated-call-control.ts';
import type { Db } from '../../src/store/db.ts';
import { openPglite } from '../../src/store/drivers/pglite.ts';
import { openPostgres } from '../../src/store/drivers/postgres.ts';
import { BIN, cliHarness } from '../helpers/cli.ts';
import { testDatabaseUrl } from '../helpers/db.ts';
import { ALWAYS_OPEN, client, freePort, tokenFor } from '../helpers/server.ts';

export async function serverProcess(name: string, settings: Record<string, string> = {}) {
  const cli = cliHarness(name);
  const port = await freePort();
  const ledgerFile = join(cli.dataDir, 'carrier-ledger.jsonl');
  const messagingLedgerFile = join(cli.dataDir, 'messaging-ledger.jsonl');
  Object.assign(cli.env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    TILLER_PUBLIC_URL: `http://127.0.0.1:${port}`,
    TILLER_DEMO: 'false',
    TILLER_RECORDINGS: 'false',
    TILLER_SIMULATOR_LEDGER: ledgerFile,
    TILLER_MESSAGING_LEDGER: messagingLedgerFile,
    TILLER_DEFAULT_CALLING_WINDOWS: JSON.stringify(ALWAYS_OPEN),
    TILLER_POLL_INTERVAL_MS: '50',
    TILLER_WEBHOOK_RETRY_DELAY_MS: '100',
    TILLER_LOG_LEVEL: 'error',
    ...settings,
  });
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);

  return {
    url,
    /**
     * `tiller app create` as an operator runs it (before start: the embedded store allows one
     * process); `connect` then gives the app's API client once the server runs.
     */
    createApp(webhookUrl: string) {
      const out = cli.tiller(
        'app',
        'create',
        '--name',
        name,
        '--webhook-url',
        webhookUrl,
        '--json',
      );
      if (out.status !== 0) throw new Error(`app create failed: ${out.stderr}`);
      const app = JSON.parse(out.stdout) as { app_key: string; app_secret: string };
      return {
        connect: async () => client(url, await tokenFor(url, app.app_key, app.app_secret)),
      };
    },
    /** `settings`: variables changed from this start on (a restart's simulated clock). */
    async start(settings: Record<string, string> = {}): Promise<void> {
      Object.assign(cli.env, settings);
      const proc = spawn(process.execPath, [BIN, 'serve'], {
        env: cli.env,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child = proc;
      exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
      // Until it answers or exits: no deadline of our own (a loaded machine took over 30 s
      // once); a server that hangs is caught by the test's own timeout.
      for (;;) {
        if (proc.exitCode !== null) throw new Error(`the server exited with ${proc.exitCode}`);
        const ok = await fetch(`${url}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** Sends the signal and waits for the process to end; its exit code (null when killed). */
    async stop(signal: NodeJS.Signals): Promise<number | null> {
      child?.kill(signal);
      const code = await exited;
      child = undefined;
      return code;
    },
    ledger: () => readLedgerFile(ledgerFile),
    /** The simulated messaging provider's accepted sends (TILLER_MESSAGING_LEDGER). */
    messagingLedger: () => readMessagingLedgerFile(messagingLedgerFile),
    ledgerFiles: { carrier: ledgerFile, messaging: messagingLedgerFile },
    /** The store, opened once the server has stopped (the embedded one allows one process). */
    async openStore(): Promise<Db> {
      return testDatabaseUrl
        ? openPostgres(testDatabaseUrl, cli.env.TILLER_DB_SCHEMA!, 2)
        : openPglite(join(cli.dataDir, 'pg'), 'public');
    },
    async cleanup() {
      if (child) await this.stop('SIGKILL');
      await cli.cleanup();
    },
  };
}
