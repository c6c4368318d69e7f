import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntentOption, Nlu, NluContext, SlotType } from '../../src/dialogue/nlu/nlu.ts';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';

// What every Nlu must do (docs/providers.md): pick only an offered intent or none, with a
// confidence in 0..1; give slot values in their normal form, or null; fail with ProviderErrors.
// The cases are plain English a keyword matcher and a model both understand; a scripted fake
// is made to answer them (NLU_CASES).

export const NLU_CONTEXT: NluContext = {
  language: 'en',
  now: new Date('2026-11-20T03:00:00Z'),
  timeZone: 'Asia/Jakarta',
};

export const NLU_INTENTS: IntentOption[] = [
  { name: 'yes', phrases: ['yes', 'that is me', 'speaking'] },
  { name: 'wrong_person', phrases: ['wrong number', 'not me'] },
];

export const NLU_CASES = {
  classify: [
    { text: 'yes, speaking', intent: 'yes' },
    { text: 'sorry, wrong number', intent: 'wrong_person' },
    { text: 'the weather is nice', intent: null },
  ],
  extract: [
    { text: 'tomorrow', slot: 'date', value: '2026-11-21' },
    { text: 'I can pay 150000', slot: 'amount', value: '150000.00' },
    { text: 'yes', slot: 'yes_no', value: 'yes' },
    { text: '1 2 3 4', slot: 'digits', value: '1234' },
    { text: 'hmm', slot: 'date', value: null },
  ] as Array<{ text: string; slot: SlotType; value: string | null }>,
};

const FORMS: Record<SlotType, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  amount: /^\d+\.\d{2}$/,
  yes_no: /^(yes|no)$/,
  digits: /^\d+$/,
  free_text: /\S/,
};

export interface NluFactory {
  make(): Nlu;
  /** An NLU whose next call fails, when the provider has a way to fail on demand. */
  failing?: () => Nlu;
}

export function nluConformance(name: string, factory: NluFactory): void {
  describe(`Nlu conformance: ${name}`, () => {
    const nlu = factory.make();

    for (const c of NLU_CASES.classify) {
      it(`classifies "${c.text}" as ${c.intent ?? 'no match'}, among the offered intents only`, async () => {
        const match = await nlu.classify(c.text, NLU_INTENTS, NLU_CONTEXT);
        assert.equal(match.intent, c.intent);
        assert.ok(match.confidence >= 0 && match.confidence <= 1);
        if (match.intent === null) assert.equal(match.confidence, 0);
      });
    }

    for (const c of NLU_CASES.extract) {
      it(`extracts ${c.slot} from "${c.text}" in its normal form`, async () => {
        const value = await nlu.extract(c.text, c.slot, NLU_CONTEXT);
        assert.equal(value, c.value);
        if (value !== null) assert.match(value, FORMS[c.slot]);
      });
    }

    if (factory.failing) {
      const failing = factory.failing;
      it('fails with a ProviderError that says whether to retry', async () => {
        const err = await failing()
          .classify('yes', NLU_INTENTS, NLU_CONTEXT)
          .then(
            () => assert.fail('did not fail'),
            (e: unknown) => e,
          );
        assert.ok(err instanceof ProviderError, String(err));
        assert.equal(typeof err.retryable, 'boolean');
      });
    }
  });
}
