// Info-check answers normalised as the spec's example ("answer": "ss02" for "s s cero dos"):
// the raw words in answer_text, the normalised answer in answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RobotNode } from '../../src/dialogue/script/robot-script.ts';
import { verifyAnswer } from '../../src/dialogue/verify.ts';

const node = (slot_type: 'free_text' | 'digits', expect: string) =>
  ({
    type: 'verify',
    say: 'Please tell me.',
    question: { name: 'Q1', content: 'Check', type: 'open' },
    slot_type,
    expect,
    next: 'end',
  }) as Extract<RobotNode, { type: 'verify' }>;

describe('verifyAnswer', () => {
  it('gives a matched name as the expected value, lower case, without the lead-in', () => {
    const text = 'It is Budi Santoso.';
    const qa = verifyAnswer(
      node('free_text', '{callee_name}'),
      { callee_name: 'Budi Santoso' },
      text,
      text,
    );
    assert.equal(qa.verification_results, 'Match');
    assert.equal(qa.answer, 'budi santoso');
    assert.equal(qa.answer_text, 'It is Budi Santoso.');
    assert.equal(qa.answer_text_slot, 'budi santoso');
    assert.equal(qa.var, 'Budi Santoso');
  });

  it('gives a mismatched name as said, folded, without the lead-in', () => {
    const text = 'Nama saya Jóko Widodo!';
    const qa = verifyAnswer(
      node('free_text', '{callee_name}'),
      { callee_name: 'Budi' },
      text,
      text,
    );
    assert.equal(qa.verification_results, 'Mismatch');
    assert.equal(qa.answer, 'joko widodo');
  });

  it('gives a slot its extracted value, and no slot when none was heard', () => {
    const qa = verifyAnswer(
      node('digits', '{id_last4}'),
      { id_last4: '1234' },
      'It is 1234.',
      '1234',
    );
    assert.deepEqual(
      [qa.answer, qa.answer_text_slot, qa.verification_results],
      ['1234', '1234', 'Match'],
    );
    const none = verifyAnswer(node('digits', '{id_last4}'), { id_last4: '1234' }, 'I forgot', null);
    assert.deepEqual(
      [none.answer, none.answer_text_slot, none.verification_results],
      ['i forgot', '', 'Mismatch'],
    );
  });
});
