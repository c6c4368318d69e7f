// What simulated people say, per language. Intent names follow the shared vocabulary of robot
// scripts (docs/robots.md): yes, confirm, no, wrong_person, later, refuse, agree, paid, dnc.
// A refusal and a date depend on what the call is about (the robot's business line): a person
// asked to confirm an order does not refuse "to pay", nor promise to "pay" on a delivery date.

export interface Phrasebook {
  intent(name: string, businessLine?: string): string;
  slotValue(slotType: string, nextFriday: boolean, businessLine?: string): string;
  myAnswerIs(expected: string): string;
  /** Asked for something the task gave the simulation no value of. */
  dontKnow: string;
  voicemail: string;
  unclear: string;
}

const en: Phrasebook = {
  intent: (name, businessLine) =>
    ({
      yes: 'Yes, speaking, that is right.',
      confirm: 'Yes, I confirm.',
      agree: 'Yes, that is fine with me.',
      paid: 'I already paid yesterday.',
      no: 'No, that is not right.',
      wrong_person: 'Sorry, wrong number, I do not know that person.',
      later: 'I am busy right now, please call me later.',
      refuse:
        {
          telemarketing: 'No, I do not want it, please cancel it.',
          info_check: 'No, I do not want to answer your questions.',
        }[businessLine ?? ''] ?? 'No, I refuse, I do not want to pay.',
      dnc: 'Please do not call me again, stop calling me.',
    })[name] ?? 'Hmm, I am not sure.',
  slotValue: (slotType, nextFriday, businessLine) =>
    ({
      date:
        businessLine === 'collection'
          ? nextFriday
            ? 'Next Friday, I can pay then.'
            : 'Tomorrow, I can pay tomorrow.'
          : nextFriday
            ? 'Next Friday would be good.'
            : 'Tomorrow would be good.',
      amount: 'I can pay five hundred thousand.',
      yes_no: 'Yes.',
      digits: 'It is one two three four.',
      free_text: 'That is all, thank you.',
    })[slotType] ?? 'Okay.',
  myAnswerIs: (expected) => `It is ${expected}.`,
  dontKnow: 'Sorry, I do not know that.',
  voicemail: 'The person you are calling is not available. Please leave a message after the tone.',
  unclear: 'Sorry, what? The line is very bad.',
};

const id: Phrasebook = {
  intent: (name, businessLine) =>
    ({
      yes: 'Iya, saya sendiri, betul.',
      confirm: 'Iya, saya konfirmasi.',
      agree: 'Iya, boleh, saya setuju.',
      paid: 'Saya sudah bayar kemarin.',
      no: 'Tidak, itu tidak benar.',
      wrong_person: 'Maaf, salah sambung, saya tidak kenal orang itu.',
      later: 'Saya sedang sibuk, tolong telepon nanti saja.',
      refuse:
        {
          telemarketing: 'Tidak, saya tidak mau, tolong dibatalkan saja.',
          info_check: 'Saya tidak mau menjawab pertanyaan Anda.',
        }[businessLine ?? ''] ?? 'Saya menolak, saya tidak mau bayar.',
      dnc: 'Tolong jangan telepon saya lagi.',
    })[name] ?? 'Hmm, saya kurang tahu.',
  slotValue: (slotType, nextFriday, businessLine) =>
    ({
      date:
        businessLine === 'collection'
          ? nextFriday
            ? 'Hari Jumat depan, saya bisa bayar.'
            : 'Besok, saya bisa bayar besok.'
          : nextFriday
            ? 'Hari Jumat depan saja.'
            : 'Besok saja.',
      amount: 'Saya bisa bayar lima ratus ribu.',
      yes_no: 'Iya.',
      digits: 'Satu dua tiga empat.',
      free_text: 'Itu saja, terima kasih.',
    })[slotType] ?? 'Oke.',
  myAnswerIs: (expected) => `Jawabannya ${expected}.`,
  dontKnow: 'Maaf, saya tidak tahu.',
  voicemail:
    'Nomor yang Anda tuju tidak dapat menerima panggilan. Silakan tinggalkan pesan setelah nada berikut.',
  unclear: 'Maaf, apa? Suaranya putus-putus.',
};

const BOOKS: Record<string, Phrasebook> = { en, id };

/** The phrasebook of a language; English for languages the simulator does not speak. */
export function phrasebook(language: string): Phrasebook {
  return BOOKS[language.split('-')[0] ?? 'en'] ?? en;
}
