// SIP over one UDP socket. Received requests get `received`/`rport` written into their top Via
// (RFC 3261 §18.2.1, RFC 3581) so that answers go back to where the request really came from,
// which is what gets through a NAT. A datagram that does not parse is dropped and counted; it
// never reaches the transaction layer.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { formatVia, parseVia } from './address.ts';
import { getHeaders, isRequest, parseMessage, serializeMessage, SipParseError } from './message.ts';
import type { SipMessage, SipResponse } from './message.ts';

export interface Address {
  host: string;
  port: number;
}

export interface TransportStats {
  received: number;
  sent: number;
  /** Datagrams that were not SIP messages. */
  malformed: number;
  /** Outgoing datagrams dropped on purpose by the test seam. */
  dropped: number;
}

export type MessageListener = (message: SipMessage, from: Address) => void;

export class UdpTransport {
  readonly stats: TransportStats = { received: 0, sent: 0, malformed: 0, dropped: 0 };
  /** The last parse error, for logs and tests. */
  lastMalformed: Error | undefined;
  #socket: Socket;
  #listener: MessageListener = () => {};
  #drops: { remaining: number; match: (message: SipMessage) => boolean }[] = [];
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (data, rinfo) =>
      this.#receive(data, { host: rinfo.address, port: rinfo.port }),
    );
    // A UDP socket reports ICMP errors and the like here; a lost datagram is what SIP expects
    // and the transactions retransmit, so nothing more is done.
    socket.on('error', () => {});
  }

  static bind(options: { host: string; port: number }): Promise<UdpTransport> {
    const family = options.host.includes(':') ? 'udp6' : 'udp4';
    const socket = createSocket({ type: family });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, options.host, () => {
        socket.off('error', reject);
        resolve(new UdpTransport(socket));
      });
    });
  }

  get address(): Address {
    const bound = this.#socket.address();
    return { host: bound.address, port: bound.port };
  }

  onMessage(listener: MessageListener): void {
    this.#listener = listener;
  }

  send(message: SipMessage, to: Address): void {
    if (this.#closed) return;
    const drop = this.#drops.find((rule) => rule.remaining > 0 && rule.match(message));
    if (drop) {
      drop.remaining--;
      this.stats.dropped++;
      return;
    }
    this.stats.sent++;
    this.#socket.send(serializeMessage(message), to.port, to.host, () => {});
  }

  /** Sends a response to where its top Via says, honouring `received` and `rport`. */
  sendResponse(response: SipResponse): void {
    const target = responseTarget(response);
    if (target) this.send(response, target);
  }

  /**
   * Test seam: the next `count` outgoing messages (of those `match` accepts, all by default) are
   * dropped instead of sent, as a lossy network would, to prove the retransmissions.
   */
  dropNextOutgoing(count: number, match: (message: SipMessage) => boolean = () => true): void {
    this.#drops.push({ remaining: count, match });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #receive(data: Buffer, from: Address): void {
    let message: SipMessage;
    try {
      message = parseMessage(data);
      if (isRequest(message)) stampVia(message, from);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      this.stats.malformed++;
      this.lastMalformed = error;
      return;
    }
    this.stats.received++;
    this.#listener(message, from);
  }
}

/** RFC 3261 §18.2.1 and RFC 3581 §4: note where the request came from in its top Via. */
function stampVia(request: SipMessage, from: Address): void {
  const index = request.headers.findIndex((h) => h.name === 'Via');
  const header = request.headers[index];
  if (!header) return;
  const [top, ...others] = getHeaders({ ...request, headers: [header] }, 'Via');
  if (top === undefined) return;
  const via = parseVia(top);
  if (via.host.replace(/^\[(.*)\]$/, '$1') !== from.host) via.params.set('received', from.host);
  if (via.params.has('rport')) {
    via.params.set('rport', String(from.port));
    via.params.set('received', from.host);
  }
  // A comma-joined Via header is split so the stamped top value stands alone.
  const replacement = [{ name: 'Via', value: formatVia(via) }];
  if (others.length > 0) replacement.push({ name: 'Via', value: others.join(', ') });
  request.headers.splice(index, 1, ...replacement);
}

/** Where a response goes (RFC 3261 §18.2.2 for unreliable transports, RFC 3581 §4). */
export function responseTarget(response: SipResponse): Address | undefined {
  const top = getHeaders(response, 'Via')[0];
  if (top === undefined) return undefined;
  const via = parseVia(top);
  const host = via.params.get('maddr') ?? via.params.get('received') ?? via.host;
  const rport = via.params.get('rport');
  const port = rport ? Number(rport) : (via.port ?? 5060);
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port };
}
