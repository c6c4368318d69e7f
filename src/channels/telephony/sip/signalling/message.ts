// SIP messages (RFC 3261 §7, §20): parse a datagram into a request or a response and write one
// back. Headers keep their order and repetitions (a proxy's Via and Record-Route order matters);
// names are compared case-insensitively and compact forms are expanded on the way in, so the rest
// of the stack only ever sees the long names. A datagram that is not a SIP message throws a
// SipParseError: the transport drops it and counts it, nothing above ever sees it.

export interface SipHeader {
  name: string;
  value: string;
}

interface MessageBase {
  headers: SipHeader[];
  /** The body as text (SDP); empty when there is none. */
  body: string;
}

export interface SipRequest extends MessageBase {
  method: string;
  uri: string;
}

export interface SipResponse extends MessageBase {
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

export class SipParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipParseError';
  }
}

export function isRequest(message: SipMessage): message is SipRequest {
  return 'method' in message;
}

const COMPACT: Record<string, string> = {
  v: 'Via',
  f: 'From',
  t: 'To',
  i: 'Call-ID',
  m: 'Contact',
  l: 'Content-Length',
  c: 'Content-Type',
  k: 'Supported',
  s: 'Subject',
  e: 'Content-Encoding',
  o: 'Event',
  r: 'Refer-To',
};

// Names whose usual spelling is not plain Title-Case.
const SPELLING: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rseq: 'RSeq',
  rack: 'RAck',
};

/** The long, conventionally spelt name of a header, from any case or its compact form. */
export function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase();
  const compact = COMPACT[lower];
  if (compact) return compact;
  const spelt = SPELLING[lower];
  if (spelt) return spelt;
  return lower.replace(
    /(^|-)([a-z])/g,
    (_all, dash: string, ch: string) => dash + ch.toUpperCase(),
  );
}

// Headers whose values may be comma-joined lists (RFC 3261 §7.3.1). Auth headers hold commas
// inside one value, so they are not in this set.
const LIST_HEADERS = new Set([
  'via',
  'route',
  'record-route',
  'contact',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
]);

/** Splits on commas outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && ch === '<') depth++;
    else if (!quoted && ch === '>') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && ch === ',') {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((part) => part.length > 0);
}

/** The first value of a header (for list headers, the first element), or undefined. */
export function getHeader(message: SipMessage, name: string): string | undefined {
  return getHeaders(message, name)[0];
}

/** Every value of a header, in order, with comma-joined lists split. */
export function getHeaders(message: SipMessage, name: string): string[] {
  const wanted = canonicalName(name).toLowerCase();
  const values: string[] = [];
  for (const header of message.headers) {
    if (header.name.toLowerCase() !== wanted) continue;
    if (LIST_HEADERS.has(wanted)) values.push(...splitList(header.value));
    else values.push(header.value);
  }
  return values;
}

/** Replaces every occurrence of a header with one value (or removes it when undefined). */
export function setHeader(message: SipMessage, name: string, value: string | undefined): void {
  const canonical = canonicalName(name);
  const at = message.headers.findIndex((h) => h.name.toLowerCase() === canonical.toLowerCase());
  message.headers = message.headers.filter((h) => h.name.toLowerCase() !== canonical.toLowerCase());
  if (value === undefined) return;
  message.headers.splice(at < 0 ? message.headers.length : at, 0, { name: canonical, value });
}

export function addHeader(message: SipMessage, name: string, value: string, first = false): void {
  const header = { name: canonicalName(name), value };
  if (first) message.headers.unshift(header);
  else message.headers.push(header);
}

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string | undefined): CSeq {
  const match = /^\s*(\d{1,10})\s+([A-Za-z]+)\s*$/.exec(value ?? '');
  if (!match?.[1] || !match[2]) throw new SipParseError(`bad CSeq: ${value ?? '(none)'}`);
  return { seq: Number(match[1]), method: match[2].toUpperCase() };
}

export function cseqOf(message: SipMessage): CSeq {
  return parseCSeq(getHeader(message, 'CSeq'));
}

const REQUEST_LINE = /^([A-Za-z]+) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/;
const REQUIRED = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

/** Parses one datagram; throws SipParseError on anything that is not a well-formed message. */
export function parseMessage(data: Buffer | string): SipMessage {
  const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  // Keep-alive pings (a CRLF or two, RFC 5626) are not messages.
  if (buffer.length === 0 || buffer.toString('latin1').trim() === '') {
    throw new SipParseError('empty datagram');
  }
  let split = buffer.indexOf('\r\n\r\n');
  let separator = 4;
  if (split < 0) {
    split = buffer.indexOf('\n\n');
    separator = 2;
  }
  const head = buffer.subarray(0, split < 0 ? buffer.length : split).toString('utf8');
  const rest = split < 0 ? Buffer.alloc(0) : buffer.subarray(split + separator);
  const lines = head.replace(/^(\r?\n)+/, '').split(/\r?\n/);
  const startLine = lines.shift() ?? '';

  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      // Folded continuation of the previous header (RFC 3261 §7.3.1).
      const last = headers.at(-1);
      if (!last) throw new SipParseError('continuation line before any header');
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError(`bad header line: ${line.slice(0, 60)}`);
    const name = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9!%*_+`'~.-]+$/.test(name)) {
      throw new SipParseError(`bad header name: ${name.slice(0, 60)}`);
    }
    headers.push({ name: canonicalName(name), value: line.slice(colon + 1).trim() });
  }

  const lengthHeader = headers.find((h) => h.name === 'Content-Length');
  let bodyBytes = rest;
  if (lengthHeader) {
    if (!/^\d+$/.test(lengthHeader.value)) {
      throw new SipParseError(`bad Content-Length: ${lengthHeader.value}`);
    }
    const length = Number(lengthHeader.value);
    if (length > rest.length) {
      throw new SipParseError(`Content-Length ${length} exceeds the ${rest.length} body bytes`);
    }
    bodyBytes = rest.subarray(0, length);
  }
  const body = bodyBytes.toString('utf8');

  let message: SipMessage;
  const request = REQUEST_LINE.exec(startLine);
  const status = STATUS_LINE.exec(startLine);
  if (request?.[1] && request[2]) {
    message = { method: request[1].toUpperCase(), uri: request[2], headers, body };
  } else if (status?.[1]) {
    message = { status: Number(status[1]), reason: status[2] ?? '', headers, body };
  } else {
    throw new SipParseError(`bad start line: ${startLine.slice(0, 80)}`);
  }
  for (const name of REQUIRED) {
    if (!headers.some((h) => h.name === name)) throw new SipParseError(`missing ${name}`);
  }
  const cseq = cseqOf(message);
  if (isRequest(message) && cseq.method !== message.method) {
    throw new SipParseError(`CSeq method ${cseq.method} differs from ${message.method}`);
  }
  return message;
}

/** Writes a message; Content-Length is always recomputed from the body. */
export function serializeMessage(message: SipMessage): Buffer {
  const startLine = isRequest(message)
    ? `${message.method} ${message.uri} SIP/2.0`
    : `SIP/2.0 ${message.status} ${message.reason}`;
  const body = Buffer.from(message.body, 'utf8');
  const lines = [startLine];
  for (const header of message.headers) {
    if (header.name === 'Content-Length') continue;
    lines.push(`${header.name}: ${header.value}`);
  }
  lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), body]);
}
