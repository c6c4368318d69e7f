import { appendFileSync, readFileSync } from 'node:fs';

// The simulators' ledger files (the carrier's dials, the messaging channel's sends): one JSON
// line per entry, appended synchronously so an entry is on disk before the act it records is
// answered, and read back after a crash. Entries carry their time as `at`.

/** Appends one entry as a JSON line. */
export function appendLedgerLine(file: string, entry: { at: Date }): void {
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** The entries a ledger file holds, in order, `at` as a Date (an absent file holds none). */
export function readLedgerLines<T extends { at: Date }>(file: string): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as Omit<T, 'at'> & { at: string };
      return { ...raw, at: new Date(raw.at) } as T;
    });
}
