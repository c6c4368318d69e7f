import { Readable } from 'node:stream';

// HTTP Range for signed links (recordings, uploads; RFC 9110 §14): browsers' audio players ask
// for `bytes=N-` to seek and will not seek in a file served without ranges; WhatsApp and
// browsers fetch media the same way.

export type RangeAnswer =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * Reads a Range header against a body of `size` bytes. One range is served; a header that is
 * not a single bytes range (several ranges, another unit, garbage) is ignored, which the RFC
 * allows, and the whole body is sent.
 */
export function readRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return { kind: 'full' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '') {
    // `bytes=-N`: the last N bytes.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** The bytes start..end (inclusive) of a stream; the source is closed once they are passed. */
export function sliceStream(source: Readable, start: number, end: number): Readable {
  async function* slice() {
    let position = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const from = Math.max(start - position, 0);
      const to = Math.min(end + 1 - position, chunk.length);
      if (to > from) yield chunk.subarray(from, to);
      position += chunk.length;
      if (position > end) break;
    }
  }
  return Readable.from(slice(), { objectMode: false });
}
