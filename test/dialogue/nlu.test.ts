import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScriptedNlu } from '../../src/dialogue/nlu/fake-nlu.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import type { IntentOption, NluContext } from '../../src/dialogue/nlu/nlu.ts';
import { editDistance, normalise, sameWord } from '../../src/dialogue/nlu/normalise.ts';

import { jakarta, newYork } from './nlu-contexts.ts';

const nlu = new KeywordNlu();

describe('normalise', () => {
  const cases: [string, string, string][] = [
    ['en', 'Um, I’ll PAY... tomorrow!', 'i will pay tomorrow'],
    ['en', "Well, I can't pay, you know", 'i can not pay'],
    ['en', 'Like, maybe next week?', 'maybe next week'],
    ['en', "I'd like to pay", 'i would like to pay'],
    ['en', 'I dont know, uhm, I mean, it is fine', 'i do not know it is fine'],
    ['en', 'Yesss', 'yes'],
    ['en', 'Rp150.000,- only', 'rp 150.000 only'],
    ['en', 'on the 15th', 'on the 15 th'],
    ['id', 'Eh, iya... saya bayar besok ya kan', 'ya saya bayar besok'],
    ['id', 'Ya kan saya sudah bayar', 'ya saya sudah bayar'],
    ['id', 'Anu, nggak bisa bayar sih', 'tidak bisa bayar'],
    ['id', 'Udah bayarnya kemarin, Pak', 'sudah bayar kemarin pak'],
    ['id', 'Hari Jum’at', 'hari jumat'],
    ['id', 'Tidak masalah', 'tidak masalah'],
    ['id', 'Rp 1.500.000,50', 'rp 1.500.000,50'],
    ['id', 'tgl 15/03/2024', 'tanggal 15/03/2024'],
    ['id', 'Sélamat pagi', 'selamat pagi'],
  ];
  for (const [language, text, expected] of cases) {
    it(`${language}: ${JSON.stringify(text)}`, () => {
      assert.equal(normalise(text, language), expected);
    });
  }

  it('measures typos with swaps as one edit', () => {
    assert.equal(editDistance('tomorow', 'tomorrow'), 1);
    assert.equal(editDistance('besk', 'besok'), 1);
    assert.equal(editDistance('teh', 'the'), 1);
    assert.equal(editDistance('tommorow', 'tomorrow'), 2);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('tolerates a typo by word length, never in short words or negations', () => {
    const same: [string, string][] = [
      ['tomorow', 'tomorrow'],
      ['tommorow', 'tomorrow'],
      ['besk', 'besok'],
      ['alredy', 'already'],
      ['numbr', 'number'],
    ];
    const different: [string, string][] = [
      ['can', 'cat'],
      ['not', 'now'],
      ['pay', 'day'],
      ['tomatoes', 'tomorrow'],
      ['abcd', 'wxyz'],
      ['150', '151'],
    ];
    for (const [a, b] of same) assert.ok(sameWord(a, b), `${a} ~ ${b}`);
    for (const [a, b] of different) assert.ok(!sameWord(a, b), `${a} !~ ${b}`);
  });
});

describe('KeywordNlu.classify', () => {
  const en: IntentOption[] = [
    { name: 'promise', phrases: ['I will pay', 'yes I can pay', "I'll pay tomorrow", 'pay'] },
    { name: 'refuse', phrases: ["I won't pay", 'will not pay', "I can't pay", 'no money'] },
    { name: 'paid', phrases: ['already paid', 'I paid'] },
    { name: 'wrong_person', phrases: ['wrong number', 'not me', 'wrong person'] },
  ];
  const id: IntentOption[] = [
    { name: 'janji', phrases: ['saya akan bayar', 'iya saya bayar', 'bisa bayar', 'bayar besok'] },
    { name: 'tolak', phrases: ['tidak mau bayar', 'tidak bisa bayar', 'tidak ada uang'] },
    { name: 'lunas', phrases: ['sudah bayar', 'sudah lunas'] },
    { name: 'salah', phrases: ['salah sambung', 'bukan saya'] },
  ];
  const cases: [NluContext, IntentOption[], string, string | null][] = [
    [newYork, en, 'I will pay', 'promise'],
    [newYork, en, 'Um, I’ll pay tomorrow', 'promise'],
    [newYork, en, 'yeah yes I can pay it', 'promise'],
    [newYork, en, 'ok I will pay it all next week', 'promise'],
    [newYork, en, 'I will not pay', 'refuse'],
    [newYork, en, "I won't pay", 'refuse'],
    [newYork, en, 'I wont pay you anything', 'refuse'],
    [newYork, en, 'I cant pay', 'refuse'],
    [newYork, en, 'I cannot pay this month', 'refuse'],
    [newYork, en, 'sorry, no money right now', 'refuse'],
    [newYork, en, 'I alredy paid', 'paid'],
    [newYork, en, 'I paid it last week', 'paid'],
    [newYork, en, 'you have the wrong numbr', 'wrong_person'],
    [newYork, en, 'that is not me', 'wrong_person'],
    [newYork, en, 'hello, who is this?', null],
    [newYork, en, 'I will call you back', null],
    [newYork, en, '', null],
    [jakarta, id, 'iya saya bayar besok', 'janji'],
    [jakarta, id, 'eh, saya bayarnya besk', 'janji'],
    [jakarta, id, 'bisa, bisa bayar kok', 'janji'],
    [jakarta, id, 'saya akan bayar minggu depan', 'janji'],
    [jakarta, id, 'eh, saya nggak bisa bayar', 'tolak'],
    [jakarta, id, 'gak mau bayar', 'tolak'],
    [jakarta, id, 'gak ada uang pak', 'tolak'],
    [jakarta, id, 'udah bayar kemarin', 'lunas'],
    [jakarta, id, 'sudah lunas kok', 'lunas'],
    [jakarta, id, 'salah sambung pak', 'salah'],
    [jakarta, id, 'maaf, bukan saya', 'salah'],
    [jakarta, id, 'halo ini siapa ya', null],
    [jakarta, id, 'saya akan telepon balik', null],
  ];
  for (const [ctx, intents, text, expected] of cases) {
    it(`${ctx.language}: ${JSON.stringify(text)} -> ${expected}`, async () => {
      const match = await nlu.classify(text, intents, ctx);
      assert.equal(match.intent, expected);
      assert.ok(match.confidence >= 0 && match.confidence <= 1);
      if (expected !== null) assert.ok(match.confidence >= 0.5);
    });
  }

  it('is most confident when the utterance is exactly a phrase', async () => {
    const exact = await nlu.classify('I will pay', en, newYork);
    const longer = await nlu.classify('well I guess I will pay it then', en, newYork);
    assert.equal(exact.confidence, 1);
    assert.ok(longer.confidence < exact.confidence);
    const typo = await nlu.classify('alredy paid', en, newYork);
    assert.equal(typo.intent, 'paid');
    assert.ok(typo.confidence < 1 && typo.confidence > 0.8, String(typo.confidence));
  });

  it('prefers the longer phrase on a tie, whatever the order of intents', async () => {
    const intents: IntentOption[] = [
      { name: 'short', phrases: ['pay'] },
      { name: 'long', phrases: ['pay now'] },
    ];
    for (const order of [intents, [...intents].reverse()]) {
      assert.equal((await nlu.classify('pay now', order, newYork)).intent, 'long');
    }
  });

  it('without a refuse intent, a negated promise is a no-match, not a promise', async () => {
    const promiseOnly = [{ name: 'promise', phrases: ['I will pay', 'bisa bayar'] }];
    assert.equal((await nlu.classify('I will not pay', promiseOnly, newYork)).intent, null);
    assert.equal((await nlu.classify('tidak bisa bayar', promiseOnly, jakarta)).intent, null);
    assert.equal((await nlu.classify('no, I will pay', promiseOnly, newYork)).intent, 'promise');
  });

  it('honours a custom threshold', async () => {
    const strict = new KeywordNlu({ threshold: 0.95 });
    assert.equal((await strict.classify('I paid it last week', en, newYork)).intent, null);
    assert.equal((await strict.classify('I paid', en, newYork)).intent, 'paid');
  });
});

describe('ScriptedNlu', () => {
  const intents: IntentOption[] = [
    { name: 'promise', phrases: ['I will pay'] },
    { name: 'refuse', phrases: ['no'] },
  ];

  it('answers from its script and records every call', async () => {
    const fake = new ScriptedNlu({
      intents: {
        'Yes I will pay': 'promise',
        maybe: { intent: 'refuse', confidence: 0.4 },
        hm: null,
      },
      values: { besok: '2024-03-16', 'lima ratus': { amount: '500.00' }, kosong: null },
    });
    assert.deepEqual(await fake.classify(' yes i will pay ', intents, jakarta), {
      intent: 'promise',
      confidence: 1,
    });
    assert.deepEqual(await fake.classify('maybe', intents, jakarta), {
      intent: 'refuse',
      confidence: 0.4,
    });
    assert.deepEqual(await fake.classify('hm', intents, jakarta), { intent: null, confidence: 0 });
    assert.deepEqual(await fake.classify('unscripted', intents, jakarta), {
      intent: null,
      confidence: 0,
    });
    assert.equal(await fake.extract('besok', 'date', jakarta), '2024-03-16');
    assert.equal(await fake.extract('lima ratus', 'amount', jakarta), '500.00');
    assert.equal(await fake.extract('lima ratus', 'date', jakarta), null);
    assert.equal(await fake.extract('kosong', 'digits', jakarta), null);
    assert.equal(fake.calls.length, 8);
    assert.deepEqual(fake.calls[0], {
      method: 'classify',
      text: ' yes i will pay ',
      intents: ['promise', 'refuse'],
      context: jakarta,
    });
    assert.deepEqual(fake.calls[5], {
      method: 'extract',
      text: 'lima ratus',
      slot: 'amount',
      context: jakarta,
    });
  });

  it('passes what it does not know to a fallback', async () => {
    const fake = new ScriptedNlu({ intents: { hi: 'promise' }, fallback: new KeywordNlu() });
    assert.equal((await fake.classify('I will pay', intents, newYork)).intent, 'promise');
    assert.equal(await fake.extract('tomorrow', 'date', newYork), '2024-03-15');
  });
});
