// One reader of a session's incoming frames: an async iterable fed by the 20 ms clock. Frames
// wait in a queue until read, so a reader that is busy for a moment (an STT call) loses nothing;
// `at` is the frame's place in the session's media time (0 = the first frame it heard).

export interface MediaFrame {
  samples: Int16Array;
  sampleRate: number;
  /** Milliseconds of media time since the first frame. */
  at: number;
}

export class FrameStream implements AsyncIterable<MediaFrame> {
  readonly #queue: MediaFrame[] = [];
  #waiting: ((result: IteratorResult<MediaFrame>) => void) | undefined;
  #ended = false;
  readonly #onDone: () => void;

  constructor(onDone: () => void) {
    this.#onDone = onDone;
  }

  push(item: MediaFrame): void {
    if (this.#ended) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve({ value: item, done: false });
    } else this.#queue.push(item);
  }

  end(): void {
    this.#ended = true;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<MediaFrame> {
    return {
      next: () => {
        const item = this.#queue.shift();
        if (item) return Promise.resolve({ value: item, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiting = resolve));
      },
      return: () => {
        this.#ended = true;
        this.#queue.length = 0;
        this.#onDone();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
