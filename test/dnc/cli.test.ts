import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliHarness } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';

// `tiller dnc` as an operator runs it: a real child process on real store files, or on a
// PostgreSQL schema of its own.

const { dataDir, tiller, cleanup } = cliHarness('dnc-cli');

function createApp(name: string): string {
  const out = tiller('app', 'create', '--name', name, '--json');
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout).app_key as string;
}

interface Entry {
  number: string;
  reason: string | null;
  source: string;
}

function list(key: string): Entry[] {
  const out = tiller('dnc', 'list', '--app-key', key, '--json');
  assert.equal(out.status, 0, out.stderr);
  return (JSON.parse(out.stdout) as Entry[]).map(({ number, reason, source }) => ({
    number,
    reason,
    source,
  }));
}

describe(`tiller dnc (${storeKind})`, () => {
  let key: string;

  before(() => {
    key = createApp('dnc-cli');
  });
  after(() => cleanup());

  it('adds numbers with a reason, and says which were listed already', () => {
    const first = tiller(
      'dnc',
      'add',
      '+62 812 0000 0001',
      '+6281200000002',
      '--app-key',
      key,
      '--reason',
      'asked',
    );
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, 'added +6281200000001\nadded +6281200000002\n');
    const again = tiller('dnc', 'add', '+6281200000002', '--app-key', key);
    assert.equal(again.stdout, 'already listed +6281200000002\n');
    assert.deepEqual(list(key), [
      { number: '+6281200000001', reason: 'asked', source: 'cli' },
      { number: '+6281200000002', reason: 'asked', source: 'cli' },
    ]);
  });

  it('imports a CSV file, and refuses one with a bad line without writing', () => {
    const file = join(dataDir, 'dnc.csv');
    writeFileSync(
      file,
      'number,reason\n+6281200000002,dup\n+6281200000003,moved\n+6281200000004\n',
    );
    const ok = tiller('dnc', 'import', file, '--app-key', key);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /3 numbers, 2 added, 1 already listed/);

    writeFileSync(file, '+6281200000005\n+6281200000006\n0812 0000 0007\n');
    const bad = tiller('dnc', 'import', file, '--app-key', key);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'tiller: Incorrect phone number: line 3: "0812 0000 0007"\n');
    assert.deepEqual(
      list(key).map((e) => [e.number, e.source]),
      [
        ['+6281200000001', 'cli'],
        ['+6281200000002', 'cli'],
        ['+6281200000003', 'import'],
        ['+6281200000004', 'import'],
      ],
    );
  });

  it('prints the list as tab-separated lines, filtered by prefix', () => {
    const out = tiller('dnc', 'list', '--app-key', key, '--prefix', '+628120000000');
    assert.equal(out.status, 0, out.stderr);
    const lines = out.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[2]!, /^\+6281200000003\timport\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\tmoved$/);
    assert.equal(tiller('dnc', 'list', '--app-key', key, '--prefix', '+1').stdout, '');
  });

  it('removes a number, and exits 1 for a number that is not listed', () => {
    const removed = tiller('dnc', 'remove', '+6281200000001', '--app-key', key);
    assert.equal(removed.status, 0, removed.stderr);
    assert.equal(removed.stdout, 'removed +6281200000001\n');
    const again = tiller('dnc', 'remove', '+6281200000001', '--app-key', key);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /\+6281200000001/);
    assert.doesNotMatch(again.stderr, /Usage:/);
  });

  it("keeps another app's list apart", () => {
    const other = createApp('dnc-cli-other');
    assert.deepEqual(list(other), []);
    const removed = tiller('dnc', 'remove', '+6281200000002', '--app-key', other);
    assert.equal(removed.status, 1);
    assert.ok(list(key).some((e) => e.number === '+6281200000002'));
  });

  it('refuses bad arguments with a one-line message and exit code 2', () => {
    const cases: Array<[string[], RegExp]> = [
      [['dnc', 'add', '+6281200000001'], /dnc add needs --app-key/],
      [['dnc', 'add', '--app-key', key], /needs at least one NUMBER/],
      [['dnc', 'remove', '--app-key', key], /needs exactly one NUMBER/],
      [['dnc', 'import', '--app-key', key], /needs exactly one FILE/],
      [['dnc', 'import', join(dataDir, 'missing.csv'), '--app-key', key], /cannot read/],
      [['dnc', 'list', '--app-key', key, '--reason', 'x'], /does not take --reason/],
      [['dnc', 'frobnicate'], /unknown dnc command "frobnicate"/],
      [['dnc', 'list', '--app-key', key, '--color'], /Unknown option/],
      [['dnc', 'list', '--app-key', 'not-a-key'], /no app has that APPKey/],
    ];
    for (const [args, message] of cases) {
      const out = tiller(...args);
      assert.equal(out.status, 2, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stderr, message, args.join(' '));
      // One line, no usage text and no stack (the usage is behind "tiller help").
      assert.match(out.stderr, /^tiller: [^\n]*\n$/, args.join(' '));
    }
    const badNumber = tiller('dnc', 'add', '12345', '--app-key', key);
    assert.equal(badNumber.status, 2);
    assert.equal(badNumber.stderr, 'tiller: Incorrect phone number: numbers[0] "12345"\n');
    assert.match(tiller('help').stdout, /dnc import FILE --app-key KEY/);
  });
});
