// Our side of a call we place (UAC): the INVITE, its provisional answers, a retry with
// credentials when challenged, CANCEL, and the dialog made from the 2xx (which we ACK here, and
// again for every retransmission of it).
import { formatNameAddr, parseNameAddr, parseSipUri } from './address.ts';
import { Dialog, uacDialogState } from './dialog.ts';
import { cseqOf, getHeader, getHeaders } from './message.ts';
import type { SipRequest, SipResponse } from './message.ts';
import type { Address } from './transport-udp.ts';
import { destinationOf, newCallId, newTag } from './ua-context.ts';
import type { UaContext } from './ua-context.ts';

export interface InviteOptions {
  /** The request URI: who we call. */
  target: string;
  /** Our identity, `sip:caller@domain`. */
  from: string;
  fromName?: string;
  /** P-Asserted-Identity (RFC 3325): the caller number a trunk trusts us to present. */
  assertedIdentity?: string;
  sdp: string;
  /** An outbound proxy or trunk to send the INVITE to, whatever the target's host. */
  proxy?: Address;
  headers?: Record<string, string>;
}

export interface Provisional {
  status: number;
  reason: string;
  sdp?: string;
}

export interface InviteResult {
  status: number;
  reason: string;
  sdp?: string;
  /** Set on a 2xx, after we ACKed it. */
  dialog?: Dialog;
}

export class OutgoingInvite {
  readonly callId: string;
  readonly result: Promise<InviteResult>;
  #ctx: UaContext;
  #proxy: Address | undefined;
  #request: SipRequest;
  #settle!: (result: InviteResult) => void;
  #settled = false;
  #provisionalListeners: ((r: Provisional) => void)[] = [];
  #heardProvisional = false;
  #lastProvisional = '';
  #cancelled = false;
  #cancelSent = false;
  #challenged = false;
  #dialog: Dialog | undefined;
  #onDialog: (dialog: Dialog) => void;

  constructor(ctx: UaContext, options: InviteOptions, onDialog: (dialog: Dialog) => void) {
    this.#ctx = ctx;
    this.#proxy = options.proxy;
    this.#onDialog = onDialog;
    this.callId = newCallId(ctx.publicHost);
    this.result = new Promise((resolve) => (this.#settle = resolve));
    const fromAddr = parseNameAddr(options.from);
    if (options.fromName !== undefined) fromAddr.displayName = options.fromName;
    fromAddr.params.set('tag', newTag());
    const headers = [
      { name: 'Via', value: ctx.via() },
      { name: 'From', value: formatNameAddr(fromAddr) },
      { name: 'To', value: `<${options.target}>` },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: '1 INVITE' },
      { name: 'Contact', value: ctx.contact(fromAddr.uri.user) },
      ...ctx.common(),
    ];
    if (options.assertedIdentity !== undefined) {
      headers.push({ name: 'P-Asserted-Identity', value: `<${options.assertedIdentity}>` });
    }
    for (const [name, value] of Object.entries(options.headers ?? {}))
      headers.push({ name, value });
    headers.push({ name: 'Content-Type', value: 'application/sdp' });
    parseSipUri(options.target); // refuse a bad target before anything is sent
    this.#request = { method: 'INVITE', uri: options.target, headers, body: options.sdp };
    this.#send();
  }

  onProvisional(listener: (r: Provisional) => void): void {
    this.#provisionalListeners.push(listener);
  }

  /**
   * Cancels the call. A CANCEL may only follow a provisional answer (RFC 3261 §9.1), so before
   * one it waits for it. The result then settles with 487, or 200 if the answer raced the
   * CANCEL: that call is ACKed and hung up at once.
   */
  cancel(): void {
    if (this.#settled || this.#cancelled) return;
    this.#cancelled = true;
    if (this.#heardProvisional) this.#sendCancel();
  }

  #send(): void {
    const request = this.#request;
    this.#ctx.layer.request(request, destinationOf(request, this.#proxy), {
      onResponse: (response) => this.#onResponse(request, response),
      onTimeout: () => this.#finish({ status: 408, reason: 'Request Timeout' }),
    });
  }

  #onResponse(request: SipRequest, response: SipResponse): void {
    if (response.status < 200) {
      this.#heardProvisional = true;
      if (this.#cancelled) this.#sendCancel();
      if (response.status === 100 || this.#settled) return;
      // A retransmitted INVITE makes the far side repeat its last provisional answer (and some
      // repeat 180 on their own): the listeners hear each distinct one once.
      const fingerprint = `${response.status}|${getHeader(response, 'To')}|${response.body}`;
      if (fingerprint === this.#lastProvisional) return;
      this.#lastProvisional = fingerprint;
      const provisional: Provisional = { status: response.status, reason: response.reason };
      if (response.body) provisional.sdp = response.body;
      for (const listener of this.#provisionalListeners) listener(provisional);
      return;
    }
    if (response.status < 300) {
      this.#answered(request, response);
      return;
    }
    if ((response.status === 401 || response.status === 407) && !this.#challenged) {
      const retry = this.#ctx.authorized(request, response);
      if (retry) {
        this.#challenged = true;
        this.#request = retry;
        this.#heardProvisional = false;
        this.#send();
        return;
      }
    }
    this.#finish({ status: response.status, reason: response.reason });
  }

  #answered(request: SipRequest, response: SipResponse): void {
    const seq = cseqOf(request).seq;
    if (this.#dialog) {
      // A retransmitted 2xx: our ACK was lost. (A 2xx from another fork is not supported.)
      this.#dialog.ack2xx(seq);
      return;
    }
    const dialog = new Dialog(this.#ctx, uacDialogState(request, response), {
      local: request.body,
      ...(response.body ? { remote: response.body } : {}),
    });
    this.#dialog = dialog;
    this.#onDialog(dialog);
    dialog.ack2xx(seq);
    const result: InviteResult = { status: response.status, reason: response.reason, dialog };
    if (response.body) result.sdp = response.body;
    this.#finish(result);
    if (this.#cancelled) void dialog.bye();
  }

  #sendCancel(): void {
    if (this.#cancelSent) return;
    this.#cancelSent = true;
    const invite = this.#request;
    // RFC 3261 §9.1: same URI, top Via (branch), From, To, Call-ID and CSeq number, and Route.
    const cancel: SipRequest = {
      method: 'CANCEL',
      uri: invite.uri,
      headers: [
        { name: 'Via', value: getHeaders(invite, 'Via')[0] ?? '' },
        ...invite.headers.filter((h) => h.name === 'Route'),
        { name: 'From', value: getHeader(invite, 'From') ?? '' },
        { name: 'To', value: getHeader(invite, 'To') ?? '' },
        { name: 'Call-ID', value: this.callId },
        { name: 'CSeq', value: `${cseqOf(invite).seq} CANCEL` },
        ...this.#ctx.common(),
      ],
      body: '',
    };
    this.#ctx.layer.request(cancel, destinationOf(invite, this.#proxy), {
      onResponse: () => {},
      onTimeout: () => {},
    });
    // If no final answer follows the CANCEL, the INVITE is given up after 64·T1 (§9.1).
    this.#ctx.layer.timer(64 * this.#ctx.t1, () =>
      this.#finish({ status: 408, reason: 'Request Timeout' }),
    );
  }

  #finish(result: InviteResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle(result);
  }
}
