// What simulated people say, per language. Intent names follow the shared vocabulary of robot
// scripts (docs/robots.md): yes, no, wrong_person, later, refuse, agree, paid.

export interface Phrasebook {
  intent(name: string): string;
  slotValue(slotType: string, nextFriday: boolean): string;
  myAnswerIs(expected: string): string;
  voicemail: string;
  unclear: string;
}

const en: Phrasebook = {
  intent: (name) =>
    ({
      yes: 'Yes, speaking, that is right.',
      agree: 'Yes, that is fine with me.',
      paid: 'I already paid yesterday.',
      no: 'No, that is not right.',
      wrong_person: 'Sorry, wrong number, I do not know that person.',
      later: 'I am busy right now, please call me later.',
      refuse: 'No, I refuse, I do not want to pay.',
      dnc: 'Please do not call me again, stop calling me.',
    })[name] ?? 'Hmm, I am not sure.',
  slotValue: (slotType, nextFriday) =>
    ({
      date: nextFriday ? 'Next Friday, I can do it then.' : 'Tomorrow, I can do it tomorrow.',
      amount: 'I can pay five hundred thousand.',
      yes_no: 'Yes.',
      digits: 'It is one two three four.',
      free_text: 'That is all, thank you.',
    })[slotType] ?? 'Okay.',
  myAnswerIs: (expected) => `It is ${expected}.`,
  voicemail: 'The person you are calling is not available. Please leave a message after the tone.',
  unclear: 'Who is this?',
};

const id: Phrasebook = {
  intent: (name) =>
    ({
      yes: 'Iya, saya sendiri, betul.',
      agree: 'Iya, boleh, saya setuju.',
      paid: 'Saya sudah bayar kemarin.',
      no: 'Tidak, itu tidak benar.',
      wrong_person: 'Maaf, salah sambung, saya tidak kenal orang itu.',
      later: 'Saya sedang sibuk, tolong telepon nanti saja.',
      refuse: 'Saya menolak, saya tidak mau bayar.',
      dnc: 'Tolong jangan telepon saya lagi.',
    })[name] ?? 'Hmm, saya kurang tahu.',
  slotValue: (slotType, nextFriday) =>
    ({
      date: nextFriday ? 'Hari Jumat depan, saya bisa.' : 'Besok, saya bisa besok.',
      amount: 'Saya bisa bayar lima ratus ribu.',
      yes_no: 'Iya.',
      digits: 'Satu dua tiga empat.',
      free_text: 'Itu saja, terima kasih.',
    })[slotType] ?? 'Oke.',
  myAnswerIs: (expected) => `Jawabannya ${expected}.`,
  voicemail:
    'Nomor yang Anda tuju tidak dapat menerima panggilan. Silakan tinggalkan pesan setelah nada berikut.',
  unclear: 'Siapa ini?',
};

const BOOKS: Record<string, Phrasebook> = { en, id };

/** The phrasebook of a language; English for languages the simulator does not speak. */
export function phrasebook(language: string): Phrasebook {
  return BOOKS[language.split('-')[0] ?? 'en'] ?? en;
}
