import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readDncCsv } from '../../src/modules/dnc/dnc-csv.ts';

// The import file format on its own (no store): what is forgiven and what is reported.

describe('do-not-call CSV reader', () => {
  it('skips one header line, blank lines and comments, and keeps line numbers', () => {
    const { entries, problems } = readDncCsv(
      'phone,reason\n\n# comment\n  # indented comment\n+6281200000001,a\n',
      10,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(entries, [{ line: 5, number: '+6281200000001', reason: 'a' }]);
  });

  it('treats only the first data line as a possible header, and never one with digits', () => {
    const { entries } = readDncCsv('+6281200000001\nnumber\n', 10);
    assert.deepEqual(
      entries.map((e) => e.number),
      ['+6281200000001', 'number'],
      'a later wordy line is a bad number for the service to report',
    );
    assert.equal(readDncCsv('12345\n', 10).entries.length, 1, 'digits: not a header');
  });

  it('reads quoted fields with doubled quotes and commas', () => {
    const { entries, problems } = readDncCsv(
      '"+62 812 0000 0001" , "said ""stop"", twice"\n+6281200000002,"",\n',
      10,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(entries, [
      { line: 1, number: '+62 812 0000 0001', reason: 'said "stop", twice' },
      { line: 2, number: '+6281200000002', reason: null },
    ]);
  });

  it('accepts CR, LF and CRLF line ends and a byte-order mark', () => {
    const { entries } = readDncCsv('\uFEFF+6281200000001\r+6281200000002\r\n+6281200000003', 10);
    assert.deepEqual(
      entries.map((e) => [e.line, e.number]),
      [
        [1, '+6281200000001'],
        [2, '+6281200000002'],
        [3, '+6281200000003'],
      ],
    );
  });

  it('reports extra columns, unclosed quotes and text after a quote by line', () => {
    const { entries, problems } = readDncCsv(
      '+6281200000001,a,b\n"+6281200000002\n"+6281200000003"x,r\n+6281200000004,a,,\n',
      10,
    );
    assert.deepEqual(
      problems.map((p) => p.line),
      [1, 2, 3],
    );
    assert.match(problems[0]!.problem, /3 columns/);
    assert.match(problems[1]!.problem, /unclosed quote/);
    assert.match(problems[2]!.problem, /after a closing quote/);
    assert.deepEqual(entries, [{ line: 4, number: '+6281200000004', reason: 'a' }]);
  });

  it('stops at the limit and says so', () => {
    const result = readDncCsv('+6281200000001\n+6281200000002\n+6281200000003\n', 2);
    assert.equal(result.tooLong, true);
    assert.equal(result.entries.length, 2);
    assert.equal(readDncCsv('+6281200000001\n+6281200000002\n', 2).tooLong, false);
  });

  it('reads the lines after an unclosed quote on their own (a field never spans lines)', () => {
    const { entries, problems } = readDncCsv(
      '+6281200000001,a\n"+6281200000002,b\n+6281200000003,"c, d"\n+6281200000004\n',
      10,
    );
    assert.deepEqual(problems, [
      { line: 2, problem: 'unclosed quote (a field may not span lines)' },
    ]);
    assert.deepEqual(entries, [
      { line: 1, number: '+6281200000001', reason: 'a' },
      { line: 3, number: '+6281200000003', reason: 'c, d' },
      { line: 4, number: '+6281200000004', reason: null },
    ]);
  });

  it('trims spreadsheet blanks (no-break space, form feed) around fields', () => {
    const { entries, problems } = readDncCsv(
      '\u00A0"+6281200000001"\f,\f"a"\n+6281200000002\u00A0,\u00A0b\u00A0\n',
      10,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(entries, [
      { line: 1, number: '+6281200000001', reason: 'a' },
      { line: 2, number: '+6281200000002', reason: 'b' },
    ]);
  });

  it('keeps a stray quote inside a plain field as written', () => {
    const { entries } = readDncCsv('+6281200000001,5" floppy\n', 10);
    assert.deepEqual(entries, [{ line: 1, number: '+6281200000001', reason: '5" floppy' }]);
  });
});
