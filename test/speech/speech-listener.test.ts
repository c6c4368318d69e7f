import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeardInput, ListenHints } from '../../src/channels/telephony/call-control.ts';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import { FakeStt } from '../../src/dialogue/stt/fake-stt.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';
import { framesOf } from '../../src/dialogue/voice/frame.ts';
import {
  SpeechListener,
  type Heard,
  type ListenRequest,
} from '../../src/dialogue/voice/speech-listener.ts';
import { concat, silence } from './audio.ts';
import { say } from './speech-audio.ts';

const RATE = 8_000;
const hints: ListenHints = { language: 'en', expects: { kind: 'nothing' }, timeoutSeconds: 3 };

// The listener's types fit call control's: a SIP leg passes its hints in and its answer out.
const asRequest: ListenRequest = hints;
const asInput = (heard: Heard): HeardInput => heard;
void asRequest;
void asInput;

/** Pushes audio as fast as it can from media time `from`; gives the media time after it. */
function play(listener: SpeechListener, audio: Pcm, from = listener.now): number {
  for (const f of framesOf(audio, from)) listener.push(f);
  return listener.now;
}

describe('SpeechListener', () => {
  it('gives endpointed speech through the STT, with timings, and fires barge-in', async () => {
    const starts: number[] = [];
    const stt = new FakeStt(['yes I will pay tomorrow']);
    const listener = new SpeechListener({ stt, onSpeechStart: (at) => starts.push(at) });
    const heard = listener.listen({ ...hints, grammar: ['yes i will pay tomorrow'] });
    play(listener, concat(silence(RATE, 500), await say('Yes, I will pay tomorrow.', RATE)));
    play(listener, silence(RATE, 1_000));
    const turn = await heard;
    assert.equal(turn.kind, 'speech');
    assert.ok(turn.kind === 'speech' && turn.text === 'yes I will pay tomorrow');
    assert.equal(starts.length, 1);
    assert.equal(turn.timings?.speechStartMs, starts[0]);
    const endpointing = turn.timings?.endpointingMs ?? 0;
    assert.ok(endpointing >= 600 && endpointing < 620, `endpointing ${endpointing} ms`);
    assert.ok((turn.timings?.sttMs ?? -1) >= 0);
    assert.equal(stt.calls.length, 1);
  });

  it('gives silence after the timeout in media time, and hangup when the stream ends', async () => {
    const listener = new SpeechListener({ stt: new FakeStt() });
    const heard = listener.listen(hints);
    play(listener, silence(RATE, 3_100));
    assert.deepEqual(await heard, { kind: 'silence', seconds: 3 });
    const next = listener.listen(hints);
    listener.end();
    assert.deepEqual(await next, { kind: 'hangup' });
    assert.deepEqual(await listener.listen(hints), { kind: 'hangup' });
  });

  it('keeps speech said over the prompt for the next listen', async () => {
    const starts: number[] = [];
    const listener = new SpeechListener({
      stt: new FakeStt(['no']),
      onSpeechStart: (at) => starts.push(at),
    });
    play(listener, concat(await say('No.', RATE), silence(RATE, 1_000)));
    assert.equal(starts.length, 1, 'barge-in fired while nobody listened');
    const turn = await listener.listen(hints);
    assert.equal(turn.kind === 'speech' && turn.text, 'no');
  });

  it('takes one key at once, and a number until # when a digits slot is expected', async () => {
    const listener = new SpeechListener({ stt: new FakeStt() });
    const one = listener.listen(hints);
    listener.dtmf('1');
    assert.deepEqual(await one, { kind: 'dtmf', digits: '1' });
    const number = listener.listen({
      ...hints,
      expects: { kind: 'slot', slotType: 'digits', intents: [] },
    });
    for (const d of '4521#') listener.dtmf(d);
    assert.deepEqual(await number, { kind: 'dtmf', digits: '4521' });
    const paused = listener.listen({
      ...hints,
      expects: { kind: 'slot', slotType: 'digits', intents: [] },
    });
    listener.dtmf('7');
    listener.dtmf('8');
    play(listener, silence(RATE, 2_100));
    assert.deepEqual(await paused, { kind: 'dtmf', digits: '78' });
  });

  it('counts an utterance the STT finds empty as no input, and a failing STT as silence', async () => {
    const noise = concat(silence(RATE, 300), await say('Hmm.', RATE), silence(RATE, 700));
    // FakeStt gives '' only for silent audio: a recogniser that hears nothing in the hum.
    const deaf = { transcribe: async () => ({ text: '', confidence: 0 }) };
    const listener = new SpeechListener({ stt: deaf });
    const heard = listener.listen(hints);
    play(listener, noise);
    play(listener, silence(RATE, 3_000));
    const turn = await heard;
    assert.equal(turn.kind, 'silence');
    assert.equal(turn.ignoredUtterances, 1);

    const failing = new SpeechListener({
      stt: new FakeStt([new ProviderError('fake-stt', 'unavailable', 'down')]),
    });
    const failed = failing.listen(hints);
    play(failing, noise);
    const out = await failed;
    assert.equal(out.kind, 'silence');
    assert.equal(out.sttError?.kind, 'unavailable');
  });

  it('refuses a second listen while one is pending', async () => {
    const listener = new SpeechListener({ stt: new FakeStt() });
    const first = listener.listen(hints);
    await assert.rejects(listener.listen(hints), /pending/);
    listener.end();
    assert.deepEqual(await first, { kind: 'hangup' });
  });
});
