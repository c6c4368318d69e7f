// SDP offer/answer (RFC 4566, RFC 3264) for one audio stream: what Tiller offers, what it
// answers, and which codec a call uses. We speak PCMU and PCMA at 8 kHz, L16 at 16 kHz (the
// wideband codec the offline speech recogniser needs) and telephone-event (RFC 4733) for keys.

export type CodecName = 'PCMU' | 'PCMA' | 'L16';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpCodec {
  payloadType: number;
  /** Encoding name as written in rtpmap (`PCMU`, `telephone-event`, ...). */
  name: string;
  clockRate: number;
  channels?: number;
  fmtp?: string;
}

export type CodecChoice = {
  name: CodecName;
  payloadType: number;
  clockRate: number;
  dtmfPayloadType?: number;
};

export type MediaDescription = {
  host: string;
  port: number;
  /** In the order of the m-line (the peer's preference). */
  codecs: SdpCodec[];
  direction: Direction;
  ptime?: number;
};

export class SdpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SdpError';
  }
}

// Our payload type numbers when we make the offer; in an answer we keep the peer's.
const OWN: Record<CodecName, SdpCodec> = {
  PCMU: { payloadType: 0, name: 'PCMU', clockRate: 8000 },
  PCMA: { payloadType: 8, name: 'PCMA', clockRate: 8000 },
  L16: { payloadType: 96, name: 'L16', clockRate: 16000 },
};
const DTMF_8K: SdpCodec = { payloadType: 101, name: 'telephone-event', clockRate: 8000 };
const DTMF_16K: SdpCodec = { payloadType: 102, name: 'telephone-event', clockRate: 16000 };
const STATIC: Record<number, SdpCodec> = { 0: OWN.PCMU, 8: OWN.PCMA };
const DIRECTIONS = new Set<string>(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** Parses the first audio stream of an SDP body. */
export function parseSdp(text: string): MediaDescription {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (!lines[0]?.startsWith('v=0')) throw new SdpError('SDP does not start with v=0');
  let sessionHost: string | undefined;
  let sessionDirection: Direction | undefined;
  let media: { port: number; formats: number[] } | undefined;
  let mediaHost: string | undefined;
  let direction: Direction | undefined;
  let ptime: number | undefined;
  const rtpmap = new Map<number, SdpCodec>();
  const fmtp = new Map<number, string>();
  let inAudio = false;
  let seenAudio = false;
  for (const line of lines) {
    const type = line[0];
    const value = line.slice(2).trim();
    if (line[1] !== '=') throw new SdpError(`bad SDP line: ${line.slice(0, 40)}`);
    if (type === 'm') {
      inAudio = !seenAudio && value.startsWith('audio ');
      if (!inAudio) continue;
      seenAudio = true;
      const [, port, proto, ...formats] = value.split(/\s+/);
      if (!port || !/^\d+$/.test(port) || !proto?.startsWith('RTP/')) {
        throw new SdpError(`bad audio m-line: ${value}`);
      }
      media = { port: Number(port), formats: formats.map(Number) };
      if (media.formats.some((pt) => !Number.isInteger(pt) || pt < 0 || pt > 127)) {
        throw new SdpError(`bad payload types: ${value}`);
      }
      continue;
    }
    if (seenAudio && !inAudio) continue;
    if (type === 'c') {
      const match = /^IN IP[46] (\S+)$/.exec(value);
      if (!match?.[1]) throw new SdpError(`bad c-line: ${value}`);
      if (inAudio) mediaHost = match[1];
      else sessionHost = match[1];
    } else if (type === 'a') {
      if (DIRECTIONS.has(value)) {
        if (inAudio) direction = value as Direction;
        else sessionDirection = value as Direction;
      } else if (inAudio && value.startsWith('rtpmap:')) {
        const match = /^rtpmap:(\d+) ([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(value);
        if (!match?.[1] || !match[2] || !match[3]) throw new SdpError(`bad rtpmap: ${value}`);
        const codec: SdpCodec = {
          payloadType: Number(match[1]),
          name: match[2],
          clockRate: Number(match[3]),
        };
        if (match[4]) codec.channels = Number(match[4]);
        rtpmap.set(codec.payloadType, codec);
      } else if (inAudio && value.startsWith('fmtp:')) {
        const match = /^fmtp:(\d+) (.*)$/.exec(value);
        if (match?.[1] && match[2] !== undefined) fmtp.set(Number(match[1]), match[2]);
      } else if (inAudio && value.startsWith('ptime:')) {
        ptime = Number(value.slice(6));
      }
    }
  }
  if (!media) throw new SdpError('SDP has no audio stream');
  const host = mediaHost ?? sessionHost;
  if (!host) throw new SdpError('SDP has no connection address');
  const codecs: SdpCodec[] = [];
  for (const pt of media.formats) {
    const known = rtpmap.get(pt) ?? STATIC[pt];
    if (!known) continue; // a dynamic type without rtpmap: unusable, skip it
    const codec = { ...known, payloadType: pt };
    const parameters = fmtp.get(pt);
    if (parameters !== undefined) codec.fmtp = parameters;
    codecs.push(codec);
  }
  const description: MediaDescription = {
    host,
    port: media.port,
    codecs,
    direction: direction ?? sessionDirection ?? 'sendrecv',
  };
  if (ptime !== undefined && Number.isFinite(ptime)) description.ptime = ptime;
  return description;
}

/** Picks the codec for a call from the peer's offer; undefined when nothing is common. */
export function negotiate(
  offer: MediaDescription,
  supported: readonly CodecName[] = ['L16', 'PCMU', 'PCMA'],
): CodecChoice | undefined {
  if (offer.port === 0) return undefined; // a rejected or disabled stream
  // Wideband first, whatever the peer's order: the speech recogniser needs 16 kHz.
  for (const name of ['L16', 'PCMU', 'PCMA'] as const) {
    if (!supported.includes(name)) continue;
    const codec = offer.codecs.find(
      (c) =>
        c.name.toUpperCase() === name &&
        c.clockRate === OWN[name].clockRate &&
        (c.channels ?? 1) === 1,
    );
    if (!codec) continue;
    const choice: CodecChoice = {
      name,
      payloadType: codec.payloadType,
      clockRate: codec.clockRate,
    };
    const dtmf = offer.codecs.find(
      (c) => c.name.toLowerCase() === 'telephone-event' && c.clockRate === codec.clockRate,
    );
    if (dtmf) choice.dtmfPayloadType = dtmf.payloadType;
    return choice;
  }
  return undefined;
}

/** The direction that answers an offered one (RFC 3264 §6.1). */
export function answerDirection(offered: Direction): Direction {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}

export interface SdpOptions {
  host: string;
  port: number;
  direction?: Direction;
  /** o= session id; the same for the whole call. */
  sessionId?: number;
  /** o= version; one more for every changed SDP of the call (re-INVITE). */
  version?: number;
}

function render(options: SdpOptions, codecs: SdpCodec[]): string {
  const ip = options.host.includes(':') ? 'IP6' : 'IP4';
  const session = options.sessionId ?? Math.floor(Math.random() * 1e9);
  const lines = [
    'v=0',
    `o=tiller ${session} ${options.version ?? 1} IN ${ip} ${options.host}`,
    's=tiller',
    `c=IN ${ip} ${options.host}`,
    't=0 0',
    `m=audio ${options.port} RTP/AVP ${codecs.map((c) => c.payloadType).join(' ')}`,
  ];
  for (const codec of codecs) {
    lines.push(`a=rtpmap:${codec.payloadType} ${codec.name}/${codec.clockRate}`);
    if (codec.name === 'telephone-event') lines.push(`a=fmtp:${codec.payloadType} 0-16`);
  }
  lines.push('a=ptime:20', `a=${options.direction ?? 'sendrecv'}`);
  return `${lines.join('\r\n')}\r\n`;
}

/** Our offer: the codecs in preference order, with telephone-event at each clock rate used. */
export function makeOffer(options: SdpOptions & { codecs?: readonly CodecName[] }): string {
  const codecs = (options.codecs ?? ['L16', 'PCMU', 'PCMA']).map((name) => OWN[name]);
  const rates = new Set(codecs.map((c) => c.clockRate));
  if (rates.has(8000)) codecs.push(DTMF_8K);
  if (rates.has(16000)) codecs.push(DTMF_16K);
  return render(options, codecs);
}

/** Our answer to an offer, with the chosen codec under the peer's payload type numbers. */
export function makeAnswer(
  options: SdpOptions & { offer: MediaDescription; choice: CodecChoice },
): string {
  const codecs: SdpCodec[] = [
    {
      payloadType: options.choice.payloadType,
      name: options.choice.name,
      clockRate: options.choice.clockRate,
    },
  ];
  if (options.choice.dtmfPayloadType !== undefined) {
    codecs.push({
      payloadType: options.choice.dtmfPayloadType,
      name: 'telephone-event',
      clockRate: options.choice.clockRate,
    });
  }
  return render(
    { ...options, direction: options.direction ?? answerDirection(options.offer.direction) },
    codecs,
  );
}

/** The same SDP with another direction attribute and the next o= version (hold, resume). */
export function withDirection(sdp: string, direction: Direction): string {
  const lines = sdp.split(/\r?\n/).filter((line) => line !== '');
  const out = lines
    .filter((line) => !/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line))
    .map((line) =>
      line.startsWith('o=')
        ? line.replace(
            /^(o=\S+ \S+ )(\d+)/,
            (_all, head: string, v: string) => `${head}${Number(v) + 1}`,
          )
        : line,
    );
  out.push(`a=${direction}`);
  return `${out.join('\r\n')}\r\n`;
}
