// Yes or no, in English and Indonesian. The first answer said decides ("iya, belum bayar" is a
// yes to "have you not paid?"); phrases are checked before single words because "no problem"
// and "tidak masalah" agree, and "not sure" is no answer at all.
import { normaliseWords } from './normalise.ts';

const YES_WORDS = new Set([
  'yes',
  'yeah',
  'yea',
  'yep',
  'yup',
  'ya',
  'yah',
  'iya',
  'correct',
  'right',
  'alright',
  'sure',
  'okay',
  'ok',
  'oke',
  'absolutely',
  'definitely',
  'certainly',
  'affirmative',
  'agree',
  'betul',
  'benar',
  'bener',
  'boleh',
  'sip',
  'siap',
  'tentu',
  'pasti',
  'setuju',
  'sudah',
  'bisa',
  'mau',
  'gpp',
  'gapapa',
]);

const NO_WORDS = new Set([
  'no',
  'nope',
  'nah',
  'not',
  'never',
  'wrong',
  'incorrect',
  'negative',
  'tidak',
  'bukan',
  'belum',
  'salah',
  'jangan',
  'nggak',
  'ngga',
  'gak',
  'ga',
  'enggak',
  'engga',
  'tak',
  'ndak',
  'kagak',
]);

const PHRASES: [string, 'yes' | 'no' | null][] = [
  ['no problem', 'yes'],
  ['not a problem', 'yes'],
  ['no worries', 'yes'],
  ['why not', 'yes'],
  ['of course', 'yes'],
  ['tidak masalah', 'yes'],
  ['tidak apa apa', 'yes'],
  ['tidak apa', 'yes'],
  ['tidak papa', 'yes'],
  ['not sure', null],
  ['do not know', null],
  ['no idea', null],
  ['tidak tahu', null],
  ['tidak yakin', null],
  ['kurang tahu', null],
  ['belum tahu', null],
  ['maybe', null],
  ['perhaps', null],
  ['mungkin', null],
  ['entah', null],
];

// Held letters are already squeezed by the normaliser ("yesss" -> "yes"); these catch the
// doubled ones people type ("yess", "iyaa", "noo").
const YES_SHAPE = /^(y+e+s+|y+e+a+h*|i*y+a+h*)$/;
const NO_SHAPE = /^(n+o+|n+o+p+e+)$/;

// Murmured agreement, which the normaliser drops as hesitation.
const MURMUR = /\b(uh[- ]?huh|m+[- ]?hm+|mhm)\b/i;

export function extractYesNo(text: string, language: string): 'yes' | 'no' | null {
  const { words } = normaliseWords(text, language);
  for (let i = 0; i < words.length; i++) {
    for (const [phrase, answer] of PHRASES) {
      const parts = phrase.split(' ');
      if (parts.every((p, k) => words[i + k] === p)) return answer;
    }
    const w = words[i] ?? '';
    // "absolutely not", "sure not"
    if (YES_WORDS.has(w) || YES_SHAPE.test(w)) return words[i + 1] === 'not' ? 'no' : 'yes';
    if (NO_WORDS.has(w) || NO_SHAPE.test(w)) return 'no';
  }
  return MURMUR.test(text) ? 'yes' : null;
}
