// The addresses inside SIP headers: SIP URIs (RFC 3261 §19.1), name-addr values of From, To,
// Contact and Route (§20.10), and Via (§20.42). Parameters keep their order; a parameter with no
// value (`;lr`, `;rport`) is stored as null.
import { SipParseError } from './message.ts';

export type Params = Map<string, string | null>;

export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  user?: string;
  host: string;
  port?: number;
  params: Params;
  /** The `?headers` part, kept as written. */
  headers?: string;
}

export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  /** Header parameters (tag, expires, ...), not the URI's own. */
  params: Params;
}

export interface Via {
  transport: string;
  host: string;
  port?: number;
  params: Params;
}

export function parseParams(text: string): Params {
  const params: Params = new Map();
  for (const part of text.split(';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) params.set(trimmed.toLowerCase(), null);
    else {
      const value = trimmed.slice(eq + 1).trim();
      params.set(trimmed.slice(0, eq).trim().toLowerCase(), value.replace(/^"(.*)"$/, '$1'));
    }
  }
  return params;
}

export function formatParams(params: Params): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

function parseHostPort(text: string): { host: string; port?: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match?.[1]) throw new SipParseError(`bad host: ${text.slice(0, 60)}`);
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && port > 65535) throw new SipParseError(`bad port: ${port}`);
  return port === undefined ? { host: match[1] } : { host: match[1], port };
}

export function parseSipUri(text: string): SipUri {
  const match = /^(sips?|tel):(.*)$/i.exec(text.trim());
  if (!match?.[1] || match[2] === undefined) {
    throw new SipParseError(`not a SIP URI: ${text.slice(0, 60)}`);
  }
  const scheme = match[1].toLowerCase() as SipUri['scheme'];
  let rest = match[2];
  let headers: string | undefined;
  const question = rest.indexOf('?');
  if (question >= 0) {
    headers = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const number = semi < 0 ? rest : rest.slice(0, semi);
    return { scheme, host: number, params: parseParams(semi < 0 ? '' : rest.slice(semi)) };
  }
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at) : undefined;
  const hostPart = at >= 0 ? rest.slice(at + 1) : rest;
  const semi = hostPart.indexOf(';');
  const hostPort = parseHostPort(semi < 0 ? hostPart : hostPart.slice(0, semi));
  const uri: SipUri = {
    scheme,
    ...hostPort,
    params: parseParams(semi < 0 ? '' : hostPart.slice(semi)),
  };
  if (user !== undefined) uri.user = user;
  if (headers !== undefined) uri.headers = headers;
  return uri;
}

export function formatSipUri(uri: SipUri): string {
  const user = uri.user === undefined ? '' : `${uri.user}@`;
  const port = uri.port === undefined ? '' : `:${uri.port}`;
  const headers = uri.headers === undefined ? '' : `?${uri.headers}`;
  return `${uri.scheme}:${user}${uri.host}${port}${formatParams(uri.params)}${headers}`;
}

/** Parses `"Name" <sip:user@host;uri-params>;tag=x`, `<sip:...>` or a bare `sip:...;tag=x`. */
export function parseNameAddr(text: string): NameAddr {
  const trimmed = text.trim();
  const open = trimmed.indexOf('<');
  if (open >= 0) {
    const close = trimmed.indexOf('>', open);
    if (close < 0) throw new SipParseError(`unclosed <: ${trimmed.slice(0, 60)}`);
    let display = trimmed.slice(0, open).trim();
    if (display.startsWith('"')) {
      if (!display.endsWith('"') || display.length < 2) {
        throw new SipParseError(`bad display name: ${display.slice(0, 60)}`);
      }
      display = display.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    const result: NameAddr = {
      uri: parseSipUri(trimmed.slice(open + 1, close)),
      params: parseParams(trimmed.slice(close + 1)),
    };
    if (display) result.displayName = display;
    return result;
  }
  // addr-spec without brackets: everything after the first ';' belongs to the header (§20.10).
  const semi = trimmed.indexOf(';');
  return {
    uri: parseSipUri(semi < 0 ? trimmed : trimmed.slice(0, semi)),
    params: parseParams(semi < 0 ? '' : trimmed.slice(semi)),
  };
}

export function formatNameAddr(addr: NameAddr): string {
  const display =
    addr.displayName === undefined ? '' : `"${addr.displayName.replace(/(["\\])/g, '\\$1')}" `;
  return `${display}<${formatSipUri(addr.uri)}>${formatParams(addr.params)}`;
}

export function parseVia(text: string): Via {
  const match = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;\s]+)\s*(.*)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) throw new SipParseError(`bad Via: ${text.slice(0, 60)}`);
  return {
    transport: match[1].toUpperCase(),
    ...parseHostPort(match[2]),
    params: parseParams(match[3] ?? ''),
  };
}

export function formatVia(via: Via): string {
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `SIP/2.0/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}

/** Where a SIP URI is reached over UDP: its host and port (5060 by default); no DNS SRV. */
export function targetOf(uri: SipUri): { host: string; port: number } {
  const maddr = uri.params.get('maddr');
  const host = maddr ?? uri.host;
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port: uri.port ?? 5060 };
}

/** A tag of a From/To value, if it has one. */
export function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return parseNameAddr(value).params.get('tag') ?? undefined;
}
