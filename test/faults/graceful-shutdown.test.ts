import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { dialThroughFault } from './dialling-fault.ts';

// Graceful shutdown: SIGTERM while a task is dialling. The server stops claiming, lets the calls
// in progress end (TILLER_SHUTDOWN_GRACE_MS), hands back the rest, exits 0; after a restart the
// task finishes with nothing lost and nothing repeated.

describe(`graceful shutdown during dialling (${storeKind})`, () => {
  it('finishes the calls in progress, exits cleanly, and loses nothing after a restart', async (t) => {
    const { interrupted } = await dialThroughFault(t, {
      name: 'sigterm',
      callees: 3_000,
      signal: 'SIGTERM',
    });
    // Calls last under a second here, well inside the grace period: none was cut short.
    assert.equal(interrupted, 0);
  });
});
