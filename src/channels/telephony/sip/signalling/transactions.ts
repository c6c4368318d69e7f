// The transaction layer of RFC 3261 §17 for UDP, with the RFC 6026 "Accepted" states: it
// retransmits requests and final responses, absorbs retransmissions from the far side, sends the
// ACK of a non-2xx final answer to an INVITE, and times transactions out. The 2xx of an INVITE
// and its ACK belong to the dialog (UA core), as the RFC says, so they pass through here.
// Timers scale with T1 (T2 = 8·T1, T4 = 10·T1: 4 s and 5 s at the default 500 ms), so tests can
// shrink them all at once.
import { getHeader, getHeaders, cseqOf, isRequest } from './message.ts';
import type { SipMessage, SipRequest, SipResponse } from './message.ts';
import { parseVia } from './address.ts';
import type { Address, UdpTransport } from './transport-udp.ts';

export interface ClientHandlers {
  onResponse(response: SipResponse): void;
  /** Timer B or F fired: no final response came. */
  onTimeout(): void;
}

export interface ServerTransaction {
  readonly request: SipRequest;
  readonly source: Address;
  /** Sends a response; after a final one, later calls are ignored. */
  respond(response: SipResponse): void;
  readonly final: boolean;
  /** For INVITE: called when no ACK came for a non-2xx final response (timer H). */
  onAckTimeout?: () => void;
}

export interface IncomingRequest {
  request: SipRequest;
  source: Address;
  /** Undefined for an ACK (it has no transaction of its own when it acknowledges a 2xx). */
  transaction?: ServerTransaction;
  /** For a CANCEL: the INVITE transaction it cancels, when there is one. */
  cancels?: ServerTransaction;
}

export function branchOf(message: SipMessage): string {
  const top = getHeaders(message, 'Via')[0];
  const branch = top === undefined ? undefined : parseVia(top).params.get('branch');
  // Pre-RFC 3261 peers have no magic-cookie branch; Call-ID and CSeq stand in for it.
  if (branch && branch.startsWith('z9hG4bK')) return branch;
  return `legacy:${getHeader(message, 'Call-ID')}:${cseqOf(message).seq}:${top}`;
}

const keyOf = (branch: string, method: string) =>
  `${branch}|${method === 'ACK' ? 'INVITE' : method}`;

export class TransactionLayer {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
  #transport: UdpTransport;
  #clients = new Map<string, ClientTx>();
  #servers = new Map<string, ServerTx>();
  #timers = new Set<NodeJS.Timeout>();
  #onRequest: (incoming: IncomingRequest) => void = () => {};
  #onStray: (response: SipResponse) => void = () => {};

  constructor(transport: UdpTransport, t1Ms = 500) {
    this.#transport = transport;
    this.t1 = t1Ms;
    this.t2 = 8 * t1Ms;
    this.t4 = 10 * t1Ms;
    transport.onMessage((message, from) => this.#receive(message, from));
  }

  /** New requests (and ACKs of 2xx) for the UA core. */
  onRequest(listener: (incoming: IncomingRequest) => void): void {
    this.#onRequest = listener;
  }

  /** Responses that match no transaction (a 2xx retransmitted after ours ended). */
  onStrayResponse(listener: (response: SipResponse) => void): void {
    this.#onStray = listener;
  }

  /** Sends a request in a new client transaction (an ACK is sent as is, without one). */
  request(request: SipRequest, to: Address, handlers: ClientHandlers): void {
    if (request.method === 'ACK') {
      this.#transport.send(request, to);
      return;
    }
    const key = keyOf(branchOf(request), request.method);
    const tx = new ClientTx(this, request, to, handlers, () => this.#clients.delete(key));
    this.#clients.set(key, tx);
    tx.start();
  }

  /** Sends a message statelessly (an ACK, a 2xx retransmitted by the dialog). */
  send(message: SipMessage, to?: Address): void {
    if (isRequest(message)) {
      if (to) this.#transport.send(message, to);
    } else this.#transport.sendResponse(message);
  }

  timer(ms: number, fire: () => void): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.#timers.delete(handle);
      fire();
    }, ms);
    this.#timers.add(handle);
    return handle;
  }

  clear(handle: NodeJS.Timeout | undefined): void {
    if (!handle) return;
    clearTimeout(handle);
    this.#timers.delete(handle);
  }

  /** Stops every timer; the transport is closed by its owner. */
  close(): void {
    for (const handle of this.#timers) clearTimeout(handle);
    this.#timers.clear();
    this.#clients.clear();
    this.#servers.clear();
  }

  #receive(message: SipMessage, from: Address): void {
    if (!isRequest(message)) {
      const key = keyOf(branchOf(message), cseqOf(message).method);
      const tx = this.#clients.get(key);
      if (tx) tx.receive(message);
      else this.#onStray(message);
      return;
    }
    const key = keyOf(branchOf(message), message.method);
    const existing = this.#servers.get(key);
    if (existing) {
      existing.receive(message);
      return;
    }
    if (message.method === 'ACK') {
      // An ACK that matches no INVITE transaction acknowledges a 2xx: the dialog's business.
      this.#onRequest({ request: message, source: from });
      return;
    }
    const tx = new ServerTx(this, message, from, () => this.#servers.delete(key));
    this.#servers.set(key, tx);
    const incoming: IncomingRequest = { request: message, source: from, transaction: tx };
    if (message.method === 'CANCEL') {
      const cancelled = this.#servers.get(keyOf(branchOf(message), 'INVITE'));
      if (cancelled) incoming.cancels = cancelled;
    }
    if (message.method === 'INVITE') tx.trying();
    this.#onRequest(incoming);
  }
}

class ClientTx {
  #layer: TransactionLayer;
  #request: SipRequest;
  #to: Address;
  #handlers: ClientHandlers;
  #done: () => void;
  #state: 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated' = 'calling';
  #retransmit: NodeJS.Timeout | undefined;
  #timeout: NodeJS.Timeout | undefined;
  #interval: number;
  #ack: SipRequest | undefined;

  constructor(
    layer: TransactionLayer,
    request: SipRequest,
    to: Address,
    handlers: ClientHandlers,
    done: () => void,
  ) {
    this.#layer = layer;
    this.#request = request;
    this.#to = to;
    this.#handlers = handlers;
    this.#done = done;
    this.#interval = layer.t1;
  }

  get #invite(): boolean {
    return this.#request.method === 'INVITE';
  }

  start(): void {
    this.#layer.send(this.#request, this.#to);
    this.#scheduleRetransmit();
    // Timer B (INVITE) or F (others): 64·T1 without a final response.
    this.#timeout = this.#layer.timer(64 * this.#layer.t1, () => {
      if (this.#state !== 'calling' && this.#state !== 'proceeding') return;
      this.#terminate();
      this.#handlers.onTimeout();
    });
  }

  // Timer A (INVITE: doubles, until a response) or E (others: doubles up to T2; T2 once
  // a provisional response came).
  #scheduleRetransmit(): void {
    this.#retransmit = this.#layer.timer(this.#interval, () => {
      if (this.#state === 'calling' || (!this.#invite && this.#state === 'proceeding')) {
        this.#layer.send(this.#request, this.#to);
        this.#interval = this.#invite
          ? this.#interval * 2
          : Math.min(this.#interval * 2, this.#layer.t2);
        if (!this.#invite && this.#state === 'proceeding') this.#interval = this.#layer.t2;
        this.#scheduleRetransmit();
      }
    });
  }

  receive(response: SipResponse): void {
    const provisional = response.status < 200;
    if (this.#state === 'terminated') return;
    if (this.#state === 'completed') {
      // A retransmitted final response: our ACK was lost, send it again (INVITE only).
      if (this.#ack && !provisional) this.#layer.send(this.#ack, this.#to);
      return;
    }
    if (this.#state === 'accepted') {
      // RFC 6026: every 2xx goes up, so the dialog can ACK retransmissions.
      if (response.status >= 200 && response.status < 300) this.#handlers.onResponse(response);
      return;
    }
    if (provisional) {
      // An INVITE that rings may ring for minutes: timer B only runs until the first
      // provisional answer; after that the caller's ring timeout (a CANCEL) ends it.
      if (this.#invite) {
        this.#layer.clear(this.#retransmit);
        this.#layer.clear(this.#timeout);
      } else if (this.#state === 'calling') this.#interval = this.#layer.t2;
      this.#state = 'proceeding';
      this.#handlers.onResponse(response);
      return;
    }
    this.#layer.clear(this.#retransmit);
    this.#layer.clear(this.#timeout);
    if (this.#invite && response.status < 300) {
      this.#state = 'accepted';
      this.#layer.timer(64 * this.#layer.t1, () => this.#terminate());
    } else if (this.#invite) {
      this.#ack = ackForFailure(this.#request, response);
      this.#layer.send(this.#ack, this.#to);
      this.#state = 'completed';
      this.#layer.timer(64 * this.#layer.t1, () => this.#terminate()); // timer D
    } else {
      this.#state = 'completed';
      this.#layer.timer(this.#layer.t4, () => this.#terminate()); // timer K
    }
    this.#handlers.onResponse(response);
  }

  #terminate(): void {
    this.#state = 'terminated';
    this.#layer.clear(this.#retransmit);
    this.#layer.clear(this.#timeout);
    this.#done();
  }
}

/** RFC 3261 §17.1.1.3: the ACK of a non-2xx final response is part of the INVITE transaction. */
function ackForFailure(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = [
    { name: 'Via', value: getHeaders(invite, 'Via')[0] ?? '' },
    ...invite.headers.filter((h) => h.name === 'Route'),
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: getHeader(invite, 'From') ?? '' },
    { name: 'To', value: getHeader(response, 'To') ?? '' },
    { name: 'Call-ID', value: getHeader(invite, 'Call-ID') ?? '' },
    { name: 'CSeq', value: `${cseqOf(invite).seq} ACK` },
  ];
  return { method: 'ACK', uri: invite.uri, headers, body: '' };
}

class ServerTx implements ServerTransaction {
  readonly request: SipRequest;
  readonly source: Address;
  onAckTimeout?: () => void;
  #layer: TransactionLayer;
  #done: () => void;
  #last: SipResponse | undefined;
  #state: 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated' = 'proceeding';
  #retransmit: NodeJS.Timeout | undefined;
  #timeout: NodeJS.Timeout | undefined;

  constructor(layer: TransactionLayer, request: SipRequest, source: Address, done: () => void) {
    this.#layer = layer;
    this.request = request;
    this.source = source;
    this.#done = done;
  }

  get final(): boolean {
    return this.#state !== 'proceeding';
  }

  /** The INVITE server transaction answers 100 at once, so the client stops retransmitting. */
  trying(): void {
    this.respond(responseTo(this.request, 100, 'Trying'));
  }

  respond(response: SipResponse): void {
    if (this.#state !== 'proceeding') return;
    this.#last = response;
    this.#layer.send(response);
    if (response.status < 200) return;
    const invite = this.request.method === 'INVITE';
    if (invite && response.status < 300) {
      // RFC 6026 Accepted: the dialog retransmits the 2xx; INVITE retransmissions are absorbed.
      this.#state = 'accepted';
      this.#layer.timer(64 * this.#layer.t1, () => this.#terminate());
    } else if (invite) {
      this.#state = 'completed';
      let interval = this.#layer.t1;
      const retransmit = () => {
        this.#retransmit = this.#layer.timer(interval, () => {
          if (this.#state !== 'completed' || !this.#last) return;
          this.#layer.send(this.#last); // timer G
          interval = Math.min(interval * 2, this.#layer.t2);
          retransmit();
        });
      };
      retransmit();
      this.#timeout = this.#layer.timer(64 * this.#layer.t1, () => {
        // Timer H: the ACK never came.
        if (this.#state !== 'completed') return;
        this.#terminate();
        this.onAckTimeout?.();
      });
    } else {
      this.#state = 'completed';
      this.#layer.timer(64 * this.#layer.t1, () => this.#terminate()); // timer J
    }
  }

  receive(message: SipRequest): void {
    if (message.method === 'ACK') {
      if (this.#state !== 'completed') return;
      this.#state = 'confirmed';
      this.#layer.clear(this.#retransmit);
      this.#layer.clear(this.#timeout);
      this.#layer.timer(this.#layer.t4, () => this.#terminate()); // timer I
      return;
    }
    // A retransmitted request: answer it again with what we last said.
    if (this.#last && this.#state !== 'accepted') this.#layer.send(this.#last);
  }

  #terminate(): void {
    this.#state = 'terminated';
    this.#layer.clear(this.#retransmit);
    this.#layer.clear(this.#timeout);
    this.#done();
  }
}

/** A response to a request (RFC 3261 §8.2.6.2): Via, From, To, Call-ID and CSeq copied. */
export function responseTo(request: SipRequest, status: number, reason: string): SipResponse {
  const copied = request.headers.filter((h) =>
    ['Via', 'From', 'To', 'Call-ID', 'CSeq'].includes(h.name),
  );
  return { status, reason, headers: copied.map((h) => ({ ...h })), body: '' };
}
