// Issue 14's trunk faults: a trunk that never answers our INVITE, and one that drops our
// registration and comes back. Every call meanwhile ends `failed` with the SIP cause in its record,
// and the redial rule treats it as the task says (again after the redial interval).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { startSipCarrier } from '../../src/channels/telephony/sip/sip-carrier.ts';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import { capturedLog } from '../helpers/log-capture.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { waitFor } from '../helpers/server.ts';
import { startSipTiller } from './sip-tiller.ts';
import { startTrunkStub, TRUNK_PASSWORD, TRUNK_USER } from './sip-trunk-stub.ts';
import { loopbackTrunk } from '../helpers/sip-trunk.ts';

const TIMEOUT = { sip: 'sip', code: 408, reason: 'Request Timeout' };

test('a trunk that never answers INVITE: the call ends failed with 408, and the number is redialled after the interval', async (t) => {
  // A host where the trunk should be that takes every datagram and answers none.
  const blackHole = createSocket('udp4');
  let datagrams = 0;
  blackHole.on('message', () => (datagrams += 1));
  await new Promise<void>((resolve) => blackHole.bind(0, '127.0.0.1', resolve));
  const receiver = await startReceiver();
  // T1 20 ms: timer B (64 T1) gives up after 1.3 s instead of production's 32 s.
  const tiller = await startSipTiller({
    proxy: { host: '127.0.0.1', port: blackHole.address().port },
    stt: new FakeStt(),
    t1Ms: 20,
    webhookUrl: receiver.url,
  });
  t.after(async () => {
    await tiller.close();
    await receiver.close();
    await new Promise<void>((resolve) => blackHole.close(() => resolve()));
  });

  const created = await tiller.api.post('/service/cloud/task', {
    task_name: 'sip_trunk_silent',
    robot_id: '4496',
    redial_times: 2,
    redial_interval: 1,
    callees: [{ callee_number: '+6281234567001' }],
  });
  assert.equal(created.status, 200, created.text);
  const taskId: string = created.json.data.task_id;

  const [call] = await waitFor('the first attempt to end', async () => {
    const rows = await tiller.db.query<{
      outcome: string | null;
      ended_at: Date | null;
      telephony: { carrierCause?: unknown } | null;
    }>('SELECT outcome, ended_at, telephony FROM calls WHERE task_id = $1', [taskId]);
    return rows[0]?.outcome ? rows : undefined;
  });
  assert.equal(call!.outcome, 'failed');
  assert.deepEqual(call!.telephony?.carrierCause, {
    protocol: TIMEOUT.sip,
    code: TIMEOUT.code,
    reason: TIMEOUT.reason,
  });
  assert.ok(datagrams > 1, `our INVITE was retransmitted (${datagrams} datagrams) before timer B`);

  // Counted, not final: back to pending, due one redial interval (1 minute) after the end.
  const [callee] = await tiller.db.query<{
    status: string;
    attempts: number;
    next_attempt_at: Date;
  }>('SELECT status, attempts, next_attempt_at FROM callees WHERE task_id = $1', [taskId]);
  assert.equal(callee!.status, 'pending');
  const wait = (callee!.next_attempt_at.getTime() - call!.ended_at!.getTime()) / 1000;
  assert.ok(wait > 50 && wait < 70, `redialled ${wait} s after the end, not at once`);

  // The task says so through the API too: one number called, none connected, still running.
  const listed = await tiller.api.get('/service/cloud/list?page_size=1');
  assert.equal(listed.json.data.list[0].called_count, 1);
  assert.equal(listed.json.data.list[0].connected_count, 0);
});

test('the trunk drops our registration: logged, calls meanwhile fail with a cause, and we register again when it is back', async (t) => {
  const T1 = 50; // 64 T1 = 3.2 s for a probe, a refresh or an INVITE to go unanswered
  const trunk = await startTrunkStub({ grantSeconds: 2, t1Ms: T1 });
  const logs = capturedLog('info');
  const carrier = await startSipCarrier(
    loopbackTrunk(trunk.address, {
      credentials: { username: TRUNK_USER, password: TRUNK_PASSWORD },
      registerExpires: 60,
      ringTimeoutSeconds: 20,
      keepAliveSeconds: 1,
    }),
    new FakeStt(),
    logs.log,
    { t1Ms: T1 },
  );
  t.after(async () => {
    await carrier.stop();
    await trunk.close();
  });
  let serial = 0;
  const dial = () =>
    carrier.callControl.originate({
      callId: `sip-reg-${++serial}`,
      from: '+6221000000',
      to: '+6281234567001',
      attempt: 1,
    });

  assert.equal(logs.has('registered with the SIP trunk').length, 1);
  // The 2 s grant is refreshed every second: the registration is alive before the fault.
  await waitFor('a refresh', () => trunk.seen.registered >= 2 || undefined);

  await trunk.down();
  await waitFor('the dropped registration to be logged', () =>
    logs.has('the SIP trunk dropped our registration').length > 0 ? true : undefined,
  );
  await waitFor('the silent keep-alive to be logged', () =>
    logs.has('the SIP trunk does not answer OPTIONS').length > 0 ? true : undefined,
  );
  const meanwhile = await dial();
  assert.deepEqual(meanwhile, {
    outcome: 'failed',
    ringSeconds: 0,
    carrierCause: { protocol: 'sip', code: 408, reason: 'Request Timeout' },
  });

  const before = trunk.seen.registered;
  trunk.state.inviteStatus = 486;
  trunk.state.inviteReason = 'Busy Here';
  await trunk.up();
  await waitFor('the trunk to be seen again', () =>
    logs.has('the SIP trunk answers again').length > 0 ? true : undefined,
  );
  await waitFor('a new registration', () =>
    logs.has('registered with the SIP trunk').length >= 2 ? true : undefined,
  );
  assert.ok(trunk.seen.registered > before);
  // Calls reach the trunk again, and end with what it says.
  const after = await dial();
  assert.equal(after.outcome, 'busy');
  assert.deepEqual(after.carrierCause, { protocol: 'sip', code: 486, reason: 'Busy Here' });
  assert.equal(trunk.seen.invites.length, 1, 'only the call after the recovery reached the trunk');
});
