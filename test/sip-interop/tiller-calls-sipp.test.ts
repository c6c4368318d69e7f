// Tiller's own SIP adapter as the caller, through kamailio (digest auth) to each SIPp callee
// scenario: busy, ring timeout, and a callee who hangs up while the robot is still talking. (The
// answered call with speech is the whole robot call of robot-call-g711.test.ts.)
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { LegEvent } from '../../src/channels/telephony/call-control.ts';
import { SipCallControl } from '../../src/channels/telephony/sip/sip-call-control.ts';
import { SipUserAgent } from '../../src/channels/telephony/sip/signalling/user-agent.ts';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { requireTools, testDir } from '../helpers/sip-tools.ts';
import { startTrunk } from './kamailio.ts';
import { startCallee, SIPP_ALL_CALLS_OK, type CalleeScenario } from './sipp.ts';
import { loopbackTrunk } from '../helpers/sip-trunk.ts';

let serial = 0;

async function callThrough(t: TestContext, scenario: CalleeScenario) {
  const tools = requireTools(t, ['sipp', 'kamailio']);
  if (!tools) return undefined;
  const dir = testDir(`tiller-${scenario}`);
  const callee = await startCallee(t, tools.sipp, dir, scenario);
  const trunk = await startTrunk(t, tools.kamailio, dir, { forwardTo: callee.address });
  const ua = await SipUserAgent.start({
    host: '127.0.0.1',
    port: 0,
    credentials: { username: trunk.user, password: trunk.password },
  });
  t.after(() => ua.close());
  const cc = new SipCallControl({
    ua,
    stt: new FakeStt(),
    amd: false,
    trunk: loopbackTrunk({ host: '127.0.0.1', port: trunk.port }, { ringTimeoutSeconds: 3 }),
  });
  const events: LegEvent[] = [];
  const connect = await cc.originate(
    { callId: `tiller-sipp-${++serial}`, from: '+6221000088', to: '+6281234567000', attempt: 1 },
    (e) => events.push(e),
  );
  return { connect, events, callee, trunk };
}

test('a busy SIPp callee behind kamailio: busy, with 486 as the carrier cause', async (t) => {
  const placed = await callThrough(t, 'busy');
  if (!placed) return;
  const carrierCause = { protocol: 'sip', code: 486, reason: 'Busy Here' };
  assert.deepEqual(placed.connect, { outcome: 'busy', ringSeconds: 0, carrierCause });
  assert.equal((await placed.callee.finished()).code, SIPP_ALL_CALLS_OK);
});

test('a SIPp callee that rings for ever: Tiller cancels at its ring limit, no answer', async (t) => {
  const placed = await callThrough(t, 'ring-timeout');
  if (!placed) return;
  assert.equal(placed.connect.outcome, 'no_answer');
  assert.ok(placed.events.some((e) => e.type === 'ringing'));
  assert.deepEqual(
    placed.events.filter((e) => e.type === 'hangup').map((e) => e.type === 'hangup' && e.cause),
    ['no_answer'],
  );
  // SIPp saw the CANCEL and answered the INVITE 487: its scenario ran to the end.
  assert.equal((await placed.callee.finished()).code, SIPP_ALL_CALLS_OK);
});

test('a SIPp callee who hangs up mid-prompt cuts the robot off: the play is not completed', async (t) => {
  const placed = await callThrough(t, 'hangup-mid-prompt');
  if (!placed) return;
  assert.ok(placed.connect.outcome === 'answered');
  const leg = placed.connect.leg;
  const line =
    'Hello, this is Hannah calling about your loan of twenty thousand three hundred and ten, which was due on the seventh of November.';
  const played = await leg.play({
    text: line,
    audio: await new ToneTts().synthesize(line, 'en', 'robot'),
  });
  assert.deepEqual(played, { completed: false });
  assert.equal(leg.up, false);
  assert.deepEqual(
    placed.events.filter((e) => e.type === 'hangup').map((e) => e.type === 'hangup' && e.cause),
    ['callee'],
  );
  assert.equal((await placed.callee.finished()).code, SIPP_ALL_CALLS_OK);
});
