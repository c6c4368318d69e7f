// The simulation's clock: a binary min-heap of timed events. Events at the same instant come out
// in the order they were scheduled, so a run is deterministic.

export interface Timed<T> {
  at: number;
  order: number;
  event: T;
}

export class EventQueue<T> {
  readonly #heap: Timed<T>[] = [];
  #scheduled = 0;

  get size(): number {
    return this.#heap.length;
  }

  schedule(at: number, event: T): void {
    this.#heap.push({ at, order: this.#scheduled++, event });
    this.#up(this.#heap.length - 1);
  }

  peekTime(): number | undefined {
    return this.#heap[0]?.at;
  }

  pop(): Timed<T> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top && last && heap.length > 0) {
      heap[0] = last;
      this.#down(0);
    }
    return top;
  }

  #before(a: Timed<T>, b: Timed<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  #up(index: number): void {
    const heap = this.#heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#before(heap[index]!, heap[parent]!)) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  #down(index: number): void {
    const heap = this.#heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && this.#before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.#before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}
