import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personaFor, SimulatedCallee } from '../../src/channels/telephony/simulated/personas.ts';
import { converse, runConversation } from '../../src/dialogue/engine.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { estimateTimeline } from '../../src/dialogue/timeline.ts';
import { toAirudderResult } from '../../src/modules/tasks/airudder-result.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { formatOffset } from '../../src/shared/time.ts';
import { CALLEE, NOW, ZONE } from '../conversations/scripts.ts';

// The domain result becomes the AIRudder call result at the tasks module's edge: every built-in
// robot against the answering personas gives, through toAirudderResult, exactly the fields the
// legacy converse() view names, with each transcript line at its segment's offset.

const NUMBERS = ['+6281234567000', '+6281234567001', '+6281234567002', '+6281234567003'];

describe('AIRudder result at the edge', () => {
  for (const { robot_id, definition: robot } of builtinRobots()) {
    it(`maps robot ${robot_id}'s results field for field`, async () => {
      for (const number of NUMBERS) {
        const options = () => ({
          robot,
          vars: { ...CALLEE, callee_number: number },
          callee: new SimulatedCallee(personaFor(number)),
          nlu: new KeywordNlu(),
          context: { now: NOW, timeZone: ZONE },
        });
        const result = await runConversation(options());
        const legacy = await converse(options());
        const timing = estimateTimeline(result.segments);
        const wire = toAirudderResult(result, timing);
        assert.deepEqual(wire, {
          ring_type: 'normal',
          intention: legacy.intention,
          intention_description: legacy.intention_description,
          talk_round: legacy.talk_round,
          ner_slots: legacy.ner_slots,
          slots: '',
          multi_label: legacy.multi_label,
          asr_ptp: legacy.asr_ptp,
          asr_result: legacy.turns.map((t) => ({
            time: formatOffset(timing.offsets[t.segment]!),
            robottext: t.robottext,
            text: t.text,
          })),
          question_answer: legacy.question_answer,
        });
        assert.ok(wire.asr_result.length > 0);
      }
    });
  }
});
