// A JSGF grammar for pocketsphinx from the phrases the robot expects this turn. A grammar turns
// an open-vocabulary guess into a choice among a few phrases, which is what makes the small
// en-US model usable at all (docs/speech.md has the figures). Words the dictionary lacks are
// dropped (pocketsphinx refuses a grammar with an unknown word), digits become words, and the
// phrase '<digits>' stands for any string of spoken digits.

const DIGIT_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
];
export const DIGITS_PHRASE = '<digits>';

/** Lowercase words of a phrase, digits spelled out, punctuation gone. */
export function phraseWords(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .replace(/\d/g, (d) => ` ${DIGIT_WORDS[Number(d)]} `)
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
}

/**
 * The grammar text, or undefined when no phrase is left (then the caller uses the language
 * model). `known` says whether the dictionary has a word.
 */
export function jsgfGrammar(
  phrases: string[],
  known: (word: string) => boolean,
): string | undefined {
  const alternatives = new Set<string>();
  let digits = false;
  for (const phrase of phrases) {
    if (phrase.trim() === DIGITS_PHRASE) {
      digits = true;
      continue;
    }
    const words = phraseWords(phrase).filter(known);
    if (words.length > 0) alternatives.add(words.join(' '));
  }
  if (digits) alternatives.add('<digit>+');
  if (alternatives.size === 0) return undefined;
  return [
    '#JSGF V1.0;',
    'grammar turn;',
    `<digit> = ${DIGIT_WORDS.join(' | ')};`,
    `public <answer> = ${[...alternatives].join(' | ')};`,
    '',
  ].join('\n');
}
