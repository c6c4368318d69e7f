// Reads a do-not-call import file: one number per line, optionally a reason in a second column.
// The format is what spreadsheets export and what people type by hand, so it forgives what is
// harmless (a header line, blank lines, `#` comments, CRLF, a byte-order mark, quoted fields)
// and reports what is ambiguous (a third column, an unclosed quote) instead of guessing.

export interface CsvEntry {
  /** 1-based line in the file, for error messages. */
  line: number;
  /** The first column as written; the service turns it into E.164 or reports it. */
  number: string;
  reason: string | null;
}

export interface CsvProblem {
  line: number;
  /** What is wrong, ready to follow `line N: `. */
  problem: string;
}

export interface CsvContent {
  entries: CsvEntry[];
  problems: CsvProblem[];
  /** More data lines than `maxEntries`: reading stopped there. */
  tooLong: boolean;
}

export function readDncCsv(text: string, maxEntries: number): CsvContent {
  const entries: CsvEntry[] = [];
  const problems: CsvProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  let seenData = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    // PostgreSQL cannot store NUL in text; refuse it here rather than fail the whole transaction.
    if (raw.includes('\u0000')) {
      problems.push({ line, problem: 'contains a NUL character' });
      continue;
    }
    const fields = splitFields(raw);
    if (typeof fields === 'string') {
      problems.push({ line, problem: fields });
      continue;
    }
    // Spreadsheets pad rows with empty columns ("+62…,moved,"); those say nothing.
    while (fields.length > 2 && fields.at(-1) === '') fields.pop();
    const [number = '', reason = ''] = fields;
    // Only the first data line may be a header, and a header has no digit in its first column
    // ("number", "phone,reason"): any line with digits is a number to check, never skipped.
    if (!seenData) {
      seenData = true;
      if (!/\d/.test(number)) continue;
    }
    if (fields.length > 2) {
      problems.push({
        line,
        problem: `${fields.length} columns, expected NUMBER or NUMBER,REASON (quote a reason that contains commas)`,
      });
      continue;
    }
    if (entries.length === maxEntries) return { entries, problems, tooLong: true };
    entries.push({ line, number, reason: reason === '' ? null : reason });
  }
  return { entries, problems, tooLong: false };
}

/** The trimmed fields of one line (RFC 4180 quoting within the line), or what is wrong with it. */
function splitFields(line: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    let value = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return 'unclosed quote (a field may not span lines)';
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') return 'text after a closing quote';
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      value = line.slice(i, end);
      i = end;
    }
    fields.push(value.trim());
    if (i >= line.length) return fields;
    i++; // the comma
  }
}
