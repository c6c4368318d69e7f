import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { demoInstructions } from '../../src/cli/demo.ts';
import type { NewApp } from '../../src/modules/auth/auth.service.ts';
import { cliHarness, serveTiller } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';
import { waitFor } from '../helpers/server.ts';

// The copy-and-paste walkthrough that the first start prints, run as a user runs it: with bash,
// against the server that printed it.

const { env, tiller, cleanup } = cliHarness('walkthrough');
const TIME_SCALE = 20;
const DEMO_WEBHOOK = 'http://127.0.0.1:9/demo-hook';

/** The printed walkthrough: the indented lines from "(" to ")", as a user would copy them. */
function walkthroughOf(printed: string): string {
  const lines = printed.split('\n');
  const first = lines.indexOf('  (');
  const last = lines.indexOf('  )', first);
  assert.ok(first >= 0 && last > first, `no walkthrough in:\n${printed}`);
  return lines
    .slice(first, last + 1)
    .map((line) => line.replace(/^ {2}/, ''))
    .join('\n');
}

function bash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe(`the printed demo walkthrough (${storeKind})`, () => {
  let server: Awaited<ReturnType<typeof serveTiller>>;
  let script: string;

  before(async () => {
    server = await serveTiller(env, {
      TILLER_DEMO: 'true',
      TILLER_TIME_SCALE: String(TIME_SCALE),
      TILLER_DEMO_WEBHOOK_URL: DEMO_WEBHOOK,
    });
    await waitFor('the walkthrough', () =>
      server.stdout().includes('\n  )\n') ? true : undefined,
    );
    script = walkthroughOf(server.stdout());
  });
  after(async () => {
    await server?.stop();
    await cleanup();
  });

  it('creates the demo app with the webhook URL of TILLER_DEMO_WEBHOOK_URL', () => {
    assert.match(server.stdout(), /^ {2}Webhook URL: +http:\/\/127\.0\.0\.1:9\/demo-hook$/m);
    const key = /APPKey: +(\S+)/.exec(server.stdout())![1]!;
    const shown = tiller('app', 'show', '--app-key', key, '--json');
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).webhook_url, DEMO_WEBHOOK);
  });

  it('waits as long as its time scale needs, not a fixed 90 s', () => {
    assert.match(
      script,
      new RegExp(`about 5 s at TILLER_TIME_SCALE=${TIME_SCALE}; waiting up to 15 s`),
    );
    const demo = { appKey: 'k', appSecret: 's', app: { webhookUrl: null } } as unknown as NewApp;
    const realTime = demoInstructions({ url: 'http://x', demo, timeScale: 1 });
    assert.match(realTime, /about 90 s at TILLER_TIME_SCALE=1; waiting up to 270 s/);
  });

  it('runs with bash: authenticates, creates the task, waits for it and prints its results', async () => {
    const run = await bash(script);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"robot_id":"4496"/);
    assert.match(run.stdout, /^task [0-9a-f]{32}: /m);
    const detail = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    assert.equal(detail.code, 200);
    assert.equal(detail.data.task_status, 'Finished');
    assert.equal(detail.data.list.length, 4);
    // A second run works too: task names are unique per run.
    const again = await bash(script);
    assert.equal(again.code, 0, again.stderr);
  });

  it('stops at a failed authentication, saying so, and creates nothing', async () => {
    const wrong = script.replace(/"APPSecret":"[^"]+"/, '"APPSecret":"not-the-secret-at-all"');
    assert.notEqual(wrong, script);
    const run = await bash(wrong);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^tiller demo: authentication failed: .*Account verification failed/m);
    assert.doesNotMatch(run.stdout, /^task /m);
  });
});
