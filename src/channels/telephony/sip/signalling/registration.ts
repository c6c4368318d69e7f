// REGISTER (RFC 3261 §10) and keeping it alive: one Call-ID for the binding's whole life, the
// CSeq growing with every refresh, a refresh at half the granted time, and `failed` as soon as a
// refresh is refused or goes unanswered (the "trunk dropped the registration" fault). A failed
// registration is not retried here: the owner decides (register again, alert, stop dialling).
import { parseNameAddr, parseSipUri } from './address.ts';
import { getHeader, getHeaders } from './message.ts';
import type { SipRequest, SipResponse } from './message.ts';
import { destinationOf, newCallId, newTag } from './ua-context.ts';
import type { UaContext } from './ua-context.ts';

export interface RegisterOptions {
  /** The registrar, `sip:host:port`. */
  registrar: string;
  /** The address of record, `sip:user@domain`. */
  aor: string;
  /** Seconds asked for. */
  expires: number;
}

export type RegistrationState = 'registered' | 'failed' | 'unregistered';

export class Registration {
  state: RegistrationState = 'failed';
  /** The final status of the last REGISTER, and the seconds the registrar granted. */
  lastStatus = 0;
  expires = 0;
  #ctx: UaContext;
  #options: RegisterOptions;
  #callId: string;
  #tag = newTag();
  #seq = 0;
  #refresh: NodeJS.Timeout | undefined;
  #listeners: ((state: RegistrationState) => void)[] = [];
  #contact: string;

  constructor(ctx: UaContext, options: RegisterOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.#callId = newCallId(ctx.publicHost);
    parseSipUri(options.registrar);
    this.#contact = ctx.contact(parseSipUri(options.aor).user);
  }

  onChange(listener: (state: RegistrationState) => void): void {
    this.#listeners.push(listener);
  }

  /** Sends the REGISTER (and a retry with credentials if challenged); resolves with its state. */
  async start(): Promise<this> {
    await this.#register(this.#options.expires);
    return this;
  }

  async unregister(): Promise<void> {
    this.#ctx.layer.clear(this.#refresh);
    if (this.state !== 'registered') return;
    await this.#register(0);
  }

  /** Stops refreshing without telling the registrar (the UA is closing). */
  stop(): void {
    this.#ctx.layer.clear(this.#refresh);
  }

  async #register(expires: number): Promise<void> {
    const request = this.#build(expires);
    let answer = await this.#send(request);
    const { response } = answer;
    if (response && (response.status === 401 || response.status === 407)) {
      // Retried once with credentials; a second challenge is a failure.
      const retry = this.#ctx.authorized(request, response);
      if (retry) {
        this.#seq++;
        answer = await this.#send(retry);
      }
    }
    const status = answer.response?.status ?? 408;
    this.lastStatus = status;
    if (expires === 0) {
      this.#set(status >= 200 && status < 300 ? 'unregistered' : 'failed');
      return;
    }
    if (!answer.response || status >= 300) {
      this.#set('failed');
      return;
    }
    this.expires = this.#granted(answer.response) ?? expires;
    this.#set('registered');
    // Half the granted time leaves room for a refresh that must be retransmitted or challenged.
    this.#refresh = this.#ctx.layer.timer(Math.max(this.expires, 1) * 500, () => {
      void this.#register(this.#options.expires);
    });
  }

  /** One REGISTER transaction: its final response, or none when it timed out. */
  #send(request: SipRequest): Promise<{ response?: SipResponse }> {
    return new Promise((resolve) => {
      this.#ctx.layer.request(request, destinationOf(request), {
        onResponse: (response) => {
          if (response.status >= 200) resolve({ response });
        },
        onTimeout: () => resolve({}),
      });
    });
  }

  /** The expiry the registrar granted our contact: its `expires` param, else Expires. */
  #granted(response: SipResponse): number | undefined {
    const ours = parseNameAddr(this.#contact).uri;
    for (const value of getHeaders(response, 'Contact')) {
      try {
        const contact = parseNameAddr(value);
        const expires = contact.params.get('expires');
        if (contact.uri.host === ours.host && contact.uri.port === ours.port && expires) {
          return Number(expires);
        }
      } catch {
        // a contact we cannot read is not ours
      }
    }
    const header = getHeader(response, 'Expires');
    return header && /^\d+$/.test(header) ? Number(header) : undefined;
  }

  #build(expires: number): SipRequest {
    this.#seq++;
    const aor = `<${this.#options.aor}>`;
    return {
      method: 'REGISTER',
      uri: this.#options.registrar,
      headers: [
        { name: 'Via', value: this.#ctx.via() },
        { name: 'From', value: `${aor};tag=${this.#tag}` },
        { name: 'To', value: aor },
        { name: 'Call-ID', value: this.#callId },
        { name: 'CSeq', value: `${this.#seq} REGISTER` },
        { name: 'Contact', value: this.#contact },
        { name: 'Expires', value: String(expires) },
        ...this.#ctx.common(),
      ],
      body: '',
    };
  }

  #set(state: RegistrationState): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed) for (const listener of this.#listeners) listener(state);
  }
}
