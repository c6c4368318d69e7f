import type { Speaker } from './tts.ts';

// Which espeak-ng voice speaks a language, and the variant that makes robot and callee sound
// like two people. Every voice here is checked to exist by test/recordings/espeak-tts.test.ts.

/** Language (lowercase BCP 47, or its primary subtag) → espeak-ng voice name. */
const VOICES: Readonly<Record<string, string>> = {
  en: 'en-us',
  'en-us': 'en-us',
  'en-gb': 'en-gb',
  id: 'id',
  ms: 'ms',
  zh: 'cmn',
  'zh-cn': 'cmn',
  cmn: 'cmn',
  'zh-hk': 'yue',
  yue: 'yue',
  th: 'th',
  vi: 'vi',
  hi: 'hi',
  ur: 'ur',
  bn: 'bn',
  ta: 'ta',
  ar: 'ar',
  tr: 'tr',
  ja: 'ja',
  ko: 'ko',
  es: 'es-419',
  'es-es': 'es',
  pt: 'pt-br',
  'pt-pt': 'pt',
  fr: 'fr-fr',
  de: 'de',
  ru: 'ru',
};

/** The language's voice when espeak-ng has none (Tagalog, for one): English. */
export const FALLBACK_VOICE = 'en-us';

/** A female variant for the robot and a male one for the callee, as in most of AIRudder's robots. */
const VARIANTS: Readonly<Record<Speaker, string>> = { robot: 'f3', callee: 'm3' };

export function espeakVoice(language: string, speaker: Speaker): string {
  const tag = language.trim().toLowerCase().replaceAll('_', '-');
  const voice = VOICES[tag] ?? VOICES[tag.split('-')[0] ?? ''] ?? FALLBACK_VOICE;
  return `${voice}+${VARIANTS[speaker]}`;
}

export const espeakLanguages: readonly string[] = Object.keys(VOICES);
