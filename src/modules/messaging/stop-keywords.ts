// The words that stop messages when a person sends them alone (docs/messaging.md, "STOP
// keywords"): the carriers' and WhatsApp's English set and the words of the languages Tiller's
// customers message in. A message is a STOP when, trimmed, upper-cased and without trailing
// punctuation, it is one of these: "stop" is, "please stop calling me at night" is not (a
// robot or an agent reads that one).

export const STOP_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'OPT OUT', 'OPT-OUT'],
  id: ['BERHENTI', 'STOP', 'BATAL', 'JANGAN KIRIM'],
  ms: ['BERHENTI', 'HENTI'],
  es: ['BAJA', 'PARAR', 'ALTO', 'DETENER', 'CANCELAR'],
  pt: ['PARAR', 'SAIR', 'CANCELAR'],
  fr: ['ARRET', 'ARRÊT', 'STOP', 'DESABONNER', 'DÉSABONNER'],
  tl: ['HINTO', 'TIGIL'],
  th: ['หยุด', 'ยกเลิก'],
  vi: ['DUNG', 'DỪNG', 'HUY', 'HỦY'],
  zh: ['退订', '取消订阅', 'TD'],
};

const ALL = new Set(Object.values(STOP_KEYWORDS).flat());

/** Whether a text message is a STOP keyword on its own. */
export function isStopKeyword(text: string): boolean {
  const word = text
    .trim()
    .replace(/[\s.!。！]+$/u, '')
    .toLocaleUpperCase('en-US');
  return ALL.has(word);
}
