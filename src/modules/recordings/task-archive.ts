import { Readable } from 'node:stream';
import { Zip, ZipPassThrough } from 'fflate';
import type { RecordingRow } from './recordings.repository.ts';
import type { StoredObject } from './recording-store.ts';

// The zip of a task's recordings (GET /service/cloud/recording), streamed as it is read: one
// recording in memory at a time, whatever the size of the task. Entries are stored, not
// deflated: PCM speech shrinks little and deflate would cost CPU on every download.
//
// fflate writes no ZIP64 records, so one archive must stay under 4 GiB; a larger task is split
// into parts, each its own link (about 2,000 one-minute calls per part).

const ZIP_LIMIT = 4_000_000_000;
/** Local header, data descriptor and central directory entry of one file, name included. */
const ENTRY_OVERHEAD = 30 + 16 + 46 + 2 * 40;

export interface ArchiveEntry {
  name: string;
  mtime: Date;
  open(): Promise<StoredObject | undefined>;
}

/** The task's recordings split into parts that each fit in one zip, in the given order. */
export function archiveParts(rows: RecordingRow[], limit = ZIP_LIMIT): RecordingRow[][] {
  const parts: RecordingRow[][] = [[]];
  let size = 22; // end of central directory
  for (const row of rows) {
    const entry = row.bytes + ENTRY_OVERHEAD;
    if (parts.at(-1)!.length > 0 && size + entry > limit) {
      parts.push([]);
      size = 22;
    }
    parts.at(-1)!.push(row);
    size += entry;
  }
  return parts;
}

/** A zip of the entries; a recording missing from the store is left out. */
export function zipStream(entries: ArchiveEntry[]): Readable {
  return Readable.from(zipChunks(entries), { objectMode: false });
}

async function* zipChunks(entries: ArchiveEntry[]): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else ready.push(chunk);
  });
  // Hands over what fflate produced so far; the consumer's pace pulls the next file in.
  function* drain(): Generator<Uint8Array> {
    if (failure) throw failure;
    while (ready.length > 0) yield ready.shift()!;
  }
  for (const entry of entries) {
    const stored = await entry.open();
    if (!stored) continue;
    const file = new ZipPassThrough(entry.name);
    file.mtime = entry.mtime;
    zip.add(file);
    for await (const chunk of stored.body) {
      file.push(chunk as Uint8Array);
      yield* drain();
    }
    file.push(new Uint8Array(0), true);
    yield* drain();
  }
  zip.end();
  yield* drain();
}
