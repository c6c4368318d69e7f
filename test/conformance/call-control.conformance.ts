// The contract of call control (src/channels/telephony/call-control.ts), as tests any adapter
// must pass: the simulator now, a SIP trunk adapter later. An adapter's test file calls
// callControlConformance with a factory and a way to arrange each scenario (a number, a persona);
// a scenario the adapter cannot arrange is skipped with its reason, never passed silently.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  CallControl,
  CallLeg,
  Connect,
  LegEvent,
  ListenHints,
  OriginateRequest,
  Utterance,
} from '../../src/channels/telephony/call-control.ts';

export type Scenario =
  /** A person answers and speaks. */
  | 'answered'
  | 'busy'
  | 'no_answer'
  | 'invalid'
  /** The trunk or network fails the call. */
  | 'failed'
  /** An answering machine picks up. */
  | 'machine'
  /** A person answers, then hangs up within a few turns while the robot waits for an answer. */
  | 'callee_hangs_up'
  /** A person answers and says nothing. */
  | 'silent'
  /** A person answers with keys. */
  | 'keys';

export interface CallControlHarness {
  /**
   * A fresh adapter. Its calls must take time to listen, as on a real line (the simulator: a
   * time scale at which an answer lasts a few milliseconds), so that a hang-up can cut a listen.
   */
  create(): CallControl | Promise<CallControl>;
  /** The request that arranges `scenario` under `callId`, or undefined if it cannot be arranged. */
  pick(scenario: Scenario, callId: string): OriginateRequest | undefined;
  /** A robot line as the adapter plays it (audio for one that does not play text). */
  utterance?(text: string): Promise<Utterance>;
}

const HINTS: ListenHints = {
  language: 'en',
  expects: { kind: 'intent', intents: ['yes', 'no'] },
  timeoutSeconds: 8,
};

let serial = 0;

const line = (h: CallControlHarness, text: string): Promise<Utterance> =>
  h.utterance ? h.utterance(text) : Promise.resolve({ text });

/** One call of a scenario, with every event it emitted (all legs' events, in order). */
async function place(
  h: CallControlHarness,
  cc: CallControl,
  scenario: Scenario,
  t: { skip(message: string): void },
): Promise<{ connect: Connect; events: LegEvent[]; callId: string } | undefined> {
  const callId = `conformance-${process.pid}-${++serial}`;
  const request = h.pick(scenario, callId);
  if (!request) {
    t.skip(`this adapter cannot arrange "${scenario}"`);
    return undefined;
  }
  const events: LegEvent[] = [];
  const connect = await cc.originate(request, (event) => events.push(event));
  return { connect, events, callId };
}

function answeredLeg(connect: Connect): CallLeg {
  assert.equal(connect.outcome, 'answered');
  assert.ok(connect.outcome === 'answered');
  return connect.leg;
}

const typesOf = (events: LegEvent[], callId: string) =>
  events.filter((e) => e.callId === callId).map((e) => e.type);

const hangupsOf = (events: LegEvent[], callId: string) =>
  events.filter(
    (e): e is Extract<LegEvent, { type: 'hangup' }> => e.type === 'hangup' && e.callId === callId,
  );

export function callControlConformance(name: string, h: CallControlHarness): void {
  // A hang on a real line fails its test by name instead of blocking the run.
  describe(`call control conformance: ${name}`, { timeout: 180_000 }, () => {
    it('places a call once per call id: a second originate with the same id is refused', async (t) => {
      const cc = await h.create();
      const placed = await place(h, cc, 'answered', t);
      if (!placed) return;
      const leg = answeredLeg(placed.connect);
      assert.equal(leg.callId, placed.callId);
      const again: LegEvent[] = [];
      const request = h.pick('answered', placed.callId)!;
      await assert.rejects(cc.originate(request, (e) => again.push(e)));
      assert.deepEqual(again, [], 'a refused originate places no call');
      await leg.hangup();
    });

    it('emits answered, then exactly one hangup, for an answered call', async (t) => {
      const cc = await h.create();
      const placed = await place(h, cc, 'answered', t);
      if (!placed) return;
      const { events, callId } = placed;
      const leg = answeredLeg(placed.connect);
      assert.ok(placed.connect.ringSeconds >= 0);
      assert.equal(leg.up, true);
      assert.deepEqual(hangupsOf(events, callId), [], 'no hangup while the call is up');
      await leg.hangup('robot');
      await leg.hangup('system');
      assert.equal(leg.up, false);
      const types = typesOf(events, callId);
      assert.equal(types.filter((type) => type === 'answered').length, 1);
      assert.ok(types.indexOf('answered') < types.indexOf('hangup'), 'answered comes first');
      assert.equal(types.at(-1), 'hangup', 'hangup is the last event of a leg');
      assert.deepEqual(
        hangupsOf(events, callId).map((e) => e.cause),
        ['robot'],
        'one hangup, with the cause of the first hang-up',
      );
    });

    for (const scenario of ['busy', 'no_answer', 'invalid', 'failed'] as const) {
      it(`ends a ${scenario} call with a hangup of that cause and no answer`, async (t) => {
        const placed = await place(h, await h.create(), scenario, t);
        if (!placed) return;
        const { connect, events, callId } = placed;
        assert.equal(connect.outcome, scenario);
        assert.ok(!('leg' in connect), 'a call that did not connect has no leg');
        assert.ok(!typesOf(events, callId).includes('answered'));
        assert.deepEqual(
          hangupsOf(events, callId).map((e) => e.cause),
          [scenario],
        );
      });
    }

    it('plays a line and hears an answer: speech from a person', async (t) => {
      const placed = await place(h, await h.create(), 'answered', t);
      if (!placed) return;
      const leg = answeredLeg(placed.connect);
      const played = await leg.play(await line(h, 'Hello, am I speaking with Budi?'));
      assert.deepEqual(played, { completed: true });
      const heard = await leg.listen(HINTS);
      assert.equal(heard.kind, 'speech');
      assert.ok(heard.kind === 'speech' && heard.text.trim().length > 0);
      await leg.hangup();
    });

    it('hears keys as dtmf, with a dtmf event', async (t) => {
      const placed = await place(h, await h.create(), 'keys', t);
      if (!placed) return;
      const leg = answeredLeg(placed.connect);
      await leg.play(await line(h, 'Press 1 if you are Budi.'));
      const heard = await leg.listen(HINTS);
      assert.equal(heard.kind, 'dtmf');
      assert.ok(heard.kind === 'dtmf' && /^[0-9*#]+$/.test(heard.digits));
      const dtmf = placed.events.filter((e) => e.type === 'dtmf');
      assert.deepEqual(
        dtmf.map((e) => e.type === 'dtmf' && e.digits),
        [heard.digits],
      );
      await leg.hangup();
    });

    it('hears silence when nobody speaks', async (t) => {
      const placed = await place(h, await h.create(), 'silent', t);
      if (!placed) return;
      const leg = answeredLeg(placed.connect);
      await leg.play(await line(h, 'Hello?'));
      const heard = await leg.listen(HINTS);
      assert.equal(heard.kind, 'silence');
      assert.ok(heard.kind === 'silence' && heard.seconds > 0);
      await leg.hangup();
    });

    it("gives the answering machine's verdict after the answer", async (t) => {
      const placed = await place(h, await h.create(), 'machine', t);
      if (!placed) return;
      const leg = answeredLeg(placed.connect);
      // A line that detects from the audio decides within seconds and cuts the listen with
      // 'machine'; one that knows at once (the simulator) gives the greeting as speech.
      const heard = await leg.listen(HINTS);
      assert.ok(['machine', 'speech'].includes(heard.kind), heard.kind);
      await leg.hangup();
      const types = typesOf(placed.events, placed.callId);
      const verdicts = placed.events.flatMap((e) => (e.type === 'amd' ? [e.verdict] : []));
      assert.deepEqual(verdicts, ['machine']);
      assert.ok(types.indexOf('answered') < types.indexOf('amd'));
      assert.ok(types.indexOf('amd') < types.indexOf('hangup'));
    });

    it('resolves the listen with hangup when the callee hangs up mid-turn', async (t) => {
      const placed = await place(h, await h.create(), 'callee_hangs_up', t);
      if (!placed) return;
      const leg = answeredLeg(placed.connect);
      let heard;
      for (let turn = 0; turn < 5; turn++) {
        await leg.play(await line(h, 'Can you hear me?'));
        heard = await leg.listen(HINTS);
        if (heard.kind === 'hangup') break;
      }
      assert.deepEqual(heard, { kind: 'hangup' });
      assert.equal(leg.up, false);
      // After the hang-up every media call answers at once, and nothing more is emitted.
      assert.deepEqual(await leg.play(await line(h, 'Hello?')), { completed: false });
      assert.deepEqual(await leg.listen(HINTS), { kind: 'hangup' });
      await leg.hangup();
      assert.deepEqual(
        hangupsOf(placed.events, placed.callId).map((e) => e.cause),
        ['callee'],
      );
    });

    it('resolves a pending listen with hangup when our side hangs up', async (t) => {
      const placed = await place(h, await h.create(), 'answered', t);
      if (!placed) return;
      const leg = answeredLeg(placed.connect);
      await leg.play(await line(h, 'Hello?'));
      const pending = leg.listen(HINTS);
      await leg.hangup('system');
      assert.deepEqual(await pending, { kind: 'hangup' });
      assert.deepEqual(
        hangupsOf(placed.events, placed.callId).map((e) => e.cause),
        ['system'],
      );
    });

    it('transfers to an agent: a new leg, bridged to the call, and both end together', async (t) => {
      const cc = await h.create();
      if (!cc.capabilities.bridging) return t.skip('this adapter does not bridge');
      const placed = await place(h, cc, 'answered', t);
      if (!placed) return;
      const leg = answeredLeg(placed.connect);
      const agent = await leg.transfer('agent:alice');
      assert.notEqual(agent.callId, leg.callId);
      assert.equal(agent.up, true);
      const { events } = placed;
      assert.deepEqual(
        events.filter((e) => e.type === 'transferred'),
        [
          {
            type: 'transferred',
            callId: leg.callId,
            target: 'agent:alice',
            agentLeg: agent.callId,
          },
        ],
      );
      const bridged = events.filter((e) => e.type === 'bridged');
      assert.deepEqual(
        bridged.map((e) => [e.callId, e.type === 'bridged' && e.with]).sort(),
        [
          [agent.callId, leg.callId],
          [leg.callId, agent.callId],
        ].sort(),
      );
      await leg.hangup('robot');
      assert.equal(agent.up, false, 'a bridge ends when either side hangs up');
      assert.equal(hangupsOf(events, leg.callId).length, 1);
      assert.equal(hangupsOf(events, agent.callId).length, 1);
    });

    it('bridges two answered legs once', async (t) => {
      const cc = await h.create();
      if (!cc.capabilities.bridging) return t.skip('this adapter does not bridge');
      const a = await place(h, cc, 'answered', t);
      const b = await place(h, cc, 'answered', t);
      if (!a || !b) return;
      const legA = answeredLeg(a.connect);
      const legB = answeredLeg(b.connect);
      await legA.bridge(legB);
      assert.deepEqual(
        a.events.filter((e) => e.type === 'bridged'),
        [{ type: 'bridged', callId: legA.callId, with: legB.callId }],
      );
      assert.deepEqual(
        b.events.filter((e) => e.type === 'bridged'),
        [{ type: 'bridged', callId: legB.callId, with: legA.callId }],
      );
      await assert.rejects(legB.bridge(legA), 'a leg is bridged to one other at most');
      await legB.hangup();
      assert.equal(legA.up, false);
    });

    it('records what was played and heard, or says it does not record', async (t) => {
      const cc = await h.create();
      const placed = await place(h, cc, 'answered', t);
      if (!placed) return;
      const leg = answeredLeg(placed.connect);
      const recording = leg.record();
      if (cc.capabilities.recording === 'none') {
        assert.equal(recording, undefined);
        await leg.hangup();
        return;
      }
      assert.ok(recording);
      const text = 'Hello, am I speaking with Budi?';
      await leg.play(await line(h, text));
      const heard = await leg.listen(HINTS);
      await leg.hangup();
      const recorded = await recording.stop();
      assert.ok(heard.kind === 'speech');
      assert.deepEqual(recorded.segments, [
        { speaker: 'robot', text },
        { speaker: 'callee', text: heard.text },
      ]);
      if (cc.capabilities.recording === 'audio') {
        assert.ok(recorded.audio, 'an adapter that records audio gives it');
        assert.ok(recorded.audio.wav.length > 44, 'audio beyond the WAV header');
        assert.equal(recorded.audio.timing.offsets.length, recorded.segments.length);
      }
    });
  });
}
