// A call that reaches us (UAS): ring, early media, answer, reject, or hear it cancelled. The
// test peer and an agent's phone are built on it.
import { getHeader } from './message.ts';
import type { SipMessage, SipRequest, SipResponse } from './message.ts';
import { Dialog, uasDialogState } from './dialog.ts';
import { responseTo } from './transactions.ts';
import type { IncomingRequest } from './transactions.ts';
import { newTag } from './ua-context.ts';
import type { UaContext } from './ua-context.ts';

export class IncomingInvite {
  readonly callId: string;
  readonly from: string;
  readonly to: string;
  readonly sdp: string | undefined;
  readonly request: SipMessage;
  #ctx: UaContext;
  #incoming: IncomingRequest;
  #tag = newTag();
  #final = false;
  #cancelListeners: (() => void)[] = [];
  #onDialog: (dialog: Dialog) => void;

  constructor(ctx: UaContext, incoming: IncomingRequest, onDialog: (dialog: Dialog) => void) {
    this.#ctx = ctx;
    this.#incoming = incoming;
    this.#onDialog = onDialog;
    const request = incoming.request;
    this.request = request;
    this.callId = getHeader(request, 'Call-ID') ?? '';
    this.from = getHeader(request, 'From') ?? '';
    this.to = getHeader(request, 'To') ?? '';
    this.sdp = request.body || undefined;
    // Timer H: our final answer was never ACKed; nothing more to do than stop retransmitting.
    if (incoming.transaction) incoming.transaction.onAckTimeout = () => {};
  }

  /** 180 Ringing. */
  ringing(): void {
    this.#provisional(180, 'Ringing');
  }

  /** 183 Session Progress with early media. */
  progress(sdp: string): void {
    this.#provisional(183, 'Session Progress', sdp);
  }

  /** 200 OK with our SDP; resolves with the dialog once the caller ACKed it. */
  answer(sdp: string): Promise<Dialog> {
    if (this.#final) return Promise.reject(new Error('the INVITE already has a final answer'));
    this.#final = true;
    const ok = this.#response(200, 'OK', sdp);
    const request = this.#incoming.request;
    const dialog = new Dialog(this.#ctx, uasDialogState(request, this.#toWithTag(), this.#tag), {
      local: sdp,
      ...(request.body ? { remote: request.body } : {}),
    });
    this.#onDialog(dialog);
    return dialog.deliver2xx(this.#incoming, ok).then((acked) => {
      if (acked) return dialog;
      // RFC 3261 §13.3.1.4: no ACK within 64·T1, so the session is torn down.
      void dialog.bye().then(() => dialog.finish('timeout'));
      throw new Error('the caller never ACKed our 200 OK');
    });
  }

  /** A final failure answer (486 busy, 480, 603, a 401/407 challenge with its header, ...). */
  reject(status: number, reason = 'Rejected', headers: Record<string, string> = {}): void {
    if (this.#final) return;
    this.#final = true;
    const response = this.#response(status, reason);
    for (const [name, value] of Object.entries(headers)) response.headers.push({ name, value });
    this.#incoming.transaction?.respond(response);
  }

  onCancel(listener: () => void): void {
    this.#cancelListeners.push(listener);
  }

  /** The caller's CANCEL: 200 to it, 487 to the INVITE if it had no final answer yet. */
  cancelled(cancel: IncomingRequest): void {
    const ok = responseTo(cancel.request, 200, 'OK');
    cancel.transaction?.respond(ok);
    if (this.#final) return;
    this.#final = true;
    this.#incoming.transaction?.respond(this.#response(487, 'Request Terminated'));
    for (const listener of this.#cancelListeners) listener();
  }

  #provisional(status: number, reason: string, sdp?: string): void {
    if (this.#final) return;
    this.#incoming.transaction?.respond(this.#response(status, reason, sdp));
  }

  #toWithTag(): string {
    return `${this.to};tag=${this.#tag}`;
  }

  #response(status: number, reason: string, sdp?: string): SipResponse {
    const request: SipRequest = this.#incoming.request;
    const response = responseTo(request, status, reason);
    const to = response.headers.find((h) => h.name === 'To');
    if (to && status > 100) to.value = this.#toWithTag();
    if (status < 300) {
      // The route set and our Contact set up the (early) dialog (RFC 3261 §12.1.1).
      for (const h of request.headers)
        if (h.name === 'Record-Route') response.headers.push({ ...h });
      response.headers.push({ name: 'Contact', value: this.#ctx.contact() });
    }
    response.headers.push(...this.#ctx.responseHeaders());
    if (sdp) {
      response.headers.push({ name: 'Content-Type', value: 'application/sdp' });
      response.body = sdp;
    }
    return response;
  }
}
