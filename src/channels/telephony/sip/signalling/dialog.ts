// A confirmed dialog (RFC 3261 §12): the call once answered. It sends in-dialog requests (BYE,
// re-INVITE) along the route set to the remote target, answers the far side's (BYE, re-INVITE,
// INFO, OPTIONS), and owns the 2xx of every INVITE it answered and the ACK of every 2xx it got:
// both are retransmitted end to end, not by the transaction layer.
import { parseNameAddr } from './address.ts';
import { cseqOf, getHeader, getHeaders } from './message.ts';
import type { SipRequest, SipResponse } from './message.ts';
import { withDirection, answerDirection, parseSdp } from './sdp.ts';
import { responseTo } from './transactions.ts';
import type { IncomingRequest } from './transactions.ts';
import { destinationOf } from './ua-context.ts';
import type { UaContext } from './ua-context.ts';

export type DialogEnd = { by: 'local' | 'remote' | 'timeout' };

export interface DialogState {
  callId: string;
  /** Our From (UAC) or To (UAS) value, with our tag. */
  local: string;
  /** Theirs, with their tag. */
  remote: string;
  localTag: string;
  remoteTag: string;
  /** The URI of their Contact: where in-dialog requests go. */
  remoteTarget: string;
  /** Route header values, in the order our requests carry them. */
  routeSet: string[];
  localSeq: number;
  remoteSeq: number | undefined;
}

export const dialogKey = (callId: string, localTag: string, remoteTag: string) =>
  `${callId}|${localTag}|${remoteTag}`;

export class Dialog {
  readonly callId: string;
  remoteSdp: string | undefined;
  localSdp: string | undefined;
  readonly ended: Promise<DialogEnd>;
  #ctx: UaContext;
  #state: DialogState;
  #end!: (end: DialogEnd) => void;
  #over = false;
  #reinviteHandler: ((sdp: string) => string) | undefined;
  #infoHandler: ((body: string, contentType: string | undefined) => void) | undefined;
  #acks = new Map<number, SipRequest>();
  #awaitingAck = new Map<number, (acked: boolean) => void>();
  #reinviting = false;

  constructor(ctx: UaContext, state: DialogState, sdp: { local?: string; remote?: string }) {
    this.#ctx = ctx;
    this.#state = state;
    this.callId = state.callId;
    this.localSdp = sdp.local;
    this.remoteSdp = sdp.remote;
    this.ended = new Promise((resolve) => (this.#end = resolve));
  }

  get key(): string {
    return dialogKey(this.#state.callId, this.#state.localTag, this.#state.remoteTag);
  }

  get up(): boolean {
    return !this.#over;
  }

  /** Called with the far side's re-INVITE offer; returns our answer SDP. */
  onReinvite(handler: (sdp: string) => string): void {
    this.#reinviteHandler = handler;
  }

  onInfo(handler: (body: string, contentType: string | undefined) => void): void {
    this.#infoHandler = handler;
  }

  /** Hangs up; resolves once the far side answered the BYE (or it timed out). */
  bye(): Promise<void> {
    if (this.#over) return Promise.resolve();
    this.#finish('local');
    const request = this.#request('BYE');
    return new Promise((resolve) => {
      this.#ctx.layer.request(request, destinationOf(request), {
        onResponse: (response) => {
          if (response.status >= 200) resolve();
        },
        onTimeout: () => resolve(),
      });
    });
  }

  /** Sends a new offer (hold: `a=sendonly`; resume: `a=sendrecv`); 491 when one is under way. */
  reinvite(sdp: string): Promise<{ status: number; sdp?: string }> {
    if (this.#over) return Promise.resolve({ status: 481 });
    if (this.#reinviting) return Promise.resolve({ status: 491 });
    this.#reinviting = true;
    const request = this.#request('INVITE', sdp);
    const seq = this.#state.localSeq;
    return new Promise((resolve) => {
      // Per re-INVITE: a 2xx retransmitted after this one settled is only ACKed again, even
      // when a newer re-INVITE is under way by then.
      let settled = false;
      const settle = (result: { status: number; sdp?: string }) => {
        if (settled) return;
        settled = true;
        this.#reinviting = false;
        resolve(result);
      };
      this.#ctx.layer.request(request, destinationOf(request), {
        onResponse: (response) => {
          if (response.status < 200) return;
          if (response.status >= 300) {
            if (response.status === 408 || response.status === 481) this.#finish('timeout');
            settle({ status: response.status });
            return;
          }
          this.#sendAck(seq);
          if (settled) return;
          this.localSdp = sdp;
          if (response.body) this.remoteSdp = response.body;
          settle(
            response.body
              ? { status: response.status, sdp: response.body }
              : { status: response.status },
          );
        },
        onTimeout: () => {
          this.#finish('timeout');
          settle({ status: 408 });
        },
      });
    });
  }

  /** ACKs a 2xx to our INVITE with this CSeq (again, when the 2xx was retransmitted). */
  ack2xx(seq: number): void {
    this.#sendAck(seq);
  }

  /**
   * Sends a 2xx to an INVITE and retransmits it (T1, doubling up to T2) until its ACK comes;
   * false when 64·T1 pass without one.
   */
  deliver2xx(incoming: IncomingRequest, response: SipResponse): Promise<boolean> {
    const seq = cseqOf(incoming.request).seq;
    incoming.transaction?.respond(response);
    const layer = this.#ctx.layer;
    return new Promise((resolve) => {
      let interval = layer.t1;
      let timer: NodeJS.Timeout | undefined;
      const giveUp = layer.timer(64 * layer.t1, () => settle(false));
      const settle = (acked: boolean) => {
        layer.clear(timer);
        layer.clear(giveUp);
        this.#awaitingAck.delete(seq);
        resolve(acked);
      };
      const again = () => {
        timer = layer.timer(interval, () => {
          layer.send(response);
          interval = Math.min(interval * 2, layer.t2);
          again();
        });
      };
      this.#awaitingAck.set(seq, settle);
      again();
    });
  }

  /** A request inside this dialog, from the UA's dispatch. */
  receive(incoming: IncomingRequest): void {
    const { request } = incoming;
    if (request.method === 'ACK') {
      if (request.body && !this.remoteSdp) this.remoteSdp = request.body;
      this.#awaitingAck.get(cseqOf(request).seq)?.(true);
      return;
    }
    const tx = incoming.transaction;
    if (!tx) return;
    // A new request from the far side means it has our 2xx, even if its ACK was lost.
    for (const settle of this.#awaitingAck.values()) settle(true);
    const seq = cseqOf(request).seq;
    if (this.#state.remoteSeq !== undefined && seq <= this.#state.remoteSeq) {
      tx.respond(this.#response(request, 500, 'Server Internal Error'));
      return;
    }
    this.#state.remoteSeq = seq;
    if (this.#over) {
      tx.respond(this.#response(request, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    switch (request.method) {
      case 'BYE':
        tx.respond(this.#response(request, 200, 'OK'));
        this.#finish('remote');
        return;
      case 'INVITE':
        this.#answerReinvite(incoming);
        return;
      case 'INFO':
        tx.respond(this.#response(request, 200, 'OK'));
        this.#infoHandler?.(request.body, getHeader(request, 'Content-Type'));
        return;
      case 'OPTIONS':
        tx.respond(this.#response(request, 200, 'OK'));
        return;
      default:
        tx.respond(this.#response(request, 501, 'Not Implemented'));
    }
  }

  /** Ends the dialog without signalling (the UA is closing, or the 2xx was never ACKed). */
  finish(by: DialogEnd['by']): void {
    this.#finish(by);
  }

  #answerReinvite(incoming: IncomingRequest): void {
    const { request } = incoming;
    if (this.#reinviting) {
      incoming.transaction?.respond(this.#response(request, 491, 'Request Pending'));
      return;
    }
    let answer = this.localSdp ?? '';
    if (request.body) {
      try {
        const offered = parseSdp(request.body).direction;
        answer = this.#reinviteHandler
          ? this.#reinviteHandler(request.body)
          : withDirection(answer, answerDirection(offered));
      } catch {
        incoming.transaction?.respond(this.#response(request, 488, 'Not Acceptable Here'));
        return;
      }
      this.remoteSdp = request.body;
    }
    this.localSdp = answer;
    const ok = this.#response(request, 200, 'OK');
    ok.headers.push({ name: 'Contact', value: this.#ctx.contact() });
    if (answer) {
      ok.headers.push({ name: 'Content-Type', value: 'application/sdp' });
      ok.body = answer;
    }
    void this.deliver2xx(incoming, ok).then((acked) => {
      if (!acked && !this.#over) void this.bye();
    });
  }

  #response(request: SipRequest, status: number, reason: string): SipResponse {
    const response = responseTo(request, status, reason);
    response.headers.push(...this.#ctx.responseHeaders());
    return response;
  }

  #request(method: string, body?: string): SipRequest {
    if (method !== 'ACK') this.#state.localSeq++;
    return this.#requestAt(method, this.#state.localSeq, body);
  }

  #requestAt(method: string, seq: number, body?: string): SipRequest {
    const headers = [
      { name: 'Via', value: this.#ctx.via() },
      ...this.#state.routeSet.map((value) => ({ name: 'Route', value })),
      { name: 'From', value: this.#state.local },
      { name: 'To', value: this.#state.remote },
      { name: 'Call-ID', value: this.#state.callId },
      { name: 'CSeq', value: `${seq} ${method}` },
      ...this.#ctx.common(),
    ];
    if (method === 'INVITE') headers.push({ name: 'Contact', value: this.#ctx.contact() });
    if (body) headers.push({ name: 'Content-Type', value: 'application/sdp' });
    return { method, uri: this.#state.remoteTarget, headers, body: body ?? '' };
  }

  #sendAck(seq: number): void {
    let ack = this.#acks.get(seq);
    if (!ack) {
      ack = this.#requestAt('ACK', seq);
      this.#acks.set(seq, ack);
    }
    this.#ctx.layer.send(ack, destinationOf(ack));
  }

  #finish(by: DialogEnd['by']): void {
    if (this.#over) return;
    this.#over = true;
    // The dialog existed; how it ended is told by `ended`. Only timer expiry settles false.
    for (const settle of this.#awaitingAck.values()) settle(true);
    this.#end({ by });
  }
}

/** The dialog state a UAC learns from the 2xx to its INVITE (RFC 3261 §12.1.2). */
export function uacDialogState(invite: SipRequest, ok: SipResponse): DialogState {
  const contact = getHeader(ok, 'Contact');
  return {
    callId: getHeader(invite, 'Call-ID') ?? '',
    local: getHeader(invite, 'From') ?? '',
    remote: getHeader(ok, 'To') ?? '',
    localTag: parseNameAddr(getHeader(invite, 'From') ?? '').params.get('tag') ?? '',
    remoteTag: parseNameAddr(getHeader(ok, 'To') ?? '').params.get('tag') ?? '',
    remoteTarget: contact ? nameAddrUri(contact) : invite.uri,
    routeSet: getHeaders(ok, 'Record-Route').reverse(),
    localSeq: cseqOf(invite).seq,
    remoteSeq: undefined,
  };
}

/** The dialog state a UAS sets up when it answers an INVITE (RFC 3261 §12.1.1). */
export function uasDialogState(invite: SipRequest, localTo: string, localTag: string): DialogState {
  const contact = getHeader(invite, 'Contact');
  const from = getHeader(invite, 'From') ?? '';
  return {
    callId: getHeader(invite, 'Call-ID') ?? '',
    local: localTo,
    remote: from,
    localTag,
    remoteTag: parseNameAddr(from).params.get('tag') ?? '',
    remoteTarget: nameAddrUri(contact ?? from),
    routeSet: getHeaders(invite, 'Record-Route'),
    localSeq: 0,
    remoteSeq: cseqOf(invite).seq,
  };
}

function nameAddrUri(value: string): string {
  const open = value.indexOf('<');
  if (open >= 0) return value.slice(open + 1, value.indexOf('>', open));
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim();
}
