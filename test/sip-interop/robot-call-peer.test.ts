// Run A of issue 14's whole robot call: the real server calls the in-repo SIP peer over the
// wideband codec (L16/16000), and the offline recogniser (pocketsphinx) hears the callee, who
// answers two questions with espeak-ng's voice. Needs pocketsphinx_continuous (the server's STT),
// espeak-ng and sox (the callee's voice), so it lives with the interop tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heardAudio, SipTestPeer } from '../fakes/sip-test-peer.ts';
import { requireTools, testDir } from '../helpers/sip-tools.ts';
import { speakPcm } from './answer-audio.ts';
import { findInRecording, voicedSeconds } from './recording-checks.ts';
import {
  APP_ZONE,
  CALLEE_NUMBER,
  GREETING,
  REMINDER,
  runRobotCall,
  tomorrowIn,
} from './robot-call.ts';

// What the callee says: the issue's own words, in espeak-ng's default voice. The listen gives
// pocketsphinx the turn's grammar (the robot's expected phrases and the date words,
// src/dialogue/voice/turn-grammar.ts); without one it heard "yes, I will pay tomorrow" as "yes
// right on" or "we'll fight on" (no date).
const IDENTITY_REPLY = 'yes, speaking';
const PTP_REPLY = 'yes, I will pay tomorrow';
const VOICE = {};

test(
  'a robot call over L16 to the in-repo peer ends as a promise to pay for tomorrow, heard by pocketsphinx',
  { timeout: 120_000 },
  async (t) => {
    const tools = requireTools(t, ['pocketsphinx_continuous', 'espeak-ng', 'sox']);
    if (!tools) return;
    const dir = testDir('sip-robot-peer');
    const yes = await speakPcm(tools, dir, 'identity', IDENTITY_REPLY, VOICE);
    const tomorrow = await speakPcm(tools, dir, 'ptp', PTP_REPLY, VOICE);
    const peer = await SipTestPeer.start(() => ({
      kind: 'answer',
      replies: [yes, tomorrow],
      codecs: ['L16'],
    }));
    t.after(() => peer.close());

    const { call, recording, row } = await runRobotCall(t, {
      name: 'sip-robot-peer',
      proxy: `127.0.0.1:${peer.address.port}`,
      env: { TILLER_STT: 'pocketsphinx' },
    });
    for (const turn of call.asr_result)
      t.diagnostic(`robot: ${turn.robottext} | pocketsphinx heard: "${turn.text}"`);

    // The peer took the wideband codec and was called from the task's number.
    const [dialled] = peer.calls;
    assert.ok(dialled, 'the peer got the INVITE');
    assert.equal(dialled.to, CALLEE_NUMBER);
    assert.equal(dialled.codec, 'L16');
    assert.ok(heardAudio(dialled).samples.length > 0, 'the peer heard the robot');

    // The conversation: identity confirmed, promise to pay tomorrow in the app's zone.
    assert.equal(call.intention, 'A', JSON.stringify(call.asr_result));
    assert.equal(call.intention_description, 'Promise to pay');
    assert.equal(call.asr_ptp, tomorrowIn(APP_ZONE, new Date(`${call.call_start_time}Z`)));
    assert.equal(call.ner_slots.ptp_date, call.asr_ptp);
    assert.equal(call.multi_label.Correct_Person, 'identity_correct_person');
    assert.equal(call.ring_type, 'normal');
    assert.equal(call.hangup_type, 'ByRobot');
    assert.equal(call.end_reason, 'connected');
    assert.equal(call.asr_result[0]?.robottext, GREETING);
    assert.match(call.asr_result[0]?.text ?? '', /\byes\b/i);
    assert.equal(call.asr_result[1]?.robottext, REMINDER);
    assert.match(call.asr_result[1]?.text ?? '', /\btomorrow\b/i);
    assert.match(call.asr_result[2]?.robottext ?? '', /^Thank you. We have noted your promise/);

    // The recording is the line's audio, both sides: as long as the talk, holding both replies.
    assert.equal(recording.contentType, 'audio/wav');
    const seconds = recording.pcm.samples.length / recording.pcm.sampleRate;
    const talk =
      (Date.parse(call.call_end_time) - Date.parse(call.call_start_time)) / 1000 - call.ring_time;
    t.diagnostic(`recording ${seconds.toFixed(2)} s for ${talk} s of talk`);
    assert.ok(Math.abs(seconds - talk) <= 2, `${seconds} s of audio for ${talk} s of talk`);
    for (const [name, reply] of [
      ['identity', yes],
      ['ptp', tomorrow],
    ] as const) {
      const found = findInRecording(recording.pcm, reply);
      t.diagnostic(`callee's ${name} reply in the recording: ${JSON.stringify(found)}`);
      assert.ok(found.score > 0.8, `the callee's ${name} reply is in the recording`);
    }
    // The check tells words apart: a phrase nobody said scores well below.
    const unsaid = await speakPcm(tools, dir, 'unsaid', 'no thank you, goodbye', VOICE);
    const control = findInRecording(recording.pcm, unsaid);
    t.diagnostic(`a phrase nobody said: ${JSON.stringify(control)}`);
    assert.ok(control.score < 0.8, 'a phrase nobody said is not found');
    const calleeSeconds = voicedSeconds(yes) + voicedSeconds(tomorrow);
    assert.ok(
      voicedSeconds(recording.pcm) > calleeSeconds + 5,
      'the robot is in the recording too',
    );

    // The store: final, answered, the detector heard a person.
    assert.equal(row.state, 'final');
    assert.equal(row.outcome, 'answered');
    const amd = row.telephony?.amd as { verdict: string } | undefined;
    t.diagnostic(`calls.telephony: ${JSON.stringify(row.telephony)}`);
    assert.notEqual(amd?.verdict, 'machine');
  },
);
