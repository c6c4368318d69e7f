// The part of the smpp package (farhadi/node-smpp 0.5.1, shipped without types) that the SMPP
// adapter and the local SMS centre of the tests use. Parameter names are the SMPP v5.0 ones.

declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A decoded short_message / message_payload: the text and, when present, the UDH. */
  export interface DecodedMessage {
    message: string | Buffer;
    udh?: Buffer[];
  }

  export class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    command: string;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
    // Every other field of the command (system_id, message_id, short_message, esm_class...).
    [field: string]: unknown;
  }

  export class Session extends EventEmitter {
    socket: Socket;
    send(
      pdu: PDU,
      responseCallback?: (pdu: PDU) => void,
      sendCallback?: (pdu: PDU) => void,
    ): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver(options: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    submit_sm(options: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    deliver_sm(options: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    enquire_link(options?: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
    unbind(options?: Record<string, unknown>, callback?: (pdu: PDU) => void): boolean;
  }

  export class Server extends NetServer {
    sessions: Session[];
  }

  export interface ConnectOptions {
    url: string;
    auto_enquire_link_period?: number;
  }

  export function connect(options: ConnectOptions, listener?: () => void): Session;
  export function createServer(listener?: (session: Session) => void): Server;

  export const encodings: {
    ASCII: { match(value: string): boolean };
  };

  export const ESME_ROK: number;
  export const ESME_RINVDSTADR: number;
  export const ESME_RBINDFAIL: number;
  export const ESME_RMSGQFUL: number;
  export const ESME_RSUBMITFAIL: number;
  export const ESME_RTHROTTLED: number;
  export const ESME_RINVBNDSTS: number;
  export const ESME_RSYSERR: number;

  const smpp: {
    connect: typeof connect;
    createServer: typeof createServer;
    encodings: typeof encodings;
    PDU: typeof PDU;
    /** command_status values by name (ESME_ROK, ESME_RTHROTTLED...). */
    errors: Record<string, number>;
    ESME_ROK: number;
    ESME_RINVDSTADR: number;
    ESME_RBINDFAIL: number;
    ESME_RMSGQFUL: number;
    ESME_RSUBMITFAIL: number;
    ESME_RTHROTTLED: number;
    ESME_RINVBNDSTS: number;
    ESME_RSYSERR: number;
  };
  export default smpp;
}
