// Amounts, dates and times as the robot says them, per language (Intl), and the dates the
// callee says: "next Friday" on a Thursday is next week's Friday, not tomorrow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { spokenAmount, spokenDate, spokenTime } from '../../src/dialogue/spoken.ts';
import { fillTemplate } from '../../src/dialogue/template.ts';

// Thursday 19 November 2026, 10:00 in Jakarta.
const THURSDAY = new Date('2026-11-19T03:00:00Z');
const ZONE = 'Asia/Jakarta';

describe('spoken amounts', () => {
  it('says rupiah as Indonesians write them, without the zero cents', () => {
    assert.equal(spokenAmount('1500000.00', 'IDR', 'id'), 'Rp 1.500.000');
    assert.equal(spokenAmount('20310', 'IDR', 'id'), 'Rp 20.310');
  });

  it('says amounts in English words: round millions compact, others in full', () => {
    assert.equal(spokenAmount('1500000.00', 'IDR', 'en'), '1.5 million Indonesian rupiahs');
    assert.equal(spokenAmount('1523456', 'IDR', 'en'), '1,523,456 Indonesian rupiahs');
    assert.equal(spokenAmount('1500.50', 'USD', 'en'), '1,500.50 US dollars');
    assert.equal(spokenAmount('1', 'USD', 'en'), '1 US dollar');
  });

  it('says a number without a currency as a number, and text as it is', () => {
    assert.equal(spokenAmount('1500000.00', undefined, 'en'), '1.5 million');
    assert.equal(spokenAmount('1500000.00', '', 'id'), '1.500.000');
    assert.equal(spokenAmount('about a million', 'IDR', 'en'), 'about a million');
    assert.equal(spokenAmount('150', 'rupiah', 'en'), '150', 'a currency that is no ISO code');
  });
});

describe('spoken dates and times', () => {
  const en = { language: 'en', now: THURSDAY, timeZone: ZONE };
  const id = { language: 'id', now: THURSDAY, timeZone: ZONE };

  it('says the day with its ordinal in English and day-month in Indonesian', () => {
    assert.equal(spokenDate('2026-11-30', en), 'Monday, November 30th');
    assert.equal(spokenDate('2026-11-30', id), 'Senin, 30 November');
    assert.equal(spokenDate('2026-11-07', en), 'November 7th');
    assert.equal(spokenDate('2026-11-07', id), '7 November');
    assert.equal(spokenDate('2026-12-01', { language: 'en' }), 'December 1st');
    assert.equal(spokenDate('2026-12-22', { language: 'en' }), 'December 22nd');
    assert.equal(spokenDate('2026-12-23', { language: 'en' }), 'December 23rd');
    assert.equal(spokenDate('2026-12-11', { language: 'en' }), 'December 11th');
    assert.equal(spokenDate('2026-12-11', { language: 'en-GB' }), '11th December');
  });

  it('adds the year when it is not this year, and leaves text that is no date alone', () => {
    assert.equal(spokenDate('2027-02-01', en), 'February 1st, 2027');
    assert.equal(spokenDate('2027-02-01', id), '1 Februari 2027');
    assert.equal(spokenDate('2026-02-30', en), '2026-02-30');
    assert.equal(spokenDate('end of month', en), 'end of month');
  });

  it('says times as the language does', () => {
    assert.equal(spokenTime('14:30', 'en'), '2:30 PM');
    assert.equal(spokenTime('14:30', 'id'), '14.30');
    assert.equal(spokenTime('25:00', 'en'), '25:00');
  });

  it('speaks a line by its variable types, with the callee currency', () => {
    const vars = { total_owing_amount: '1500000.00', currency_unit: 'IDR', due_date: '2026-11-30' };
    const types = { total_owing_amount: 'amount', due_date: 'date' } as const;
    assert.equal(
      fillTemplate('Your loan of {total_owing_amount} was due on {due_date}.', vars, {
        ...en,
        types,
      }),
      'Your loan of 1.5 million Indonesian rupiahs was due on Monday, November 30th.',
    );
    assert.equal(
      fillTemplate(
        'Pinjaman Anda sebesar {total_owing_amount} jatuh tempo pada {due_date}.',
        vars,
        {
          ...id,
          types,
        },
      ),
      'Pinjaman Anda sebesar Rp 1.500.000 jatuh tempo pada Senin, 30 November.',
    );
    // Without speech (what verify compares), the stored value.
    assert.equal(fillTemplate('{due_date}', vars), '2026-11-30');
  });
});

describe('weekdays the callee says (fixed reference: Thursday 19 November 2026, Jakarta)', () => {
  const nlu = new KeywordNlu();
  const cases: Array<[string, string, string]> = [
    ['en', 'next Friday', '2026-11-27'],
    ['en', 'Next Friday, I can pay then.', '2026-11-27'],
    ['en', 'Friday', '2026-11-20'],
    ['en', 'this Friday', '2026-11-20'],
    ['en', 'coming Friday', '2026-11-20'],
    ['en', 'on Friday', '2026-11-20'],
    ['en', 'Friday next week', '2026-11-27'],
    ['en', 'next Monday', '2026-11-23'],
    ['en', 'next Thursday', '2026-11-26'],
    ['en', 'Thursday', '2026-11-26'],
    ['en', 'this Thursday', '2026-11-19'],
    ['id', 'jumat depan', '2026-11-27'],
    ['id', 'Hari Jumat depan, saya bisa bayar.', '2026-11-27'],
    ['id', 'jumat minggu depan', '2026-11-27'],
    ['id', 'hari jumat', '2026-11-20'],
    ['id', 'jumat ini', '2026-11-20'],
  ];
  for (const [language, text, expected] of cases) {
    it(`${language}: ${JSON.stringify(text)} -> ${expected}`, async () => {
      assert.equal(
        await nlu.extract(text, 'date', { language, now: THURSDAY, timeZone: ZONE }),
        expected,
      );
    });
  }

  it('on a Saturday, "next Friday" is six days away (the Friday of next week)', async () => {
    const saturday = new Date('2026-11-21T03:00:00Z');
    const ctx = { language: 'en', now: saturday, timeZone: ZONE };
    assert.equal(await nlu.extract('next Friday', 'date', ctx), '2026-11-27');
    assert.equal(await nlu.extract('Friday', 'date', ctx), '2026-11-27');
  });
});
