import assert from 'node:assert/strict';
import { test } from 'node:test';
import { causeOfStatus, failureOf } from '../../../src/channels/telephony/sip/signalling/causes.ts';

test('final SIP statuses map to the call-control causes', () => {
  const table: [number, string][] = [
    [486, 'busy'],
    [600, 'busy'],
    [408, 'no_answer'],
    [480, 'no_answer'],
    [487, 'no_answer'],
    [404, 'invalid'],
    [410, 'invalid'],
    [416, 'invalid'],
    [484, 'invalid'],
    [485, 'invalid'],
    [604, 'invalid'],
    [401, 'failed'],
    [403, 'failed'],
    [407, 'failed'],
    [488, 'failed'],
    [302, 'failed'],
    [500, 'failed'],
    [503, 'failed'],
    [603, 'failed'],
  ];
  for (const [status, cause] of table) assert.equal(causeOfStatus(status), cause, String(status));
});

test('a failure keeps the status and reason for the call record', () => {
  assert.deepEqual(failureOf(503, 'Service Unavailable'), {
    cause: 'failed',
    status: 503,
    reason: 'Service Unavailable',
  });
});
