import { keyPressPackets } from './dtmf.ts';

// What the session sends on each 20 ms tick: key presses first (RFC 4733 events pause a play
// rather than mix with it), then the plays, one after another. Between plays nothing is sent, no
// comfort noise: RTP allows silence suppression (RFC 3551 §4.1), the marker bit tells the far end
// a new talkspurt starts, and our timestamps keep advancing with the clock over the gap.

export type Outgoing =
  | { kind: 'audio'; samples: Int16Array; marker: boolean }
  | { kind: 'event'; payload: Uint8Array; marker: boolean; newEvent: boolean }
  | { kind: 'none' };

interface QueuedPlay {
  frames: Int16Array[];
  next: number;
  settle: (completed: boolean) => void;
}

interface QueuedKeys {
  steps: Array<{ marker: boolean; payload: Uint8Array } | 'gap'>;
  next: number;
  settle: () => void;
}

/** Frames between two keys, so the far end hears them as separate presses. */
const GAP_FRAMES = 3;

export class SendQueue {
  readonly #plays: QueuedPlay[] = [];
  readonly #keys: QueuedKeys[] = [];
  #talking = false;
  readonly #frameSamples: () => number;

  constructor(frameSamples: () => number) {
    this.#frameSamples = frameSamples;
  }

  play(frames: Int16Array[]): { done: Promise<{ completed: boolean }>; stop(): void } {
    let item!: QueuedPlay;
    const done = new Promise<{ completed: boolean }>((resolve) => {
      item = { frames, next: 0, settle: (completed) => resolve({ completed }) };
    });
    if (frames.length === 0) item.settle(true);
    else this.#plays.push(item);
    return {
      done,
      stop: () => {
        const at = this.#plays.indexOf(item);
        if (at < 0) return;
        this.#plays.splice(at, 1);
        if (at === 0) this.#talking = false;
        item.settle(false);
      },
    };
  }

  keys(digits: string): Promise<void> {
    const steps: QueuedKeys['steps'] = [];
    for (const digit of digits) {
      if (steps.length > 0) for (let i = 0; i < GAP_FRAMES; i++) steps.push('gap');
      steps.push(...keyPressPackets(digit, this.#frameSamples()));
    }
    return new Promise((resolve) => {
      if (steps.length === 0) resolve();
      else this.#keys.push({ steps, next: 0, settle: resolve });
    });
  }

  /** Ends every play now (barge-in, or the session closing): each resolves completed false. */
  stopPlays(): void {
    for (const play of this.#plays.splice(0)) play.settle(false);
    this.#talking = false;
  }

  /** Ends queued key presses (the session closing): their promises resolve. */
  stopKeys(): void {
    for (const keys of this.#keys.splice(0)) keys.settle();
  }

  /** What to send on this tick. */
  next(): Outgoing {
    const keys = this.#keys[0];
    if (keys) {
      const step = keys.steps[keys.next++]!;
      if (keys.next >= keys.steps.length) {
        this.#keys.shift();
        keys.settle();
      }
      this.#talking = false;
      if (step === 'gap') return { kind: 'none' };
      return { kind: 'event', payload: step.payload, marker: step.marker, newEvent: step.marker };
    }
    const play = this.#plays[0];
    if (!play) {
      this.#talking = false;
      return { kind: 'none' };
    }
    const samples = play.frames[play.next++]!;
    const marker = !this.#talking;
    this.#talking = true;
    if (play.next >= play.frames.length) {
      this.#plays.shift();
      play.settle(true);
    }
    return { kind: 'audio', samples, marker };
  }
}
