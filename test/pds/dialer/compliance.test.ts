import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inZone } from '../../../src/shared/time.ts';
import { storeKind } from '../../helpers/db.ts';
import {
  callsOf,
  createPdsTask,
  numbers,
  pdsWorld,
  waitForTaskEnd,
  type PdsWorld,
} from './fixtures.ts';

// PDS calls go through the robot dialer's claim, so the contact ledger's rules hold for them
// (docs/contact-ledger.md), and a task's rest times pause its dialing (docs/pds-dialer.md).

describe(`PDS dialer: compliance and rest times (${storeKind})`, () => {
  let world: PdsWorld;

  before(async () => {
    world = await pdsWorld({ agents: 2 });
  });
  after(() => world.close());

  it('does not dial a number of the task that is on the do-not-call list', async () => {
    const phones = numbers([0, 2, 6, 0]);
    const listed = phones[3]!;
    await world.server.runtime.services.dnc.add(world.appId, [listed], { source: 'api' });
    const taskId = await createPdsTask(world, phones);
    await waitForTaskEnd(world, taskId);
    assert.equal(
      world.server.carrier.ledger.some((dial) => dial.to === listed),
      false,
      'the carrier never saw the listed number',
    );
    const dialled = (await callsOf(world, taskId)).map((c) => c.callee_number);
    assert.deepEqual(dialled.sort(), phones.slice(0, 3).sort());
    const [callee] = await world.server.store.db.query<{ status: string }>(
      'SELECT status FROM callees WHERE task_id = $1 AND callee_number = $2',
      [taskId, listed],
    );
    assert.equal(callee!.status, 'dnc');
  });

  it('opens no line inside a rest time', async () => {
    const now = world.clock.now();
    // A rest window from now until two business minutes later, in the app's zone (UTC).
    const restEnd = new Date(now.getTime() + 120_000);
    const hms = (d: Date) => inZone(d, 'UTC').toFormat('HH:mm:ss');
    const taskId = await createPdsTask(world, numbers([0, 6, 7, 2]), {
      restTimes: [{ start: hms(new Date(now.getTime() - 1_000)), end: hms(restEnd) }],
    });
    await waitForTaskEnd(world, taskId);
    const calls = await callsOf(world, taskId);
    assert.equal(calls.length, 4);
    for (const call of calls) {
      assert.ok(
        call.started_at.getTime() >= restEnd.getTime() - 1_000,
        `call started at ${call.started_at.toISOString()}, inside the rest time ending ${restEnd.toISOString()}`,
      );
    }
  });
});
