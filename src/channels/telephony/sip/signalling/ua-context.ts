// What the parts of the UA core share: the transaction layer, who we are on the wire (the
// host and port written in Via and Contact, which may be a NAT's public address), fresh ids,
// and the retry of a request challenged with 401/407.
import { randomBytes } from 'node:crypto';
import { parseSipUri, targetOf } from './address.ts';
import type { DigestClient } from './digest.ts';
import { parseChallenge } from './digest.ts';
import { cseqOf, getHeader, setHeader } from './message.ts';
import type { SipRequest, SipResponse } from './message.ts';
import type { TransactionLayer } from './transactions.ts';
import type { Address } from './transport-udp.ts';

export const newTag = () => randomBytes(6).toString('hex');
export const newBranch = () => `z9hG4bK${randomBytes(10).toString('hex')}`;
export const newCallId = (host: string) => `${randomBytes(12).toString('hex')}@${host}`;

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO';

export class UaContext {
  readonly layer: TransactionLayer;
  readonly publicHost: string;
  readonly publicPort: number;
  readonly userAgent: string;
  readonly digest: DigestClient | undefined;

  constructor(options: {
    layer: TransactionLayer;
    publicHost: string;
    publicPort: number;
    userAgent: string;
    digest?: DigestClient;
  }) {
    this.layer = options.layer;
    this.publicHost = options.publicHost;
    this.publicPort = options.publicPort;
    this.userAgent = options.userAgent;
    this.digest = options.digest;
  }

  get t1(): number {
    return this.layer.t1;
  }

  /** Our Via with a new branch; `rport` asks the far side to answer to the source port. */
  via(): string {
    const host = this.publicHost.includes(':') ? `[${this.publicHost}]` : this.publicHost;
    return `SIP/2.0/UDP ${host}:${this.publicPort};branch=${newBranch()};rport`;
  }

  contact(user?: string): string {
    const host = this.publicHost.includes(':') ? `[${this.publicHost}]` : this.publicHost;
    return `<sip:${user ? `${user}@` : ''}${host}:${this.publicPort}>`;
  }

  /** Headers every request of ours carries after its own: Max-Forwards, User-Agent, Allow. */
  common(): { name: string; value: string }[] {
    return [
      { name: 'Max-Forwards', value: '70' },
      { name: 'User-Agent', value: this.userAgent },
      { name: 'Allow', value: ALLOW },
    ];
  }

  /** Headers we add to our responses. */
  responseHeaders(): { name: string; value: string }[] {
    return [
      { name: 'Server', value: this.userAgent },
      { name: 'Allow', value: ALLOW },
    ];
  }

  /**
   * The request again with credentials for a 401/407 challenge (new branch, next CSeq), or
   * undefined when we have no credentials or cannot answer the challenge.
   */
  authorized(request: SipRequest, challenge: SipResponse): SipRequest | undefined {
    if (!this.digest) return undefined;
    const proxy = challenge.status === 407;
    const header = getHeader(challenge, proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate');
    if (header === undefined) return undefined;
    let parsed;
    try {
      parsed = parseChallenge(header);
    } catch {
      return undefined;
    }
    const retry: SipRequest = { ...request, headers: request.headers.map((h) => ({ ...h })) };
    setHeader(retry, 'Via', this.via());
    setHeader(retry, 'CSeq', `${cseqOf(request).seq + 1} ${request.method}`);
    setHeader(
      retry,
      proxy ? 'Proxy-Authorization' : 'Authorization',
      this.digest.authorize(parsed, request.method, request.uri),
    );
    return retry;
  }
}

/** Where to send a request: the first Route when there is one (loose routing), else its URI. */
export function destinationOf(request: SipRequest, proxy?: Address): Address {
  if (proxy) return proxy;
  const route = getHeader(request, 'Route');
  const uri = route ? route.replace(/^.*<([^>]*)>.*$/, '$1') : request.uri;
  return targetOf(parseSipUri(uri));
}
