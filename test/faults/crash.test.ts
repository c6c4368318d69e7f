import { describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { dialThroughFault } from './dialling-fault.ts';

// Crash: `kill -9` the server at a random point while it dials a 3,000-number task, start it
// again on the same store, and check that every number got exactly the attempts its outcome
// calls for, that no attempt was dialled twice (the carrier's own ledger, a file that outlives
// the process), and that the receiver holds every call and task event.

describe(`crash during dialling (${storeKind})`, () => {
  it('loses nothing and repeats nothing when killed with -9 mid-task', (t) =>
    dialThroughFault(t, { name: 'crash', callees: 3_000, signal: 'SIGKILL' }).then(() => {}));
});
