// Proves the interop harness before Tiller's SIP stack uses it: SIPp calls SIPp through kamailio,
// the trunk that challenges with digest auth. Each test starts its own processes on ports the OS
// picked and asserts on SIPp's exit codes, statistics and message logs and on kamailio's log.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { waitFor } from '../helpers/server.ts';
import { requireTools, testDir } from '../helpers/sip-tools.ts';
import { makeAnswerAudio } from './answer-audio.ts';
import { startTrunk } from './kamailio.ts';
import { rtpPayloadTo, sipSummary, startCapture } from './packet-capture.ts';
import { openRtpSink } from './rtp-sink.ts';
import { runCaller, startCallee, SIPP_ALL_CALLS_OK, SIPP_SOME_CALL_FAILED } from './sipp.ts';

const PACKET_BYTES = 160; // PCMU, 20 ms at 8 kHz

/** Where CI keeps the packet log: TILLER_SIP_ARTIFACTS, if set. */
function keepArtifact(t: TestContext, file: string) {
  const target = process.env.TILLER_SIP_ARTIFACTS;
  t.diagnostic(`artifact: ${file}`);
  if (!target) return;
  mkdirSync(target, { recursive: true });
  copyFileSync(file, join(target, basename(file)));
}

test('a call through the trunk is challenged (407), authorised, answered, and the callee speaks its answer', async (t) => {
  const tools = requireTools(t, ['sipp', 'kamailio', 'espeak-ng', 'sox', 'tshark']);
  if (!tools) return;
  const dir = testDir('sip-answer');
  const answer = await makeAnswerAudio(tools, dir);
  const callee = await startCallee(t, tools.sipp, dir, 'answer-and-speak');
  const trunk = await startTrunk(t, tools.kamailio, dir, { forwardTo: callee.address });
  const sink = await openRtpSink();
  t.after(() => sink.close());
  const capture = await startCapture(t, tools.tshark, dir, [trunk.port, callee.port, sink.port]);

  const caller = await runCaller(t, tools.sipp, dir, {
    scenario: 'uac-answered',
    target: trunk.address,
    user: trunk.user,
    password: trunk.password,
    keys: { rtp_sink_port: sink.port },
  });
  const answered = await callee.finished();

  assert.equal(caller.code, SIPP_ALL_CALLS_OK, caller.errors);
  assert.equal(caller.stats['SuccessfulCall(C)'], '1');
  assert.equal(answered.code, SIPP_ALL_CALLS_OK, answered.errors);
  // The first INVITE met the challenge, the second carried credentials and was answered.
  assert.match(caller.messages, /SIP\/2\.0 407 Proxy Authentication Required/);
  assert.match(caller.messages, /Proxy-Authorization: Digest username="tiller"/);
  assert.match(caller.messages, /Record-Route: <sip:127\.0\.0\.1:\d+;lr/);
  await logged(trunk, /tiller-trunk: INVITE authorised for tiller/);

  // All of the answer arrived as PCMU, byte for byte (loopback loses nothing).
  const spoken = readFileSync(answer);
  const whole = Math.floor(spoken.length / PACKET_BYTES);
  await sink.waitForPackets(whole);
  assert.ok(sink.packets.every((p) => p.payloadType === 0));
  assert.deepEqual(
    sink.audio().subarray(0, whole * PACKET_BYTES),
    spoken.subarray(0, whole * PACKET_BYTES),
  );

  const pcap = await capture.stop();
  const summary = await sipSummary(tools.tshark, pcap, [trunk.port, callee.port]);
  for (const step of ['INVITE', '407', '180 Ringing', '200 OK', 'ACK', 'BYE']) {
    assert.ok(summary.includes(step), `${step} is in the packet log:\n${summary}`);
  }
  assert.deepEqual(
    (await rtpPayloadTo(tools.tshark, pcap, sink.port)).subarray(0, whole * PACKET_BYTES),
    spoken.subarray(0, whole * PACKET_BYTES),
  );
  keepArtifact(t, pcap);
  keepArtifact(t, pcap.replace(/\.pcapng$/, '.sip.txt'));
});

test('a busy callee answers 486 through the trunk', async (t) => {
  const tools = requireTools(t, ['sipp', 'kamailio']);
  if (!tools) return;
  const dir = testDir('sip-busy');
  const callee = await startCallee(t, tools.sipp, dir, 'busy');
  const trunk = await startTrunk(t, tools.kamailio, dir, { forwardTo: callee.address });

  const caller = await runCaller(t, tools.sipp, dir, {
    scenario: 'uac-busy',
    target: trunk.address,
    user: trunk.user,
    password: trunk.password,
    keys: { rtp_sink_port: 9 },
  });
  const busy = await callee.finished();

  assert.equal(caller.code, SIPP_ALL_CALLS_OK, caller.errors);
  assert.equal(busy.code, SIPP_ALL_CALLS_OK, busy.errors);
  assert.match(caller.messages, /SIP\/2\.0 486 Busy Here/);
  // The proxy ACKs the 486 hop by hop: the callee's ACK comes from kamailio.
  assert.match(busy.messages, /ACK sip:/);
});

test('a ringing callee that never answers is cancelled: 200 to the CANCEL, 487 to the INVITE', async (t) => {
  const tools = requireTools(t, ['sipp', 'kamailio']);
  if (!tools) return;
  const dir = testDir('sip-ring');
  const callee = await startCallee(t, tools.sipp, dir, 'ring-timeout');
  const trunk = await startTrunk(t, tools.kamailio, dir, { forwardTo: callee.address });

  const caller = await runCaller(t, tools.sipp, dir, {
    scenario: 'uac-cancel',
    target: trunk.address,
    user: trunk.user,
    password: trunk.password,
    keys: { rtp_sink_port: 9 },
  });
  const ringing = await callee.finished();

  assert.equal(caller.code, SIPP_ALL_CALLS_OK, caller.errors);
  assert.equal(ringing.code, SIPP_ALL_CALLS_OK, ringing.errors);
  assert.match(ringing.messages, /CANCEL sip:/);
  assert.match(caller.messages, /SIP\/2\.0 487 Request Terminated/);
});

test('a callee that hangs up mid-prompt sends BYE through the trunk to the caller', async (t) => {
  const tools = requireTools(t, ['sipp', 'kamailio']);
  if (!tools) return;
  const dir = testDir('sip-hangup');
  const callee = await startCallee(t, tools.sipp, dir, 'hangup-mid-prompt');
  const trunk = await startTrunk(t, tools.kamailio, dir, { forwardTo: callee.address });

  const caller = await runCaller(t, tools.sipp, dir, {
    scenario: 'uac-callee-hangs-up',
    target: trunk.address,
    user: trunk.user,
    password: trunk.password,
    keys: { rtp_sink_port: 9 },
  });
  const hungUp = await callee.finished();

  assert.equal(caller.code, SIPP_ALL_CALLS_OK, caller.errors);
  assert.equal(hungUp.code, SIPP_ALL_CALLS_OK, hungUp.errors);
  // The BYE followed the Record-Route set: the callee sent it to the proxy, with a Route header.
  assert.match(
    hungUp.messages,
    /BYE sip:tiller@127\.0\.0\.1:\d+[^\n]*\n[\s\S]*?Route: <sip:127\.0\.0\.1:\d+;lr/,
  );
});

test('the trunk accepts a REGISTER with the right password and refuses a wrong one (403)', async (t) => {
  const tools = requireTools(t, ['sipp', 'kamailio']);
  if (!tools) return;
  const dir = testDir('sip-register');
  const trunk = await startTrunk(t, tools.kamailio, dir, { forwardTo: '127.0.0.1:9' });

  const good = await runCaller(t, tools.sipp, dir, {
    scenario: 'uac-register',
    target: trunk.address,
    service: trunk.user,
    user: trunk.user,
    password: trunk.password,
  });
  assert.equal(good.code, SIPP_ALL_CALLS_OK, good.errors);
  assert.match(good.messages, /SIP\/2\.0 401 Unauthorized/);
  await logged(trunk, /tiller-trunk: REGISTER accepted for tiller/);

  const bad = await runCaller(t, tools.sipp, dir, {
    scenario: 'uac-register',
    target: trunk.address,
    service: trunk.user,
    user: trunk.user,
    password: 'not-the-password',
  });
  assert.equal(bad.code, SIPP_SOME_CALL_FAILED);
  assert.equal(bad.stats['FailedUnexpectedMessage(C)'], '1');
  assert.match(bad.errors, /SIP\/2\.0 403 Forbidden/);
  await logged(trunk, /tiller-trunk: REGISTER refused: wrong password/);
});

test('an INVITE with a wrong password is refused (403) and never forwarded', async (t) => {
  const tools = requireTools(t, ['sipp', 'kamailio']);
  if (!tools) return;
  const dir = testDir('sip-badauth');
  const trunk = await startTrunk(t, tools.kamailio, dir, { forwardTo: '127.0.0.1:9' });

  const caller = await runCaller(t, tools.sipp, dir, {
    scenario: 'uac-answered',
    target: trunk.address,
    user: trunk.user,
    password: 'not-the-password',
    keys: { rtp_sink_port: 9 },
  });
  assert.equal(caller.code, SIPP_SOME_CALL_FAILED);
  assert.match(caller.errors, /SIP\/2\.0 403 Forbidden/);
  await logged(trunk, /tiller-trunk: INVITE refused: wrong password/);
  assert.doesNotMatch(trunk.log(), /INVITE authorised/);
});

/** Waits for kamailio's log line: it may be written just after the answer that ended SIPp's run. */
async function logged(trunk: { log(): string }, line: RegExp): Promise<void> {
  await waitFor(`kamailio to log ${line}`, () => (line.test(trunk.log()) ? true : undefined));
}
