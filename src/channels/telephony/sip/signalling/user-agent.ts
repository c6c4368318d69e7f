// The SIP user agent: Tiller's caller (UAC) towards a trunk, and the test peer or agent phone
// (UAS) in tests. It ties the transport, the transaction layer and the dialogs together and
// dispatches what arrives: new INVITEs to onInvite, CANCELs to the INVITE they cancel, requests
// inside a dialog to that dialog, OPTIONS answered 200, the rest refused.
import { getHeader, isRequest } from './message.ts';
import type { SipRequest, SipResponse } from './message.ts';
import { tagOf } from './address.ts';
import { DigestClient } from './digest.ts';
import type { Dialog } from './dialog.ts';
import { dialogKey } from './dialog.ts';
import { IncomingInvite } from './incoming-invite.ts';
import { OutgoingInvite } from './outgoing-invite.ts';
import type { InviteOptions } from './outgoing-invite.ts';
import { Registration } from './registration.ts';
import type { RegisterOptions } from './registration.ts';
import { responseTo, TransactionLayer } from './transactions.ts';
import type { IncomingRequest } from './transactions.ts';
import { UdpTransport } from './transport-udp.ts';
import type { Address } from './transport-udp.ts';
import { destinationOf, newCallId, newTag, UaContext } from './ua-context.ts';

/** A registrar's answer to a REGISTER (its status, reason and extra headers). */
export type RegisterHandler = (
  request: SipRequest,
  source: Address,
) => { status: number; reason: string; headers: Array<{ name: string; value: string }> };

export interface UserAgentOptions {
  /** Where to bind; port 0 lets the system choose. */
  host: string;
  port: number;
  /** The address written in Via and Contact when it differs from the bound one (NAT). */
  publicHost?: string;
  publicPort?: number;
  userAgent?: string;
  /** T1 in ms (500 by default); every SIP timer scales with it. */
  t1Ms?: number;
  /** Answers 401/407 challenges to our INVITE and REGISTER. */
  credentials?: { username: string; password: string };
}

export class SipUserAgent {
  /** The transport, exposed for its stats and the test seam `dropNextOutgoing`. */
  readonly transport: UdpTransport;
  #ctx: UaContext;
  #layer: TransactionLayer;
  #dialogs = new Map<string, Dialog>();
  #invites = new Map<string, IncomingInvite>();
  #registrations = new Set<Registration>();
  #onInvite: (invite: IncomingInvite) => void = (invite) => invite.reject(480, 'Unavailable');
  #onRegister: RegisterHandler | undefined;

  private constructor(transport: UdpTransport, options: UserAgentOptions) {
    this.transport = transport;
    this.#layer = new TransactionLayer(transport, options.t1Ms ?? 500);
    const bound = transport.address;
    this.#ctx = new UaContext({
      layer: this.#layer,
      publicHost: options.publicHost ?? bound.host,
      publicPort: options.publicPort ?? bound.port,
      userAgent: options.userAgent ?? 'Tiller',
      ...(options.credentials ? { digest: new DigestClient(options.credentials) } : {}),
    });
    this.#layer.onRequest((incoming) => this.#dispatch(incoming));
    this.#layer.onStrayResponse((response) => this.#stray(response));
  }

  static async start(options: UserAgentOptions): Promise<SipUserAgent> {
    const transport = await UdpTransport.bind({ host: options.host, port: options.port });
    return new SipUserAgent(transport, options);
  }

  get address(): Address {
    return this.transport.address;
  }

  /** Registers an address of record; the Registration refreshes itself until unregistered. */
  async register(options: RegisterOptions): Promise<Registration> {
    const registration = new Registration(this.#ctx, options);
    this.#registrations.add(registration);
    return registration.start();
  }

  /** An OPTIONS probe (keep-alive); a lost probe gives 408. */
  options(target: string): Promise<{ status: number }> {
    const request = {
      method: 'OPTIONS',
      uri: target,
      headers: [
        { name: 'Via', value: this.#ctx.via() },
        { name: 'From', value: `${this.#ctx.contact()};tag=${newTag()}` },
        { name: 'To', value: `<${target}>` },
        { name: 'Call-ID', value: newCallId(this.#ctx.publicHost) },
        { name: 'CSeq', value: '1 OPTIONS' },
        ...this.#ctx.common(),
      ],
      body: '',
    };
    return new Promise((resolve) => {
      this.#layer.request(request, destinationOf(request), {
        onResponse: (response) => {
          if (response.status >= 200) resolve({ status: response.status });
        },
        onTimeout: () => resolve({ status: 408 }),
      });
    });
  }

  invite(options: InviteOptions): OutgoingInvite {
    return new OutgoingInvite(this.#ctx, options, (dialog) => this.#track(dialog));
  }

  onInvite(listener: (invite: IncomingInvite) => void): void {
    this.#onInvite = listener;
  }

  /** Makes this UA a registrar (agents' phones): the handler answers each REGISTER. */
  onRegister(handler: RegisterHandler): void {
    this.#onRegister = handler;
  }

  /** Stops everything at once: no BYE or un-REGISTER is sent (do those first if wanted). */
  async close(): Promise<void> {
    for (const registration of this.#registrations) registration.stop();
    for (const dialog of this.#dialogs.values()) dialog.finish('local');
    this.#layer.close();
    await this.transport.close();
  }

  #track(dialog: Dialog): void {
    const key = dialog.key;
    this.#dialogs.set(key, dialog);
    void dialog.ended.then(() => {
      // Kept a while so late retransmissions inside the dialog still find it (and get 481/200).
      this.#layer.timer(64 * this.#layer.t1, () => this.#dialogs.delete(key));
    });
  }

  #dispatch(incoming: IncomingRequest): void {
    const { request, transaction } = incoming;
    const callId = getHeader(request, 'Call-ID') ?? '';
    const toTag = tagOf(getHeader(request, 'To'));
    const fromTag = tagOf(getHeader(request, 'From')) ?? '';
    if (toTag !== undefined) {
      const dialog = this.#dialogs.get(dialogKey(callId, toTag, fromTag));
      if (dialog) dialog.receive(incoming);
      else if (request.method !== 'ACK') {
        transaction?.respond(this.#response(incoming, 481, 'Call/Transaction Does Not Exist'));
      }
      return;
    }
    switch (request.method) {
      case 'INVITE': {
        const invite = new IncomingInvite(this.#ctx, incoming, (dialog) => this.#track(dialog));
        const key = `${callId}|${fromTag}`;
        this.#invites.set(key, invite);
        this.#layer.timer(64 * this.#layer.t1 + 180_000, () => this.#invites.delete(key));
        this.#onInvite(invite);
        return;
      }
      case 'CANCEL': {
        const invite = this.#invites.get(`${callId}|${fromTag}`);
        if (invite && incoming.cancels) invite.cancelled(incoming);
        else transaction?.respond(this.#response(incoming, 481, 'Call/Transaction Does Not Exist'));
        return;
      }
      case 'OPTIONS':
        transaction?.respond(this.#response(incoming, 200, 'OK'));
        return;
      case 'REGISTER': {
        if (!this.#onRegister) break;
        const answer = this.#onRegister(request, incoming.source);
        const response = this.#response(incoming, answer.status, answer.reason);
        response.headers.push(...answer.headers);
        transaction?.respond(response);
        return;
      }
      case 'ACK':
        return; // an ACK outside any dialog: nothing to acknowledge
      case 'BYE':
        transaction?.respond(this.#response(incoming, 481, 'Call/Transaction Does Not Exist'));
        return;
    }
    transaction?.respond(this.#response(incoming, 405, 'Method Not Allowed'));
  }

  /** A 2xx after its INVITE transaction ended: the ACK was lost, so ACK it again. */
  #stray(response: SipResponse): void {
    if (isRequest(response) || response.status < 200 || response.status >= 300) return;
    const callId = getHeader(response, 'Call-ID') ?? '';
    const local = tagOf(getHeader(response, 'From')) ?? '';
    const remote = tagOf(getHeader(response, 'To')) ?? '';
    const cseq = /^(\d+)\s+INVITE$/i.exec(getHeader(response, 'CSeq') ?? '');
    const dialog = this.#dialogs.get(dialogKey(callId, local, remote));
    if (dialog && cseq?.[1]) dialog.ack2xx(Number(cseq[1]));
  }

  #response(incoming: IncomingRequest, status: number, reason: string): SipResponse {
    const response = responseTo(incoming.request, status, reason);
    response.headers.push(...this.#ctx.responseHeaders());
    return response;
  }
}
