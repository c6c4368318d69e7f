// The deterministic slot extractors: dates, amounts, yes/no, digits, free text, in English and
// Indonesian, with typos and fillers. Relative dates resolve on the callee's calendar.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import type { NluContext } from '../../src/dialogue/nlu/nlu.ts';

import { jakarta, newYork } from './nlu-contexts.ts';

const nlu = new KeywordNlu();

describe('KeywordNlu.extract date', () => {
  // Jakarta: today is Friday 2024-03-15 (UTC: Thursday 14th).
  const jakartaCases: [string, string | null][] = [
    ['hari ini', '2024-03-15'],
    ['sekarang juga', '2024-03-15'],
    ['besok', '2024-03-16'],
    ['Besok aja ya', '2024-03-16'],
    ['eh, besk pak', '2024-03-16'],
    ['bsk', '2024-03-16'],
    ['lusa', '2024-03-17'],
    ['besok lusa', '2024-03-17'],
    ['bukan besok, lusa', '2024-03-17'],
    ['besok, eh, lusa deh', '2024-03-17'],
    ['3 hari lagi', '2024-03-18'],
    ['tiga hari lagi', '2024-03-18'],
    ['dalam 10 hari', '2024-03-25'],
    ['sehari lagi', '2024-03-16'],
    ['minggu depan', '2024-03-22'],
    ['pekan depan', '2024-03-22'],
    ['seminggu lagi', '2024-03-22'],
    ['dua minggu lagi', '2024-03-29'],
    ['jumat depan', '2024-03-22'],
    ['hari jumat', '2024-03-22'],
    ["Jum'at ini", '2024-03-15'],
    ['hari senin', '2024-03-18'],
    ['senen', '2024-03-18'],
    ['sabtu', '2024-03-16'],
    ['hari minggu', '2024-03-17'],
    // "depan" after a weekday is next week's, as "next Sunday" is (docs/robots.md).
    ['hari minggu depan', '2024-03-24'],
    ['minggu aja', '2024-03-17'],
    ['jumat minggu depan', '2024-03-22'],
    ['senin minggu depan', '2024-03-18'],
    ['minggu depan hari rabu', '2024-03-20'],
    ['akhir bulan', '2024-03-31'],
    ['akhir bulan depan', '2024-04-30'],
    ['awal bulan depan', '2024-04-01'],
    ['bulan depan', '2024-04-15'],
    ['akhir minggu', '2024-03-16'],
    ['tanggal 20', '2024-03-20'],
    ['tgl 20', '2024-03-20'],
    ['tanggal 10', '2024-04-10'],
    ['tanggal 15', '2024-03-15'],
    ['tanggal lima belas', '2024-03-15'],
    ['tanggal dua puluh lima', '2024-03-25'],
    ['tanggal tiga puluh satu', '2024-03-31'],
    ['dua puluh', '2024-03-20'],
    ['15 Maret', '2024-03-15'],
    ['tanggal 1 april', '2024-04-01'],
    ['tanggal 5 bulan depan', '2024-04-05'],
    ['tgl 31 bln depan', '2024-04-30'],
    ['satu', '2024-04-01'],
    ['10 maret', '2025-03-10'],
    ['20 Maret 2024', '2024-03-20'],
    ['17 agustus 2025', '2025-08-17'],
    ['2024-04-01', '2024-04-01'],
    ['01/04/2024', '2024-04-01'],
    ['1-4-24', '2024-04-01'],
    ['05/04', '2024-04-05'],
    ['saya bayar tanggal 25 ya pak', '2024-03-25'],
    ['saya tidak tahu', null],
    ['kami belum bisa bayar', null],
    ['saya lupa', null],
    ['bukan besok', null],
    ['30 februari', null],
    ['', null],
  ];
  for (const [text, expected] of jakartaCases) {
    it(`Asia/Jakarta: ${JSON.stringify(text)} -> ${expected}`, async () => {
      assert.equal(await nlu.extract(text, 'date', jakarta), expected);
    });
  }

  // New York: today is Thursday 2024-03-14 (UTC: Friday 15th).
  const newYorkCases: [string, string | null][] = [
    ['today', '2024-03-14'],
    ['tonight', '2024-03-14'],
    ['tomorrow', '2024-03-15'],
    ['tomorow', '2024-03-15'],
    ['um, tomorrow I guess', '2024-03-15'],
    ['the day after tomorrow', '2024-03-16'],
    ['in 3 days', '2024-03-17'],
    ['in three days', '2024-03-17'],
    ['three days from now', '2024-03-17'],
    ['in two weeks', '2024-03-28'],
    ['in a week', '2024-03-21'],
    ['next week', '2024-03-21'],
    // On a Thursday "next Friday" is next week's Friday; tomorrow is "Friday" or "this Friday".
    ['next Friday', '2024-03-22'],
    ['coming Friday', '2024-03-15'],
    ['next Monday', '2024-03-18'],
    ['next Thursday', '2024-03-21'],
    ['Friday', '2024-03-15'],
    ['on friday', '2024-03-15'],
    ['this Friday', '2024-03-15'],
    ['Thursday', '2024-03-21'],
    ['this Thursday', '2024-03-14'],
    ['this Wednesday', '2024-03-20'],
    ['Friday next week', '2024-03-22'],
    ['next week Monday', '2024-03-18'],
    ['fryday', '2024-03-15'],
    ['the weekend', '2024-03-16'],
    ['end of the month', '2024-03-31'],
    ['end of next month', '2024-04-30'],
    ['March 20', '2024-03-20'],
    ['March 20th, 2024', '2024-03-20'],
    ['march twenty first', '2024-03-21'],
    ['the twenty first of March', '2024-03-21'],
    ['15 March', '2024-03-15'],
    ['April 1st', '2024-04-01'],
    ['the 20th', '2024-03-20'],
    ['on the fifteenth', '2024-03-15'],
    ['the 1st', '2024-04-01'],
    ['the 14th', '2024-03-14'],
    ['03/20/2024', '2024-03-20'],
    ['04/05/2024', '2024-04-05'],
    ['20/03/2024', '2024-03-20'],
    ['not tomorrow but Friday', '2024-03-15'],
    ['I can pay today, no wait, Monday', '2024-03-18'],
    ['not until Monday', '2024-03-18'],
    ['not tomorrow', null],
    ["I can't pay tomorrow", null],
    ['I may pay', null],
    ['wait a second', null],
    ['I have no idea', null],
  ];
  for (const [text, expected] of newYorkCases) {
    it(`America/New_York: ${JSON.stringify(text)} -> ${expected}`, async () => {
      assert.equal(await nlu.extract(text, 'date', newYork), expected);
    });
  }

  it('resolves in the callee zone, not in UTC', async () => {
    // The same instant: Friday 15th in Jakarta, Thursday 14th in New York, Friday in UTC.
    const now = new Date('2024-03-15T02:00:00Z');
    const at = (timeZone: string) => ({ language: 'en', now, timeZone });
    assert.equal(await nlu.extract('tomorrow', 'date', at('Asia/Jakarta')), '2024-03-16');
    assert.equal(await nlu.extract('tomorrow', 'date', at('America/New_York')), '2024-03-15');
    assert.equal(await nlu.extract('tomorrow', 'date', at('UTC')), '2024-03-16');
  });

  it('rolls over months and years and knows short months and leap years', async () => {
    const on = (iso: string, timeZone = 'Asia/Jakarta'): NluContext => ({
      language: 'id',
      now: new Date(iso),
      timeZone,
    });
    const cases: [NluContext, string, string][] = [
      [on('2024-12-30T05:00:00Z'), 'tanggal 5', '2025-01-05'],
      [on('2024-12-30T05:00:00Z'), 'minggu depan', '2025-01-06'],
      [on('2024-12-30T05:00:00Z'), 'lusa', '2025-01-01'],
      [on('2024-12-31T18:00:00Z'), 'hari ini', '2025-01-01'],
      [on('2024-04-05T05:00:00Z'), 'tanggal 31', '2024-05-31'],
      [on('2024-02-10T05:00:00Z'), 'akhir bulan', '2024-02-29'],
      [on('2023-02-10T05:00:00Z'), 'akhir bulan', '2023-02-28'],
      [on('2024-01-31T05:00:00Z'), 'bulan depan', '2024-02-29'],
      [on('2024-03-31T05:00:00Z'), 'tanggal 30', '2024-04-30'],
      [on('2024-02-10T05:00:00Z'), '29 februari', '2024-02-29'],
      [on('2025-03-01T05:00:00Z'), '29 februari', '2028-02-29'],
    ];
    for (const [ctx, text, expected] of cases) {
      assert.equal(
        await nlu.extract(text, 'date', ctx),
        expected,
        `${text} at ${ctx.now.toISOString()}`,
      );
    }
  });
});

describe('KeywordNlu.extract amount', () => {
  const cases: [string, string, string | null][] = [
    ['id', '150000', '150000.00'],
    ['id', '150.000', '150000.00'],
    ['en', '150,000', '150000.00'],
    ['en', '1.5 million', '1500000.00'],
    ['en', '1,500.50', '1500.50'],
    ['id', '150 ribu', '150000.00'],
    ['id', '150rb', '150000.00'],
    ['id', '1,5 juta', '1500000.00'],
    ['id', '1,5jt', '1500000.00'],
    ['id', 'satu juta', '1000000.00'],
    ['id', 'sejuta', '1000000.00'],
    ['id', 'seratus lima puluh ribu', '150000.00'],
    ['id', 'dua juta lima ratus ribu', '2500000.00'],
    ['id', '2 juta 500 ribu', '2500000.00'],
    ['id', 'satu setengah juta', '1500000.00'],
    ['id', 'setengah juta', '500000.00'],
    ['id', 'satu koma lima juta', '1500000.00'],
    ['id', 'tanggal 20 bayar 300', '300.00'],
    ['id', 'Rp 150.000', '150000.00'],
    ['id', 'Rp150.000,-', '150000.00'],
    ['id', 'Rp 1.250.000,00', '1250000.00'],
    ['id', 'eh, saya bisa bayar lima ratus ribu tanggal 20', '500000.00'],
    ['id', 'sebelas ribu', '11000.00'],
    ['en', 'two hundred thousand', '200000.00'],
    ['en', 'one hundred and fifty dollars', '150.00'],
    ['en', 'one and a half million', '1500000.00'],
    ['en', 'half a million', '500000.00'],
    ['en', 'one point two five million', '1250000.00'],
    ['en', 'a thousand', '1000.00'],
    ['en', 'twenty five hundred', '2500.00'],
    ['en', '$200', '200.00'],
    ['en', '150k', '150000.00'],
    ['en', 'I can pay 500 thousand on the 15th', '500000.00'],
    ['en', 'on the 15th I pay 300', '300.00'],
    ['en', 'nothing', null],
    ['id', 'saya belum ada uang', null],
  ];
  for (const [language, text, expected] of cases) {
    it(`${language}: ${JSON.stringify(text)} -> ${expected}`, async () => {
      const ctx = language === 'id' ? jakarta : newYork;
      assert.equal(await nlu.extract(text, 'amount', ctx), expected);
    });
  }
});

describe('KeywordNlu.extract yes_no', () => {
  const cases: [string, string, 'yes' | 'no' | null][] = [
    ['en', 'yes', 'yes'],
    ['en', 'Yeah, sure', 'yes'],
    ['en', 'yep', 'yes'],
    ['en', 'yesss', 'yes'],
    ['en', 'um, correct', 'yes'],
    ['en', "that's right", 'yes'],
    ['en', 'sure thing', 'yes'],
    ['en', 'of course', 'yes'],
    ['en', 'no problem', 'yes'],
    ['en', 'no', 'no'],
    ['en', 'nope', 'no'],
    ['en', 'Noo', 'no'],
    ['en', 'that is not right', 'no'],
    ['en', "that's wrong", 'no'],
    ['en', 'not correct', 'no'],
    ['en', 'absolutely not', 'no'],
    ['en', 'uh-huh', 'yes'],
    ['en', "I'm not sure", null],
    ['en', "I don't know", null],
    ['en', 'maybe', null],
    ['en', 'hello?', null],
    ['id', 'ya', 'yes'],
    ['id', 'iya', 'yes'],
    ['id', 'iyaa pak', 'yes'],
    ['id', 'betul', 'yes'],
    ['id', 'benar sekali', 'yes'],
    ['id', 'bener', 'yes'],
    ['id', 'boleh', 'yes'],
    ['id', 'oke', 'yes'],
    ['id', 'ok deh', 'yes'],
    ['id', 'eh, iya betul', 'yes'],
    ['id', 'tidak apa-apa', 'yes'],
    ['id', 'gpp', 'yes'],
    ['id', 'iya, belum bayar', 'yes'],
    ['id', 'tidak', 'no'],
    ['id', 'bukan', 'no'],
    ['id', 'nggak', 'no'],
    ['id', 'gak', 'no'],
    ['id', 'enggak', 'no'],
    ['id', 'belum', 'no'],
    ['id', 'salah', 'no'],
    ['id', 'tidak benar', 'no'],
    ['id', 'bukan saya', 'no'],
    ['id', 'nggak tau', null],
    ['id', 'mungkin', null],
    ['id', 'halo', null],
  ];
  for (const [language, text, expected] of cases) {
    it(`${language}: ${JSON.stringify(text)} -> ${expected}`, async () => {
      const ctx = language === 'id' ? jakarta : newYork;
      assert.equal(await nlu.extract(text, 'yes_no', ctx), expected);
    });
  }
});

describe('KeywordNlu.extract digits and free_text', () => {
  const cases: [string, string, string | null][] = [
    ['en', '0812', '0812'],
    ['en', '0812-3456-789', '08123456789'],
    ['en', 'my number is 0812 3456', '08123456'],
    ['en', 'zero eight one two', '0812'],
    ['en', 'oh eight one two', '0812'],
    ['en', 'um, five five, double seven', '5577'],
    ['en', 'twelve thirty four', '1234'],
    ['en', 'one two three four five six', '123456'],
    ['id', 'nol delapan satu dua', '0812'],
    ['id', 'kosong delapan satu satu', '0811'],
    ['id', 'dua belas tiga empat', '1234'],
    ['id', 'eh, nol delapan, 1 2', '0812'],
    ['en', "I don't know", null],
    ['en', 'oh, well', null],
  ];
  for (const [language, text, expected] of cases) {
    it(`${language}: ${JSON.stringify(text)} -> ${expected}`, async () => {
      const ctx = language === 'id' ? jakarta : newYork;
      assert.equal(await nlu.extract(text, 'digits', ctx), expected);
    });
  }

  it('free_text is the trimmed original, null when empty', async () => {
    assert.equal(
      await nlu.extract('  Saya di kantor, Pak.  ', 'free_text', jakarta),
      'Saya di kantor, Pak.',
    );
    assert.equal(await nlu.extract('   ', 'free_text', jakarta), null);
  });
});
