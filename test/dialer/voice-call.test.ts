import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  CallControl,
  LegEvent,
  LegListener,
  OriginateRequest,
} from '../../src/channels/telephony/call-control.ts';
import { SimulatedCallControl } from '../../src/channels/telephony/simulated/simulated-call-control.ts';
import { personaFor, SimulatedCallee } from '../../src/channels/telephony/simulated/personas.ts';
import { converse } from '../../src/dialogue/engine.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { calleeVars } from '../../src/dialogue/template.ts';
import { estimateTimeline, type Segment } from '../../src/dialogue/timeline.ts';
import { outcomeOfTalk } from '../../src/modules/dialer/call-end.ts';
import { voiceCall } from '../../src/modules/dialer/voice-call.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import type { ClaimedCall } from '../../src/modules/dialer/dial-claims.ts';
import { formatOffset } from '../../src/shared/time.ts';
import { PERSONA_NUMBER } from '../dialogue/persona-numbers.ts';

// The voice driver (Dialer#call over call control and the step engine) ends every attempt as the
// in-memory conversation did before it: same outcome, ring time, hang-up side and AIRudder
// result, for every persona and built-in robot. The reference below is the old Dialer#call's
// mapping, applied to converse() against the same persona.

const STARTED = new Date('2026-11-20T03:00:00Z');
const NUMBERS: Readonly<Record<string, string>> = {
  ...PERSONA_NUMBER,
  no_answer: '+6281234567005',
  busy: '+6281234567006',
};

let serial = 0;
function claimed(robotIndex: number, to: string, persona?: string): ClaimedCall {
  const robot = builtinRobots()[robotIndex]!.definition;
  return {
    callId: `voice-${++serial}`,
    taskId: 't-1',
    appId: 1,
    calleeId: serial,
    attempt: 1,
    to,
    from: '+6221000000',
    startedAt: STARTED,
    callee: {
      case_id: 'c-1',
      callee_number: to,
      callee_name: 'Budi Santoso',
      total_owing_amount: '20310.00',
      due_date: '2026-11-07',
      extra: [{ Question: 'id_last4', Content: '1234' }],
      ...(persona ? { extend: { simulation: { persona } } } : {}),
    },
    robot,
    robotVersion: 1,
    zone: 'Asia/Jakarta',
    optOutListed: true,
  };
}

/** What the dialer wrote before call control, for the same call (its own mapping, verbatim). */
async function reference(call: ClaimedCall, ringSeconds: number) {
  const choice = personaFor(call.to);
  const talk = await converse({
    robot: call.robot,
    vars: calleeVars(call.callee),
    callee: new SimulatedCallee(choice),
    nlu: new KeywordNlu(),
    context: { now: new Date(STARTED.getTime() + ringSeconds * 1000), timeZone: call.zone },
    optOutListed: call.optOutListed,
  });
  const timing = estimateTimeline(talk.segments);
  return {
    outcome: outcomeOfTalk(talk),
    endedAt: new Date(STARTED.getTime() + (ringSeconds + timing.totalSeconds) * 1000),
    ringTime: ringSeconds,
    hangupType: talk.endedBy === 'callee' ? 'ByCallee' : 'ByRobot',
    result: {
      ring_type: 'normal',
      intention: talk.intention,
      intention_description: talk.intention_description,
      talk_round: talk.talk_round,
      ner_slots: talk.ner_slots,
      slots: '',
      multi_label: talk.multi_label,
      asr_ptp: talk.asr_ptp,
      asr_result: talk.turns.map((t) => ({
        time: formatOffset(timing.offsets[t.segment] ?? 0),
        robottext: t.robottext,
        text: t.text,
      })),
      question_answer: talk.question_answer,
    },
  };
}

/** The simulator, with every event of every call kept. */
function watched() {
  const inner = new SimulatedCallControl({ timeScale: 1_000_000 });
  const events: LegEvent[] = [];
  const cc: CallControl = {
    capabilities: inner.capabilities,
    originate: (request: OriginateRequest, listener?: LegListener) =>
      inner.originate(request, (event) => {
        events.push(event);
        listener?.(event);
      }),
  };
  return { cc, events };
}

describe('the voice driver', () => {
  const nlu = new KeywordNlu();
  const robots = builtinRobots();

  for (const [row, number] of Object.entries(NUMBERS)) {
    it(`ends a ${row} call as the in-memory conversation did, with every built-in robot`, async () => {
      for (let r = 0; r < robots.length; r++) {
        const { cc, events } = watched();
        const call = claimed(r, number);
        const end = await voiceCall({ callControl: cc, nlu }, call);
        const answered = events.find((e) => e.type === 'answered');
        if (end.outcome === 'no_answer' || end.outcome === 'busy') {
          assert.equal(answered, undefined);
          assert.equal(end.hangupType, end.outcome === 'busy' ? 'ByCallee' : 'BySystem');
          assert.equal(end.result.intention, 'F');
          continue;
        }
        const ring = answered?.type === 'answered' ? answered.ringSeconds : -1;
        assert.deepEqual(end, await reference(call, ring), `robot ${robots[r]!.definition.name}`);
        const hangups = events.filter((e) => e.type === 'hangup');
        assert.equal(hangups.length, 1, 'the leg hung up once');
        assert.equal(
          hangups[0]!.type === 'hangup' && hangups[0]!.cause,
          end.hangupType === 'ByCallee' ? 'callee' : 'robot',
        );
      }
    });
  }

  it('hears keys as the engine input, not as speech', async () => {
    const { cc, events } = watched();
    const end = await voiceCall(
      { callControl: cc, nlu },
      claimed(0, NUMBERS.cooperative!, 'keypad'),
    );
    const keys = events.flatMap((e) => (e.type === 'dtmf' ? [e.digits] : []));
    assert.ok(keys.length > 0, 'the keypad persona pressed keys');
    assert.ok(!events.some((e) => e.type === 'speech'), 'and said nothing');
    // The keys are in the transcript, in the order pressed.
    const heard = end.result.asr_result.map((a) => a.text).filter(Boolean);
    assert.deepEqual(heard, keys.slice(0, heard.length));
  });

  it("times the call by the recorder's audio when there is one", async () => {
    const { cc } = watched();
    let recorded: Segment[] = [];
    const recorder = {
      record: async (_call: ClaimedCall, segments: Segment[]) => {
        recorded = segments;
        return { offsets: segments.map(() => 42), totalSeconds: 100 };
      },
    };
    const call = claimed(0, NUMBERS.cooperative!);
    const end = await voiceCall({ callControl: cc, nlu, recorder }, call);
    assert.ok(recorded.length > 2, 'the recorder got the conversation');
    assert.equal(end.endedAt.getTime(), STARTED.getTime() + (end.ringTime + 100) * 1000);
    const times = new Set(end.result.asr_result.map((a) => a.time));
    assert.deepEqual([...times], [formatOffset(42)], "the transcript's times are the recording's");
  });

  it('ends a call the network failed to connect as failed, with the carrier cause in its record', async () => {
    const failing: CallControl = {
      capabilities: new SimulatedCallControl({ timeScale: 1 }).capabilities,
      originate: async (request, listener) => {
        const carrierCause = { protocol: 'sip' as const, code: 503, reason: 'Service Unavailable' };
        listener?.({ type: 'hangup', callId: request.callId, cause: 'failed', carrierCause });
        return { outcome: 'failed', ringSeconds: 0, carrierCause };
      },
    };
    const end = await voiceCall({ callControl: failing, nlu }, claimed(0, NUMBERS.cooperative!));
    assert.equal(end.outcome, 'failed');
    assert.equal(end.hangupType, 'BySystem');
    assert.equal(end.result.ring_type, 'network_error');
    assert.equal(end.result.intention_description, 'Network error (SIP 503 Service Unavailable)');
    assert.deepEqual(end.telephony, {
      carrierCause: { protocol: 'sip', code: 503, reason: 'Service Unavailable' },
    });
  });
});

describe('the voice driver on an adapter that records audio', () => {
  it("keeps the leg's recording instead of synthesising one, and times the transcript by it", async () => {
    const inner = new SimulatedCallControl({ timeScale: 1_000_000 });
    const wav = Buffer.from('RIFF....WAVEfmt the audio of the real line');
    const recordingAdapter: CallControl = {
      capabilities: { ...inner.capabilities, recording: 'audio' },
      originate: async (request, listener) => {
        const connect = await inner.originate(request, listener);
        if (connect.outcome !== 'answered') return connect;
        const { leg } = connect;
        // The simulator's segments, with audio and a timing as a real recording would have.
        const original = leg.record.bind(leg);
        const record = () => {
          const handle = original()!;
          return {
            stop: async () => {
              const { segments } = await handle.stop();
              return {
                segments,
                audio: { wav, timing: { offsets: segments.map(() => 7), totalSeconds: 77 } },
              };
            },
          };
        };
        return { ...connect, leg: Object.assign(leg, { record }) };
      },
    };
    const kept: Buffer[] = [];
    let synthesised = 0;
    const recorder = {
      record: async () => {
        synthesised += 1;
        return { offsets: [], totalSeconds: 0 };
      },
      keep: async (
        _call: ClaimedCall,
        audio: Buffer,
        timing: { offsets: number[]; totalSeconds: number },
      ) => {
        kept.push(audio);
        return timing;
      },
    };
    const end = await voiceCall(
      { callControl: recordingAdapter, nlu: new KeywordNlu(), recorder },
      claimed(0, NUMBERS.cooperative!),
    );
    assert.deepEqual(kept, [wav]);
    assert.equal(synthesised, 0, 'no audio synthesised for a call that has its own');
    assert.equal(end.endedAt.getTime(), STARTED.getTime() + (end.ringTime + 77) * 1000);
    assert.deepEqual([...new Set(end.result.asr_result.map((a) => a.time))], [formatOffset(7)]);
  });
});
