import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { ProviderError } from '../../src/dialogue/ports/provider-error.ts';
import { PocketsphinxStt } from '../../src/dialogue/stt/pocketsphinx-stt.ts';
import { phraseWords } from '../../src/dialogue/stt/jsgf-grammar.ts';
import { EspeakTts } from '../../src/dialogue/tts/espeak-tts.ts';
import { sttConformance } from '../conformance/stt.conformance.ts';

// pocketsphinx_continuous from Debian (npm run test:speech). The WER table of docs/speech.md
// comes from the last test: eSpeak NG phrases at 16 and 8 kHz, with and without a grammar.

const installed =
  spawnSync('pocketsphinx_continuous', ['-h'], { stdio: 'ignore' }).error === undefined;
if (!installed) {
  console.log('# pocketsphinx_continuous is not installed (Debian package pocketsphinx): skipped');
} else {
  const wide = new EspeakTts({ sampleRate: 16_000 });
  const narrow = new EspeakTts({ sampleRate: 8_000 });
  after(() => Promise.all([wide.close(), narrow.close()]));

  sttConformance('PocketsphinxStt', {
    make: () => new PocketsphinxStt(),
    speech: () => wide.synthesize('yes that is me', 'en', 'callee'),
    failing: () => new PocketsphinxStt({ binary: 'tiller-no-such-pocketsphinx' }),
  });

  const PHRASES = [
    'yes I will pay tomorrow',
    'no',
    'yes that is me',
    'I will pay next friday',
    'I cannot pay this month',
    'wrong number',
    'call me later',
    'one two three four',
    'five six seven eight nine zero',
  ];
  const GRAMMAR = [...PHRASES.slice(0, 7), '<digits>'];

  describe('PocketsphinxStt', () => {
    it('refuses a language other than English', async () => {
      const pcm = await wide.synthesize('saya akan bayar', 'id', 'callee');
      const err = await new PocketsphinxStt().transcribe(pcm, { language: 'id' }).then(
        () => assert.fail('transcribed Indonesian'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ProviderError && err.kind === 'rejected', String(err));
      assert.match(err.message, /English/);
    });

    it('recognises the test phrases, best with a grammar at 16 kHz', async () => {
      const stt = new PocketsphinxStt();
      const rows: string[] = [];
      const wer: Record<string, number> = {};
      for (const [rate, tts] of [
        [16_000, wide],
        [8_000, narrow],
      ] as const) {
        for (const grammar of [true, false]) {
          let errors = 0;
          let words = 0;
          for (const phrase of PHRASES) {
            const pcm = await tts.synthesize(phrase, 'en', 'callee');
            const heard = await stt.transcribe(
              pcm,
              grammar ? { language: 'en', grammar: GRAMMAR } : { language: 'en' },
            );
            const ref = phraseWords(phrase);
            errors += editDistance(ref, phraseWords(heard.text));
            words += ref.length;
            rows.push(`| ${rate} | ${grammar ? 'yes' : 'no'} | ${phrase} | ${heard.text} |`);
          }
          wer[`${rate}/${grammar ? 'grammar' : 'lm'}`] = errors / words;
        }
      }
      console.log(`# WER ${JSON.stringify(wer)}`);
      console.log(rows.map((r) => `# ${r}`).join('\n'));
      assert.ok(
        wer['16000/grammar']! <= 0.35,
        `WER with a grammar at 16 kHz: ${wer['16000/grammar']}`,
      );
      assert.ok(wer['16000/grammar']! <= wer['16000/lm']!, 'the grammar does not help');
    });
  });
}

function editDistance(a: string[], b: string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length]!;
}
