import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { runConversation } from '../../src/dialogue/engine.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import type { Reply } from '../../src/dialogue/ports/turn.ts';
import { cliHarness } from '../helpers/cli.ts';
import { storeKind } from '../helpers/db.ts';
import { CALLEE, NOW, SCRIPTS, ZONE, robotById } from './scripts.ts';

// The "Done when" of the durable engine: a chat whose first turn is taken by one process and
// the rest by another, after the first has exited, on the same store, ends with the result the
// in-memory voice path gives for the same answers.

const CHILD = new URL('./chat-turn-process.ts', import.meta.url).pathname;

describe(`a chat across two processes (${storeKind})`, () => {
  const harness = cliHarness('chat-two-processes');
  after(() => harness.cleanup());

  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CHILD, ...args], {
      env: harness.env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `${args[0]} failed:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  };

  const voice = (name: string) => {
    const { robotId, answers } = SCRIPTS[name]!;
    const replies = [...answers];
    return runConversation({
      robot: robotById(robotId),
      vars: CALLEE,
      callee: { respond: async (): Promise<Reply> => ({ text: replies.shift()! }) },
      nlu: new KeywordNlu(),
      context: { now: NOW, timeZone: ZONE },
    });
  };

  it('collection: the same promise to pay, labels and transcript as the voice path', async () => {
    const started = run('start', 'collection');
    const ended = run('continue', 'collection', String(started.appId), started.id);
    const expected = await voice('collection');
    assert.equal(ended.status, 'ended');
    assert.equal(ended.result.intention, 'A');
    assert.deepEqual(ended.result.labels, {
      Correct_Person: 'identity_correct_person',
      PTP: 'promise_to_pay',
    });
    assert.deepEqual(ended.result.slots, { ptp_date: '2026-11-27' });
    // The no-match re-ask happened: the robot asked the reminder twice around its re-prompt.
    assert.ok(ended.result.turns.length >= 5, JSON.stringify(ended.result.turns));
    assert.deepEqual(
      ended.result.turns.map((t: { heardText: string }) => t.heardText),
      expected.turns.map((t) => t.heardText),
    );
    // The one difference a chat makes: it writes amounts as figures where a voice says words.
    const written = JSON.stringify(expected).replaceAll('20,310 Indonesian rupiahs', 'IDR 20,310');
    assert.notEqual(written, JSON.stringify(expected), 'the voice line says the amount');
    assert.deepEqual(ended.result, JSON.parse(written));
  });

  it('info check: the same verify answers as the voice path', async () => {
    const started = run('start', 'info_check');
    const ended = run('continue', 'info_check', String(started.appId), started.id);
    const expected = await voice('info_check');
    assert.equal(ended.status, 'ended');
    assert.equal(ended.result.intention, 'B');
    assert.deepEqual(
      ended.result.answers.map((a: { verification_results: string }) => a.verification_results),
      ['Match', 'Mismatch'],
    );
    assert.deepEqual(ended.result, expected);
  });
});
