import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/shared/logger.ts';

function capture(logPii: boolean) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: createLogger({ level: 'info', logPii }, stream), lines };
}

describe('logger', () => {
  it('redacts the marked personal-data field unless told to log it', () => {
    const hidden = capture(false);
    hidden.log.info({ callId: 'c1', pii: { number: '+6281234567890' } }, 'call ended');
    assert.equal(hidden.lines[0]!.pii, '[redacted]');
    assert.equal(hidden.lines[0]!.callId, 'c1');
    assert.doesNotMatch(JSON.stringify(hidden.lines), /6281234567890/);

    const shown = capture(true);
    shown.log.info({ pii: { number: '+6281234567890' } }, 'call ended');
    assert.deepEqual(shown.lines[0]!.pii, { number: '+6281234567890' });
  });

  it('logs requests by path, leaving out the query string', () => {
    const { log, lines } = capture(false);
    log.info(
      { req: { method: 'GET', url: '/service/cloud/case?callee_number=%2B6281234567890' } },
      'incoming',
    );
    assert.deepEqual(lines[0]!.req, { method: 'GET', path: '/service/cloud/case' });
  });
});
