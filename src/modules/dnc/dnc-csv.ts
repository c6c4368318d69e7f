// Reads a do-not-call import file: one number per line, optionally a reason in a second column.
// The format is what spreadsheets export and what people type by hand, so it forgives what is
// harmless (a header line, blank lines, `#` comments, CRLF, a byte-order mark, quoted fields)
// and reports what is ambiguous (a third column, an unclosed quote) instead of guessing.
// Fields are split by csv-parse (RFC 4180 quoting); which lines count, and what a row means,
// is decided here.
import { CsvError, parse, type Options } from 'csv-parse/sync';

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

interface DataLine {
  line: number;
  text: string;
}

export function readDncCsv(text: string, maxEntries: number): CsvContent {
  const entries: CsvEntry[] = [];
  const problems: CsvProblem[] = [];
  const data: DataLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    data.push({ line: i + 1, text: raw });
  }
  const rows = splitRows(data);
  let seenData = false;
  for (let i = 0; i < data.length; i++) {
    const { line, text: raw } = data[i]!;
    // PostgreSQL cannot store NUL in text; refuse it here rather than fail the whole transaction.
    if (raw.includes('\u0000')) {
      problems.push({ line, problem: 'contains a NUL character' });
      continue;
    }
    const fields = rows[i]!;
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

const OPTIONS: Options = {
  // Rows differ in length (a number alone, a number and a reason); the caller judges the count.
  relax_column_count: true,
  // `ab"c` is a stray quote inside a plain field, kept as written.
  relax_quotes: true,
  trim: true,
};

/**
 * The trimmed fields of each line, or what is wrong with it. A field may not span lines (an
 * unclosed quote is reported on its own line), so the whole file is split in one call only when
 * that gives exactly one row per line; otherwise the lines without a quote still go in one call
 * and each line with a quote alone, where its error belongs to it.
 */
function splitRows(lines: readonly DataLine[]): (string[] | string)[] {
  const together = tryParse(lines.map((l) => l.text).join('\n'));
  if (Array.isArray(together) && together.length === lines.length) return together.map(trimAll);
  const plain = lines.filter((l) => !l.text.includes('"'));
  const plainRows = plain.length > 0 ? parseOrThrow(plain.map((l) => l.text).join('\n')) : [];
  let next = 0;
  return lines.map((l) => {
    if (!l.text.includes('"')) return trimAll(plainRows[next++]!);
    const row = tryParse(l.text);
    return typeof row === 'string' ? row : trimAll(row[0] ?? []);
  });
}

function tryParse(text: string): string[][] | string {
  try {
    return parseOrThrow(text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') return 'unclosed quote (a field may not span lines)';
    if (
      error.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE' ||
      error.code === 'CSV_INVALID_CLOSING_QUOTE'
    ) {
      return 'text after a closing quote';
    }
    return `cannot be read as CSV (${error.message})`;
  }
}

function parseOrThrow(text: string): string[][] {
  return parse(text, OPTIONS) as string[][];
}

/** csv-parse trims spaces and tabs around a field; a spreadsheet's other blanks go too. */
function trimAll(fields: string[]): string[] {
  return fields.map((f) => f.trim());
}
