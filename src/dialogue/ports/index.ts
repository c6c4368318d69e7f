// The dialogue engine's ports in one place: turn input and output, and the providers it uses
// (docs/providers.md). The existing Tts and Nlu interfaces stay where they were defined.
export type * from './turn.ts';
export type { ChatMessage, CompletionOptions, Llm } from './llm.ts';
export type { Stt, SttOptions, Transcript } from './stt.ts';
export { transcribeWav } from './stt.ts';
export type { Pcm, Speaker, Tts } from '../tts/tts.ts';
export type { IntentMatch, IntentOption, Nlu, NluContext, SlotType } from '../nlu/nlu.ts';
export { ProviderError, type ProviderErrorKind } from './provider-error.ts';
