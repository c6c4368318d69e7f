// What the SMPP adapter puts into a submit_sm and reads out of a deliver_sm: the text's coding
// and carrier field, addresses in and out of E.164, the delivery receipt. Pure functions, so the
// SMS rules are tested without a connection (test/channels/smpp-fields.test.ts).
import smpp from 'smpp';
import { ChannelSendError, type DeliveryStatus } from '../messaging-channel.ts';

/** data_coding 0: the centre's default alphabet, GSM 03.38 (7-bit). */
export const DATA_CODING_GSM7 = 0x00;
/** data_coding 8: UCS2 (UTF-16BE), for any text GSM 03.38 cannot spell. */
export const DATA_CODING_UCS2 = 0x08;
/** esm_class bit 2 (0x04): the deliver_sm is a delivery receipt, not a person's message. */
export const ESM_DELIVERY_RECEIPT = 0x04;

/**
 * The most characters one short_message carries in each coding (140 octets): longer text goes in
 * the message_payload TLV and the centre splits it, rather than us cutting UDH-concatenated parts.
 */
const SINGLE_SMS = { gsm7Septets: 160, ucs2Units: 70 };
/** GSM 03.38 extension characters: each takes two septets (escape + character). */
const GSM7_EXTENSION = /[€[\]{}^~|\\\f]/g;

export interface TextFields {
  data_coding: number;
  short_message?: string;
  message_payload?: string;
}

/** The coding and carrier field of a text: GSM-7 as is, anything else as UCS2. */
export function textFields(text: string): TextFields {
  if (smpp.encodings.ASCII.match(text)) {
    const septets = text.length + (text.match(GSM7_EXTENSION)?.length ?? 0);
    return septets <= SINGLE_SMS.gsm7Septets
      ? { data_coding: DATA_CODING_GSM7, short_message: text }
      : { data_coding: DATA_CODING_GSM7, message_payload: text };
  }
  // UTF-16 code units: a character outside the BMP (an emoji) takes two, as on the air.
  return text.length <= SINGLE_SMS.ucs2Units
    ? { data_coding: DATA_CODING_UCS2, short_message: text }
    : { data_coding: DATA_CODING_UCS2, message_payload: text };
}

/** SMPP type of number and numbering plan of an address. */
export interface SmppAddress {
  addr: string;
  ton: number;
  npi: number;
}

const TON_UNKNOWN = 0;
const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;
const NPI_UNKNOWN = 0;
const NPI_ISDN = 1;

/**
 * An address as SMPP carries it: E.164 ("+6281...") as international digits, a short code
 * (digits) as unknown/ISDN, anything else as an alphanumeric sender id.
 */
export function addressOut(address: string): SmppAddress {
  if (/^\+\d+$/.test(address))
    return { addr: address.slice(1), ton: TON_INTERNATIONAL, npi: NPI_ISDN };
  if (/^\d+$/.test(address)) return { addr: address, ton: TON_UNKNOWN, npi: NPI_ISDN };
  return { addr: address, ton: TON_ALPHANUMERIC, npi: NPI_UNKNOWN };
}

/** Our address as a deliver_sm names it: the inverse of addressOut. */
export function addressIn(addr: string, ton: number): string {
  return ton === TON_INTERNATIONAL && /^\d+$/.test(addr) ? `+${addr}` : addr;
}

/**
 * A person's number as E.164. Centres often send full international numbers with an unknown
 * type of number, so digits long enough to be one are read as international.
 */
export function personIn(addr: string, ton: number): string {
  if (/^\+\d+$/.test(addr)) return addr;
  if (/^\d+$/.test(addr) && (ton === TON_INTERNATIONAL || addr.length >= 8)) return `+${addr}`;
  return addr;
}

/** The final states of a receipt's stat field (SMPP 3.4 appendix B) and what they mean to us. */
const RECEIPT_STATES: Record<string, DeliveryStatus> = {
  DELIVRD: 'delivered',
  ENROUTE: 'sent',
  ACCEPTD: 'sent',
  UNDELIV: 'failed',
  REJECTD: 'failed',
  EXPIRED: 'failed',
  DELETED: 'failed',
};
/** The message_state TLV's values, by the same names. */
const MESSAGE_STATES: Record<number, string> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  8: 'REJECTD',
};

export interface Receipt {
  messageId: string;
  /** The receipt's stat word (DELIVRD, UNDELIV...). */
  stat: string;
  status: DeliveryStatus;
  /** The err field (network error code), when the receipt has one. */
  err?: string;
}

/**
 * A delivery receipt's message id, state and error, from its text (`id:… stat:DELIVRD err:000`)
 * or, where the centre sends them, the receipted_message_id and message_state TLVs. Undefined
 * for a receipt whose state is not final or not known (UNKNOWN): no status follows from it.
 */
export function parseReceipt(
  text: string,
  tlv: { id?: unknown; state?: unknown },
): Receipt | undefined {
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}:(\\S+)`, 'i').exec(text)?.[1];
  const messageId = typeof tlv.id === 'string' && tlv.id ? tlv.id : field('id');
  const stat =
    (typeof tlv.state === 'number' ? MESSAGE_STATES[tlv.state] : undefined) ??
    field('stat')?.toUpperCase();
  if (!messageId || !stat) return undefined;
  const status = RECEIPT_STATES[stat];
  if (!status) return undefined;
  const err = field('err');
  return err === undefined ? { messageId, stat, status } : { messageId, stat, status, err };
}

/** The text of a decoded short_message or message_payload, if it is text. */
export function decodedText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'message' in value) {
    const message = (value as { message: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return undefined;
}

/** command_status as SMPP writes it in logs and specs: 0x00000058. */
export function hexStatus(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
}

const STATUS_NAMES = new Map(Object.entries(smpp.errors).map(([name, value]) => [value, name]));
/** command_status values worth sending again: the centre is busy, not refusing the message. */
const RETRYABLE_STATUSES = new Set([smpp.ESME_RTHROTTLED, smpp.ESME_RMSGQFUL]);

/** A command status by its name and number: "ESME_RTHROTTLED 0x00000058". */
export function statusName(status: number): string {
  return `${STATUS_NAMES.get(status) ?? 'unknown status'} ${hexStatus(status)}`;
}

/** A refused submit_sm: the status in hex as the code, retryable when the centre is only busy. */
export function submitRefusal(status: number): ChannelSendError {
  return new ChannelSendError(
    hexStatus(status),
    `the SMPP centre refused submit_sm: ${statusName(status)}`,
    { retryable: RETRYABLE_STATUSES.has(status) },
  );
}
