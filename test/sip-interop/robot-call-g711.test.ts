// Run B of issue 14's whole robot call: the real server registers with kamailio (the carrier's
// trunk, digest auth), calls through it a SIPp callee that speaks PCMU only and plays its answers
// from a file, and hears them through the OpenAI-compatible STT against the in-repo test server.
// tshark captures the signalling the whole time; docs/sip.md shows that packet log.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { codecFor } from '../../src/channels/telephony/sip/media/codecs.ts';
import { EspeakTts } from '../../src/dialogue/tts/espeak-tts.ts';
import { OpenAiSpeechServer } from '../fakes/openai-speech-server.ts';
import { requireTools, testDir } from '../helpers/sip-tools.ts';
import { makeAnswerAudio, makeTimedAnswers } from './answer-audio.ts';
import { startTrunk } from './kamailio.ts';
import { sipSummary, startCapture } from './packet-capture.ts';
import { formatLadder, sipLadder } from './sip-ladder.ts';
import { findInRecording } from './recording-checks.ts';
import { APP_ZONE, GREETING, REMINDER, runRobotCall, tomorrowIn } from './robot-call.ts';
import { SIPP_ALL_CALLS_OK, startCallee } from './sipp.ts';

const IDENTITY_REPLY = 'yes speaking';
const PTP_REPLY = 'yes I will pay tomorrow';
// The STT server's ordered script: G.711 changes the bytes, so no fingerprint table can match.
const HEARD = ['Yes, speaking.', 'Yes, I will pay tomorrow.'];
const PCMU = codecFor({ name: 'PCMU', payloadType: 0, clockRate: 8000 });

/** Where CI keeps the packet log: TILLER_SIP_ARTIFACTS, if set. */
function keepArtifact(t: TestContext, file: string) {
  t.diagnostic(`artifact: ${file}`);
  const target = process.env.TILLER_SIP_ARTIFACTS;
  if (!target) return;
  mkdirSync(target, { recursive: true });
  copyFileSync(file, join(target, basename(file)));
}

/**
 * When the callee speaks: SIPp cannot hear, so its answers are timed from the robot's lines as
 * the server's TTS (the same espeak-ng) will say them. Late is safe (the robot listens 8 s), early
 * too once the first answer is over (speech over a prompt stops it and answers the next listen),
 * so the margins lean generous after the greeting and short after the reminder.
 */
async function answerTimes(): Promise<{ identityAt: number; reminderSeconds: number }> {
  const tts = new EspeakTts();
  try {
    const seconds = async (text: string) => {
      const pcm = await tts.synthesize(text, 'en', 'robot');
      return pcm.samples.length / pcm.sampleRate;
    };
    return {
      identityAt: (await seconds(GREETING)) + 2.5,
      reminderSeconds: await seconds(REMINDER),
    };
  } finally {
    await tts.close();
  }
}

test(
  'a robot call over G.711 through kamailio to SIPp ends as a promise to pay, heard by the OpenAI-compatible STT',
  { timeout: 150_000 },
  async (t) => {
    const tools = requireTools(t, ['sipp', 'kamailio', 'espeak-ng', 'sox', 'tshark']);
    if (!tools) return;
    const dir = testDir('sip-robot-g711');
    const { identityAt, reminderSeconds } = await answerTimes();
    const identity = await makeAnswerAudio(tools, dir, {
      text: IDENTITY_REPLY,
      file: 'probe-identity.ul',
    });
    const identitySeconds = readFileSync(identity).length / 8000;
    // After the first answer: endpointing and the reminder's synthesis (~1.5 s), the reminder,
    // then 1.5 s more.
    const ptpAt = identityAt + identitySeconds + 1.5 + reminderSeconds + 1.5;
    const answers = await makeTimedAnswers(tools, dir, [
      { atSeconds: identityAt, text: IDENTITY_REPLY },
      { atSeconds: ptpAt, text: PTP_REPLY },
    ]);
    t.diagnostic(`callee answers at ${JSON.stringify(answers.spans)} s after the ACK`);

    const speech = await new OpenAiSpeechServer().start();
    t.after(() => speech.close());
    speech.script.push(...HEARD);

    const callee = await startCallee(t, tools.sipp, dir, 'answer-and-speak');
    const trunk = await startTrunk(t, tools.kamailio, dir, { forwardTo: callee.address });
    const capture = await startCapture(t, tools.tshark, dir, [trunk.port, callee.port]);

    const { call, recording, row } = await runRobotCall(t, {
      name: 'sip-robot-g711',
      proxy: trunk.address,
      env: {
        TILLER_SIP_USERNAME: trunk.user,
        TILLER_SIP_PASSWORD: trunk.password,
        TILLER_STT: 'openai',
        TILLER_STT_URL: speech.url(),
        TILLER_STT_KEY: speech.apiKey,
      },
    });
    const sipp = await callee.finished();
    const pcap = await capture.stop();
    await sipSummary(tools.tshark, pcap, [trunk.port, callee.port]);
    const ladder = await sipLadder(tools.tshark, pcap, {
      [trunk.port]: 'kamailio',
      [callee.port]: 'sipp',
    });
    const ladderFile = pcap.replace(/\.pcapng$/, '.ladder.txt');
    writeFileSync(ladderFile, `${formatLadder(ladder)}\n`);
    for (const file of [pcap, pcap.replace(/\.pcapng$/, '.sip.txt'), ladderFile])
      keepArtifact(t, file);
    t.diagnostic(`SIP packet log:\n${formatLadder(ladder)}`);
    for (const turn of call.asr_result)
      t.diagnostic(`robot: ${turn.robottext} | STT heard: "${turn.text}"`);

    // The trunk: Tiller registered and authenticated with digest; SIPp's one call succeeded.
    assert.match(trunk.log(), /tiller-trunk: INVITE authorised for tiller/);
    assert.equal(sipp.code, SIPP_ALL_CALLS_OK, sipp.errors);
    // SIPp answered PCMU only (its SDP: payload types 0 and 101).
    assert.match(sipp.messages, /m=audio \d+ RTP\/AVP 0 101/);
    // The ladder, in order on each hop (the two hops interleave as the processes run).
    const trunkHop: Array<[string, RegExp]> = [
      ['tiller', /^REGISTER /],
      ['kamailio', /^401 /],
      ['tiller', /^REGISTER /],
      ['kamailio', /^200 /],
      ['tiller', /^INVITE sip:\+6281234567000@/],
      ['kamailio', /^407 /],
      ['tiller', /^ACK /],
      ['tiller', /^INVITE /],
      ['kamailio', /^100 /],
      ['kamailio', /^180 /],
      ['kamailio', /^200 /],
      ['tiller', /^ACK /],
      ['tiller', /^BYE /],
      ['kamailio', /^200 /],
    ];
    const calleeHop: Array<[string, RegExp]> = [
      ['kamailio', /^INVITE sip:\+6281234567000@/],
      ['sipp', /^180 /],
      ['sipp', /^200 /],
      ['kamailio', /^ACK /],
      ['kamailio', /^BYE /],
      ['sipp', /^200 /],
    ];
    const inOrder = (hop: string[], expected: Array<[string, RegExp]>) => {
      const steps = ladder.filter((s) => hop.includes(s.from) && hop.includes(s.to));
      let at = 0;
      for (const [from, line] of expected) {
        const found = steps.findIndex((s, i) => i >= at && s.from === from && line.test(s.line));
        assert.notEqual(found, -1, `${from} ${line} after ${at}:\n${formatLadder(steps)}`);
        at = found + 1;
      }
    };
    inOrder(['tiller', 'kamailio'], trunkHop);
    inOrder(['kamailio', 'sipp'], calleeHop);

    // The STT server heard each answer once, as a WAV of the call's audio.
    const heard = speech.requests.filter((r) => r.path === '/audio/transcriptions');
    assert.equal(heard.length, 2, JSON.stringify(heard));
    assert.equal(speech.script.length, 0, 'both scripted answers were used');

    // The conversation, as for a simulated call.
    assert.equal(call.intention, 'A', JSON.stringify(call.asr_result));
    assert.equal(call.asr_ptp, tomorrowIn(APP_ZONE, new Date(`${call.call_start_time}Z`)));
    assert.equal(call.ner_slots.ptp_date, call.asr_ptp);
    assert.equal(call.ring_type, 'normal');
    assert.equal(call.hangup_type, 'ByRobot');
    assert.equal(call.asr_result[0]?.robottext, GREETING);
    assert.equal(call.asr_result[0]?.text, HEARD[0]);
    assert.equal(call.asr_result[1]?.robottext, REMINDER);
    assert.equal(call.asr_result[1]?.text, HEARD[1]);

    // The recording is the line's audio: as long as the talk, with the callee's words in it.
    assert.equal(recording.contentType, 'audio/wav');
    writeFileSync(join(dir, 'recording.wav'), recording.bytes);
    keepArtifact(t, join(dir, 'recording.wav'));
    const seconds = recording.pcm.samples.length / recording.pcm.sampleRate;
    const talk =
      (Date.parse(call.call_end_time) - Date.parse(call.call_start_time)) / 1000 - call.ring_time;
    t.diagnostic(`recording ${seconds.toFixed(2)} s for ${talk} s of talk`);
    assert.ok(Math.abs(seconds - talk) <= 2, `${seconds} s of audio for ${talk} s of talk`);
    const file = readFileSync(answers.path);
    for (const [i, span] of answers.spans.entries()) {
      const said = PCMU.decode(file.subarray(span.start * 8000, span.end * 8000));
      const found = findInRecording(recording.pcm, { sampleRate: 8000, samples: said });
      t.diagnostic(`callee's answer ${i + 1} in the recording: ${JSON.stringify(found)}`);
      assert.ok(found.score > 0.8, `the callee's answer ${i + 1} is in the recording`);
    }

    assert.equal(row.state, 'final');
    assert.equal(row.outcome, 'answered');
    t.diagnostic(`calls.telephony: ${JSON.stringify(row.telephony)}`);
    assert.notEqual((row.telephony?.amd as { verdict?: string } | undefined)?.verdict, 'machine');
  },
);
