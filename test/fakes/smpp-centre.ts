// A local SMS centre (SMSC) that speaks SMPP over TCP on 127.0.0.1, for the SMPP adapter's tests:
// binds with credentials (wrong ones get ESME_RBINDFAIL), accepts submit_sm with a message_id,
// sends delivery receipts as deliver_sm (DELIVRD, or UNDELIV with an err code for numbers it
// cannot reach), answers ESME_RTHROTTLED past its rate limit or when told to, sends people's
// messages (mobile originated), and records everything it accepted. It plays the part of a real
// centre we cannot reach from tests; docs/sms.md lists what it does not do.
import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Server, type Session } from 'smpp';

export interface SmppCentreOptions {
  systemId: string;
  password: string;
  /** Destinations (E.164) the centre cannot deliver to: their receipts say UNDELIV. */
  undeliverable?: Iterable<string>;
  /** The err field of an UNDELIV receipt (default "001"). */
  undeliverableErr?: string;
  /** submit_sm accepted per second per centre before ESME_RTHROTTLED (default 1000). */
  sendsPerSecond?: number;
  /** Whether receipts carry the receipted_message_id and message_state TLVs too (default no). */
  receiptTlvs?: boolean;
}

export interface Submitted {
  messageId: string;
  /** As sent on the wire (digits, no "+"), with the type of number. */
  sourceAddr: string;
  destinationAddr: string;
  destAddrTon: number;
  /** The decoded text, from short_message or message_payload. */
  text: string;
  dataCoding: number;
  viaPayload: boolean;
  registeredDelivery: number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
/** SMPP receipt dates: YYMMDDhhmm. */
const receiptDate = (d: Date) =>
  `${pad2(d.getUTCFullYear() % 100)}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}`;

const textOf = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'message' in value) {
    const message = (value as { message: unknown }).message;
    return typeof message === 'string' ? message : Buffer.from(message as Buffer).toString('hex');
  }
  return '';
};

export class SmppCentre {
  /** smpp://127.0.0.1:port, once started. */
  get url(): string {
    return `smpp://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  readonly submitted: Submitted[] = [];
  /** Successful binds so far (a re-bind after a dropped connection adds one). */
  binds = 0;
  /** Every deliver_sm_resp status the client answered, in order. */
  readonly deliverAnswers: number[] = [];
  readonly #server: Server;
  readonly #options: SmppCentreOptions;
  readonly #undeliverable: Set<string>;
  readonly #bound = new Set<Session>();
  /** command_status answers for the next submits, oldest first (throttleNext, refuseNext). */
  readonly #refusals: number[] = [];
  #stalled = false;
  /** submit_sm received, answered or not. */
  submitsReceived = 0;
  /** enquire_link requests received from clients. */
  enquireLinks = 0;
  /** unbind requests received from clients. */
  unbinds = 0;
  #serial = 0;
  #windowStart = 0;
  #windowCount = 0;

  private constructor(server: Server, options: SmppCentreOptions) {
    this.#server = server;
    this.#options = options;
    this.#undeliverable = new Set(options.undeliverable ?? []);
  }

  static async start(options: SmppCentreOptions): Promise<SmppCentre> {
    const server = smpp.createServer();
    const centre = new SmppCentre(server, options);
    server.on('session', (session: Session) => centre.#accept(session));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return centre;
  }

  /** The next `count` submit_sm are answered ESME_RTHROTTLED. */
  throttleNext(count = 1): void {
    this.refuseNext(smpp.ESME_RTHROTTLED, count);
  }

  /** The next `count` submit_sm are answered with this command_status. */
  refuseNext(status: number, count = 1): void {
    for (let i = 0; i < count; i++) this.#refusals.push(status);
  }

  /** While stalled, submit_sm get no answer at all (a centre that hangs). */
  stallSubmits(stalled: boolean): void {
    this.#stalled = stalled;
  }

  /** What was accepted for a person (E.164), oldest first. */
  deliveredTo(to: string): Submitted[] {
    return this.submitted.filter((s) => `+${s.destinationAddr}` === to || s.destinationAddr === to);
  }

  /** Whether a client is bound now. */
  get boundSessions(): number {
    return this.#bound.size;
  }

  /**
   * A person (E.164) writes to one of our addresses: a mobile-originated deliver_sm to a bound
   * client. Resolves with the client's deliver_sm_resp command_status.
   */
  personSends(from: string, to: string, text: string): Promise<number> {
    const session = [...this.#bound][0];
    if (!session) return Promise.reject(new Error('no client is bound'));
    const international = to.startsWith('+');
    return this.#deliver(session, {
      source_addr: from.replace(/^\+/, ''),
      source_addr_ton: 1,
      source_addr_npi: 1,
      destination_addr: to.replace(/^\+/, ''),
      dest_addr_ton: international ? 1 : 0,
      dest_addr_npi: 1,
      esm_class: 0,
      short_message: text,
    });
  }

  /**
   * A person's long message in parts, each its own deliver_sm, in the order given: numbered by a
   * UDH concatenation element (8- or 16-bit reference) or by the sar_* TLVs. `parts` are
   * [seq, text] pairs (seq from 1), so a test can send them out of order or leave one out.
   * Resolves with the client's answer to each.
   */
  async personSendsParts(
    from: string,
    to: string,
    parts: Array<[seq: number, text: string]>,
    numbering: { ref: number; total: number; by: 'udh8' | 'udh16' | 'sar' },
  ): Promise<number[]> {
    const session = [...this.#bound][0];
    if (!session) throw new Error('no client is bound');
    const answers: number[] = [];
    for (const [seq, text] of parts) {
      const { ref, total, by } = numbering;
      const udh =
        by === 'udh8'
          ? Buffer.from([0x05, 0x00, 0x03, ref & 0xff, total, seq])
          : Buffer.from([0x06, 0x08, 0x04, (ref >> 8) & 0xff, ref & 0xff, total, seq]);
      answers.push(
        await this.#deliver(session, {
          source_addr: from.replace(/^\+/, ''),
          source_addr_ton: 1,
          source_addr_npi: 1,
          destination_addr: to.replace(/^\+/, ''),
          dest_addr_ton: to.startsWith('+') ? 1 : 0,
          dest_addr_npi: 1,
          esm_class: 0,
          ...(by === 'sar'
            ? {
                short_message: text,
                sar_msg_ref_num: ref,
                sar_total_segments: total,
                sar_segment_seqnum: seq,
              }
            : { short_message: { udh, message: text } }),
        }),
      );
    }
    return answers;
  }

  /** Cuts every client's connection, as a centre restart or a network fault would. */
  dropConnections(): void {
    for (const session of this.#bound) session.destroy();
    this.#bound.clear();
  }

  async close(): Promise<void> {
    for (const session of this.#server.sessions) session.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(session: Session): void {
    session.on('error', () => {});
    session.on('close', () => this.#bound.delete(session));
    const bind = (pdu: PDU) => {
      if (pdu.system_id !== this.#options.systemId || pdu.password !== this.#options.password) {
        session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
        session.close();
        return;
      }
      this.binds += 1;
      this.#bound.add(session);
      session.send(pdu.response({ system_id: 'tiller-test-smsc' }));
    };
    session.on('bind_transceiver', bind);
    session.on('enquire_link', (pdu: PDU) => {
      this.enquireLinks += 1;
      session.send(pdu.response());
    });
    session.on('unbind', (pdu: PDU) => {
      this.unbinds += 1;
      this.#bound.delete(session);
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => this.#submit(session, pdu));
  }

  #submit(session: Session, pdu: PDU): void {
    this.submitsReceived += 1;
    if (!this.#bound.has(session)) {
      session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      return;
    }
    if (this.#stalled) return;
    const refusal = this.#refusals.shift() ?? (this.#overRate() ? smpp.ESME_RTHROTTLED : 0);
    if (refusal !== 0) {
      session.send(pdu.response({ command_status: refusal }));
      return;
    }
    const destination = String(pdu.destination_addr ?? '');
    if (!/^\d{3,15}$/.test(destination)) {
      session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
      return;
    }
    const viaPayload = pdu.message_payload !== undefined && pdu.message_payload !== null;
    const submitted: Submitted = {
      messageId: `smsc${(++this.#serial).toString(16).padStart(8, '0')}`,
      sourceAddr: String(pdu.source_addr ?? ''),
      destinationAddr: destination,
      destAddrTon: Number(pdu.dest_addr_ton ?? 0),
      text: textOf(viaPayload ? pdu.message_payload : pdu.short_message),
      dataCoding: Number(pdu.data_coding ?? 0),
      viaPayload,
      registeredDelivery: Number(pdu.registered_delivery ?? 0),
    };
    this.submitted.push(submitted);
    session.send(pdu.response({ message_id: submitted.messageId }));
    if ((submitted.registeredDelivery & 0x03) !== 0) void this.#receipt(session, submitted);
  }

  /** More submits this second than the account's throughput. */
  #overRate(): boolean {
    const now = Date.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#windowCount = 0;
    }
    this.#windowCount += 1;
    return this.#windowCount > (this.#options.sendsPerSecond ?? 1000);
  }

  async #receipt(session: Session, s: Submitted): Promise<void> {
    const failed = this.#undeliverable.has(`+${s.destinationAddr}`);
    const stat = failed ? 'UNDELIV' : 'DELIVRD';
    const err = failed ? (this.#options.undeliverableErr ?? '001') : '000';
    const date = receiptDate(new Date());
    const text =
      `id:${s.messageId} sub:001 dlvrd:${failed ? '000' : '001'} submit date:${date} ` +
      `done date:${date} stat:${stat} err:${err} text:${s.text.slice(0, 20)}`;
    // After the submit_sm_resp, as a real centre does: a receipt never precedes its message id.
    await new Promise((resolve) => setImmediate(resolve));
    const target = this.#bound.has(session) ? session : [...this.#bound][0];
    if (!target) return;
    await this.#deliver(target, {
      source_addr: s.destinationAddr,
      source_addr_ton: s.destAddrTon,
      source_addr_npi: 1,
      destination_addr: s.sourceAddr,
      esm_class: 0x04,
      // Receipt text is plain ASCII, in the centre's default alphabet.
      data_coding: 0,
      short_message: text,
      ...(this.#options.receiptTlvs
        ? { receipted_message_id: s.messageId, message_state: failed ? 5 : 2 }
        : {}),
    }).catch(() => {});
  }

  #deliver(session: Session, fields: Record<string, unknown>): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const sent = session.deliver_sm(fields, (response) => {
        this.deliverAnswers.push(response.command_status);
        resolve(response.command_status);
      });
      if (!sent) reject(new Error('the client connection is gone'));
    });
  }
}
