import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIGITS_PHRASE } from '../../src/dialogue/stt/jsgf-grammar.ts';
import { turnGrammar } from '../../src/dialogue/voice/turn-grammar.ts';

// The grammar a turn gives a recogniser: the robot's expected phrases, plus the words of the slot
// it asks for; none where the answers cannot be listed.

describe('the grammar of a turn', () => {
  const phrases = ['already paid', 'call me later'];

  it("is the expected intents' phrases for a question", () => {
    assert.deepEqual(
      turnGrammar({ expects: { kind: 'intent', intents: ['paid'] }, phrases }),
      phrases,
    );
  });

  it('adds the ways to say a date, digits or yes and no to a slot', () => {
    const date = turnGrammar({
      expects: { kind: 'slot', slotType: 'date', intents: ['paid'] },
      phrases,
    })!;
    assert.deepEqual(date.slice(0, 2), phrases);
    assert.ok(date.includes('tomorrow') && date.includes('next friday'));
    assert.deepEqual(
      turnGrammar({ expects: { kind: 'verify', slotType: 'digits', expected: '1234' } }),
      [DIGITS_PHRASE],
    );
    assert.ok(
      turnGrammar({ expects: { kind: 'slot', slotType: 'yes_no', intents: [] } })!.includes('no'),
    );
  });

  it('gives none where the answers cannot be listed, or nothing is expected', () => {
    assert.equal(turnGrammar({ expects: { kind: 'nothing' } }), undefined);
    assert.equal(turnGrammar({ expects: { kind: 'intent', intents: [] } }), undefined);
    assert.equal(
      turnGrammar({ expects: { kind: 'slot', slotType: 'free_text', intents: [] }, phrases }),
      undefined,
    );
    assert.equal(
      turnGrammar({ expects: { kind: 'verify', slotType: 'free_text', expected: 'Budi' } }),
      undefined,
    );
  });
});
