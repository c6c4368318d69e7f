// Issue 14's faults through the real server (`tiller serve` as a child process, TILLER_CARRIER=sip)
// dialling the in-repo SIP test peer over UDP: a trunk that answers 503, and the process killed
// with -9 while a call is up. Every call ends with a clear cause in the store and the webhook,
// nothing stays `dialing`, and the redial rules run as the task says. One server serves the
// tests in order (a start costs 10-30 s on a loaded machine); the last reads its store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SipTestPeer, type PeerAct, type PeerCall } from '../fakes/sip-test-peer.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import type { client } from '../helpers/server.ts';
import { waitFor } from '../helpers/server.ts';
import { serverProcess } from './server-process.ts';

const TRUNK_DOWN = '+6281234567503';
const KILLED = '+6281234567009';

/** Frames of the robot's voice the peer heard (louder than silence). */
function loudFrames(call: PeerCall | undefined): number {
  let loud = 0;
  for (const frame of call?.heard ?? []) {
    let sum = 0;
    for (const s of frame) sum += Math.abs(s);
    if (sum / frame.length > 300) loud += 1;
  }
  return loud;
}

describe('SIP faults through the server process', () => {
  let peer: SipTestPeer;
  let receiver: Receiver;
  let server: Awaited<ReturnType<typeof serverProcess>>;
  let api: ReturnType<typeof client>;
  const taskIds = { trunkDown: '', killed: '' };
  let killedDials = 0;
  const callsTo = (number: string) => peer.calls.filter((c) => c.to === number);
  const webhookFor = (number: string, what: string, timeoutMs: number) =>
    waitFor(
      what,
      () =>
        receiver.requests
          .map((r) => JSON.parse(r.body))
          .find((e) => e.call?.callee_number === number)?.call,
      timeoutMs,
    );
  const createTask = async (name: string, number: string, redial: object) => {
    const created = await api.post('/service/cloud/task', {
      task_name: name,
      robot_id: '4496',
      ...redial,
      callees: [{ callee_number: number, callee_name: 'Budi' }],
    });
    assert.equal(created.status, 200, created.text);
    return created.json.data.task_id as string;
  };

  before(async () => {
    peer = await SipTestPeer.start((to): PeerAct => {
      if (to === TRUNK_DOWN) return { kind: 'reject', status: 503, reason: 'Service Unavailable' };
      // The first call is killed while the robot greets; the redial's callee hangs up after it.
      return ++killedDials === 1 ? { kind: 'answer' } : { kind: 'answer', hangupAfterTurns: 1 };
    });
    receiver = await startReceiver();
    server = await serverProcess('sip-faults', {
      TILLER_CARRIER: 'sip',
      TILLER_SIP_PROXY: `127.0.0.1:${peer.address.port}`,
      // Port 0: the OS picks our SIP port at each start; the peer answers where requests came from.
      TILLER_SIP_BIND: '127.0.0.1:0',
      TILLER_SIP_RTP_PORTS: '30000-39999',
      TILLER_SIP_KEEPALIVE_SECONDS: '0',
    });
    const app = server.createApp(receiver.url);
    await server.start();
    api = await app.connect();
  });

  after(async () => {
    await server?.cleanup();
    await peer?.close();
    await receiver?.close();
  });

  it('a trunk answering 503: network_error with the SIP cause in the webhook, redialled redial_times times', async () => {
    taskIds.trunkDown = await createTask('sip_503', TRUNK_DOWN, {
      redial_times: 2,
      redial_interval: 0,
    });
    const call = await webhookFor(TRUNK_DOWN, 'the 503 call webhook', 60_000);
    assert.equal(call.ring_type, 'network_error');
    assert.equal(call.intention_description, 'Network error (SIP 503 Service Unavailable)');
    assert.equal(call.intention, 'F');
    assert.equal(call.call_times, 3, 'the first dial and redial_times (2) redials');
    assert.equal(call.redial_call.length, 2);
    assert.equal(callsTo(TRUNK_DOWN).length, 3, 'the trunk saw three INVITEs');
  });

  it('kill -9 mid-call: after the restart the call is interrupted and redialled once', async () => {
    taskIds.killed = await createTask('sip_kill', KILLED, { redial_times: 0 });
    await waitFor(
      'the robot to be heard greeting',
      () => (loudFrames(callsTo(KILLED)[0]) >= 10 ? true : undefined),
      60_000,
    );
    assert.equal(await server.stop('SIGKILL'), null);
    await server.start();
    const call = await webhookFor(KILLED, 'the call webhook after the restart', 90_000);
    assert.equal(call.hangup_type, 'ByCallee');
    assert.equal(call.intention, 'E', 'the redial connected and the callee hung up');
    assert.equal(callsTo(KILLED).length, 2, 'one redial, not more');
    // The killed process's call: no BYE ever reached the peer (the new process cannot know the
    // dialog); its RTP stopped with the process. A real carrier ends such a call by its RTP
    // timeout or session timer (docs/sip.md, "Faults and how each ends").
    assert.equal(callsTo(KILLED)[0]!.ended, undefined);
    assert.equal(callsTo(KILLED)[1]!.ended, 'local');
  });

  it('leaves every attempt ended with its cause in the store, and nothing dialing', async () => {
    assert.equal(await server.stop('SIGTERM'), 0, 'a clean stop');
    const store = await server.openStore();
    try {
      const attempts = async (taskId: string) =>
        (
          await store.query<{
            attempt: number;
            outcome: string | null;
            telephony: { carrierCause?: { code: number; reason: string } } | null;
          }>('SELECT attempt, outcome, telephony FROM calls WHERE task_id = $1 ORDER BY attempt', [
            taskId,
          ])
        ).map((a) => [a.attempt, a.outcome, a.telephony?.carrierCause?.code ?? null]);
      assert.deepEqual(await attempts(taskIds.trunkDown), [
        [1, 'failed', 503],
        [2, 'failed', 503],
        [3, 'failed', 503],
      ]);
      assert.deepEqual(await attempts(taskIds.killed), [
        [1, 'interrupted', null],
        [2, 'hangup', null],
      ]);
      const open = await store.query<{ status: string }>(
        "SELECT status FROM callees WHERE status IN ('pending', 'dialing')",
      );
      assert.deepEqual(open, []);
      const unended = await store.query('SELECT id FROM calls WHERE outcome IS NULL');
      assert.deepEqual(unended, []);
    } finally {
      await store.close();
    }
  });
});
