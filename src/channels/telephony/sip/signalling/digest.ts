// HTTP digest authentication as SIP uses it (RFC 3261 §22, RFC 2617, RFC 7616 for MD5): the
// client answers a 401 WWW-Authenticate or a 407 Proxy-Authenticate challenge, and the server
// side issues challenges and checks answers (the test peer and tests use it to challenge us).
// Only MD5 with qop=auth or without qop: what SIP trunks ask for.
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm?: string;
  /** The qop options offered (`auth`, `auth-int`); empty for the RFC 2069 form. */
  qop: string[];
  stale?: boolean;
}

export class DigestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DigestError';
  }
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** Parses `Digest a="b", c=d, ...` into its parameters (names lower-cased). */
export function parseAuthParams(header: string): { scheme: string; params: Map<string, string> } {
  const match = /^\s*(\S+)\s*(.*)$/s.exec(header);
  if (!match?.[1]) throw new DigestError('empty authentication header');
  const params = new Map<string, string>();
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  const rest = match[2] ?? '';
  let found: RegExpExecArray | null;
  while (re.lastIndex < rest.length && (found = re.exec(rest)) !== null) {
    if (!found[1]) break;
    params.set(
      found[1].toLowerCase(),
      found[2] !== undefined ? found[2].replace(/\\(.)/g, '$1') : (found[3] ?? ''),
    );
  }
  if (re.lastIndex < rest.length && rest.slice(re.lastIndex).trim() !== '') {
    throw new DigestError(`bad authentication parameters: ${rest.slice(0, 60)}`);
  }
  return { scheme: match[1], params };
}

export function parseChallenge(header: string): DigestChallenge {
  const { scheme, params } = parseAuthParams(header);
  if (scheme.toLowerCase() !== 'digest') throw new DigestError(`unsupported scheme ${scheme}`);
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || nonce === undefined)
    throw new DigestError('challenge lacks realm or nonce');
  const algorithm = params.get('algorithm');
  if (algorithm && algorithm.toUpperCase() !== 'MD5') {
    throw new DigestError(`unsupported digest algorithm ${algorithm}`);
  }
  const challenge: DigestChallenge = {
    realm,
    nonce,
    qop: (params.get('qop') ?? '')
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter(Boolean),
  };
  const opaque = params.get('opaque');
  if (opaque !== undefined) challenge.opaque = opaque;
  if (algorithm !== undefined) challenge.algorithm = algorithm;
  if (params.get('stale')?.toLowerCase() === 'true') challenge.stale = true;
  return challenge;
}

export interface DigestInput {
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  /** With qop=auth: the nonce count (1 for the first use of a nonce) and the client nonce. */
  qop?: { nc: number; cnonce: string };
}

export const formatNc = (nc: number) => nc.toString(16).padStart(8, '0');

/** The `response` value of RFC 2617 §3.2.2.1 (MD5, qop=auth or none). */
export function digestResponse(input: DigestInput): string {
  const ha1 = md5(`${input.username}:${input.realm}:${input.password}`);
  const ha2 = md5(`${input.method}:${input.uri}`);
  if (!input.qop) return md5(`${ha1}:${input.nonce}:${ha2}`);
  return md5(`${ha1}:${input.nonce}:${formatNc(input.qop.nc)}:${input.qop.cnonce}:auth:${ha2}`);
}

const quote = (value: string) => `"${value.replace(/(["\\])/g, '\\$1')}"`;

/**
 * Answers challenges for one set of credentials, counting each nonce's uses (the nonce count
 * must grow with every request that reuses a nonce).
 */
export class DigestClient {
  #username: string;
  #password: string;
  #counts = new Map<string, number>();

  constructor(credentials: { username: string; password: string }) {
    this.#username = credentials.username;
    this.#password = credentials.password;
  }

  /** The Authorization (or Proxy-Authorization) header value answering `challenge`. */
  authorize(challenge: DigestChallenge, method: string, uri: string, cnonce?: string): string {
    const useQop = challenge.qop.includes('auth');
    const nc = (this.#counts.get(challenge.nonce) ?? 0) + 1;
    this.#counts.set(challenge.nonce, nc);
    const qop = useQop ? { nc, cnonce: cnonce ?? randomBytes(8).toString('hex') } : undefined;
    const response = digestResponse({
      username: this.#username,
      password: this.#password,
      realm: challenge.realm,
      nonce: challenge.nonce,
      method,
      uri,
      ...(qop ? { qop } : {}),
    });
    const parts = [
      `username=${quote(this.#username)}`,
      `realm=${quote(challenge.realm)}`,
      `nonce=${quote(challenge.nonce)}`,
      `uri=${quote(uri)}`,
      `response=${quote(response)}`,
      'algorithm=MD5',
    ];
    if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
    if (qop) parts.push('qop=auth', `nc=${formatNc(qop.nc)}`, `cnonce=${quote(qop.cnonce)}`);
    return `Digest ${parts.join(', ')}`;
  }
}

/**
 * The server side: issues nonces and checks answers against a password per user. A nonce count
 * must grow (a replayed answer is refused).
 */
export class DigestServer {
  readonly realm: string;
  #qop: boolean;
  #passwords: (username: string) => string | undefined;
  #nonces = new Map<string, number>();

  constructor(options: {
    realm: string;
    qop?: boolean;
    passwords: (username: string) => string | undefined;
  }) {
    this.realm = options.realm;
    this.#qop = options.qop ?? true;
    this.#passwords = options.passwords;
  }

  /** A WWW-Authenticate / Proxy-Authenticate header value with a fresh nonce. */
  challenge(): string {
    const nonce = randomBytes(16).toString('hex');
    this.#nonces.set(nonce, 0);
    const qop = this.#qop ? ', qop="auth"' : '';
    return `Digest realm=${quote(this.realm)}, nonce=${quote(nonce)}, algorithm=MD5${qop}`;
  }

  /** Whether an Authorization header value is a right answer for this method. */
  check(header: string | undefined, method: string): boolean {
    if (header === undefined) return false;
    let params: Map<string, string>;
    try {
      const parsed = parseAuthParams(header);
      if (parsed.scheme.toLowerCase() !== 'digest') return false;
      params = parsed.params;
    } catch {
      return false;
    }
    const username = params.get('username');
    const nonce = params.get('nonce');
    const uri = params.get('uri');
    const given = params.get('response');
    if (!username || !nonce || !uri || !given || params.get('realm') !== this.realm) return false;
    const lastCount = this.#nonces.get(nonce);
    const password = this.#passwords(username);
    if (lastCount === undefined || password === undefined) return false;
    let qop: DigestInput['qop'];
    if (this.#qop) {
      const nc = Number.parseInt(params.get('nc') ?? '', 16);
      const cnonce = params.get('cnonce');
      if (params.get('qop') !== 'auth' || !cnonce || !(nc > lastCount)) return false;
      qop = { nc, cnonce };
    }
    const expected = digestResponse({
      username,
      password,
      realm: this.realm,
      nonce,
      method,
      uri,
      ...(qop ? { qop } : {}),
    });
    if (expected !== given.toLowerCase()) return false;
    if (qop) this.#nonces.set(nonce, qop.nc);
    return true;
  }
}
