import { FakeLlm } from '../../src/dialogue/llm/fake-llm.ts';
import { ScriptedNlu } from '../../src/dialogue/nlu/fake-nlu.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { LlmNlu } from '../../src/dialogue/nlu/llm-nlu.ts';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import { NLU_CASES, nluConformance } from './nlu.conformance.ts';

const scripted = () =>
  new ScriptedNlu({
    intents: Object.fromEntries(NLU_CASES.classify.map((c) => [c.text, c.intent])),
    values: Object.fromEntries(NLU_CASES.extract.map((c) => [c.text, { [c.slot]: c.value }])),
  });

nluConformance('ScriptedNlu (the fake)', {
  make: scripted,
  failing: () =>
    new ScriptedNlu({
      failures: [new ProviderError('fake-nlu', 'unavailable', 'scripted outage')],
    }),
});

nluConformance('KeywordNlu', { make: () => new KeywordNlu() });

// A model that always fails: the LLM NLU must still answer, through its deterministic fallback.
nluConformance('LlmNlu over a failing model', {
  make: () =>
    new LlmNlu({
      llm: new FakeLlm(
        Array.from(
          { length: 20 },
          () => new ProviderError('fake-llm', 'rate_limited', 'slow down'),
        ),
      ),
    }),
});
