// Answering machines greet in speech ("leave a message after the tone"): an answer that contains
// one of the robot's voicemail phrases ends a voice call as voicemail.

/** Whether `text` contains one of `phrases`, ignoring case, accents and punctuation. */
export function isVoicemail(text: string, phrases: string[]): boolean {
  const said = simplify(text);
  return phrases.some((p) => said.includes(simplify(p)));
}

function simplify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
