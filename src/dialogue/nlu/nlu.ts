// Understanding what a callee said, behind one interface: the deterministic default
// (keyword-nlu.ts) and an optional OpenAI-compatible adapter implement it; tests use fakes.

/** What the engine knows when it asks: the robot's language and when and where the call is. */
export interface NluContext {
  /** BCP 47 primary language of the robot: 'en', 'id', ... */
  language: string;
  /** The moment of the utterance, to resolve "tomorrow" / "besok" / "next Friday". */
  now: Date;
  /** The callee's IANA zone: relative dates are calendar dates there. */
  timeZone: string;
}

/** An intent the current node expects, with example phrases in the robot's language. */
export interface IntentOption {
  name: string;
  phrases: string[];
}

export interface IntentMatch {
  /** The best intent, or null when nothing matched well enough (a no-match). */
  intent: string | null;
  /** 0..1 */
  confidence: number;
}

export type SlotType = 'date' | 'amount' | 'yes_no' | 'digits' | 'free_text';

export interface Nlu {
  /** Classifies an utterance among the node's intents. */
  classify(text: string, intents: IntentOption[], context: NluContext): Promise<IntentMatch>;
  /**
   * Extracts one slot value, normalised: date -> 'YYYY-MM-DD' (callee's calendar), amount ->
   * '150000.00', yes_no -> 'yes' | 'no', digits -> '0812345', free_text -> the trimmed text.
   * Returns null when the utterance holds no such value.
   */
  extract(text: string, slot: SlotType, context: NluContext): Promise<string | null>;
}
