// The messaging channel: what the messaging module asks of a provider that carries text messages
// to people (WhatsApp through the Cloud API, SMS through an SMPP centre, the simulated channel),
// cut so that one conformance suite (test/conformance/messaging.conformance.ts) holds for all.
// Adapters carry messages and report what the provider says; they keep no business rules: no
// 24-hour window, no caps, no opt-out list (the messaging module and the contact ledger do that).
// docs/messaging.md describes the contract.

export type MessagingChannelKind = 'whatsapp' | 'sms' | 'simulated';

/** A media file by its public URL (the provider downloads it). */
export interface MediaRef {
  url: string;
  /** File name shown for documents. */
  name?: string;
  caption?: string;
}

export interface ReplyButton {
  /** Echoed back in the user's answer (≤256 characters on WhatsApp). */
  id: string;
  /** ≤20 characters on WhatsApp. */
  title: string;
}

export interface ListRow {
  id: string;
  /** ≤24 characters on WhatsApp. */
  title: string;
  description?: string;
}

export type Interactive =
  | { type: 'button'; body: string; footer?: string; buttons: ReplyButton[] }
  | {
      type: 'list';
      body: string;
      footer?: string;
      /** The label of the button that opens the list. */
      button: string;
      sections: Array<{ title: string; rows: ListRow[] }>;
    };

/** A template parameter value: WhatsApp templates take positional ({{1}}) or named ones. */
export type TemplateParams = Record<string, string>;

/** What we send. SMS carries text only (an adapter refuses the rest: unsupported_content). */
export type OutboundContent =
  | { type: 'text'; text: string }
  | { type: 'image' | 'video' | 'audio' | 'file'; media: MediaRef }
  | {
      type: 'location';
      location: { latitude: number; longitude: number; name?: string; address?: string };
    }
  | { type: 'contacts'; contacts: Array<{ name: string; phoneNumber: string }> }
  | { type: 'interactive'; interactive: Interactive }
  | {
      type: 'template';
      template: {
        /** The provider's template name and language code, as approved. */
        name: string;
        language: string;
        /** Values for the body's placeholders. */
        body: TemplateParams;
        /** A media header's file, when the template has one. */
        headerMedia?: MediaRef & { type: 'image' | 'video' | 'file' };
        /** Payloads of the quick-reply buttons, by button index (echoed in the user's tap). */
        buttonPayloads?: string[];
      };
    };

export interface OutboundMessage {
  /** Our sender: the WhatsApp phone number id, the SMS source address, a simulated number. */
  from: string;
  /** The person: E.164 for SMS and the simulator; the WhatsApp id (digits, no '+') or E.164. */
  to: string;
  content: OutboundContent;
  /** The provider message id this message quotes (WhatsApp context), if any. */
  replyTo?: string;
  /**
   * Ours, unique per message and the same on every retry of it: adapters that can pass an
   * idempotency key to their provider do; the simulator refuses a second send with the same key.
   */
  idempotencyKey: string;
}

export interface SendReceipt {
  /** The provider's id for the message (wamid..., the SMSC's message_id): statuses refer to it. */
  providerMessageId: string;
}

/**
 * The provider refused a send. `code` is the provider's own (WhatsApp: 130429, 131047, 131050...;
 * SMPP: the command_status, e.g. "0x00000058"), kept verbatim for reports.
 */
export class ChannelSendError extends Error {
  readonly code: string;
  /** Worth sending again later (rate limits, throttling, provider outages). */
  readonly retryable: boolean;
  /** When the provider says how long to wait. */
  readonly retryAfterMs: number | undefined;
  /** The person has opted out on the provider's side (WhatsApp 131050): never retry. */
  readonly optedOut: boolean;
  /** A free-form message outside the provider's customer-service window (WhatsApp 131047). */
  readonly outsideWindow: boolean;

  constructor(
    code: string,
    message: string,
    options: {
      retryable: boolean;
      retryAfterMs?: number;
      optedOut?: boolean;
      outsideWindow?: boolean;
    },
  ) {
    super(message);
    this.name = 'ChannelSendError';
    this.code = code;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.optedOut = options.optedOut ?? false;
    this.outsideWindow = options.outsideWindow ?? false;
  }
}

/** What a person sent us, in the channel's neutral terms. */
export type InboundContent =
  | { type: 'text'; text: string }
  | {
      type: 'image' | 'video' | 'audio' | 'file' | 'sticker';
      media: MediaRef & { mimeType?: string };
    }
  | {
      type: 'location';
      location: { latitude: number; longitude: number; name?: string; address?: string };
    }
  | { type: 'contacts'; contacts: Array<{ name: string; phoneNumber: string }> }
  /** A reply button or list row chosen: the id we sent and its title. */
  | { type: 'choice'; choice: { kind: 'button' | 'list'; id: string; title: string } }
  /** A template's quick-reply button tapped: its text and the payload we set. */
  | { type: 'button'; button: { text: string; payload?: string } }
  /** Anything the adapter cannot map (kept raw for the transcript). */
  | { type: 'unsupported'; raw: unknown };

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export type InboundEvent =
  | {
      kind: 'message';
      /** Our sender the person wrote to (phone number id, SMS destination address). */
      to: string;
      /** The person: E.164 ('+' and digits). */
      from: string;
      /** The provider's id of this message: duplicates of an event carry the same one. */
      providerMessageId: string;
      at: Date;
      content: InboundContent;
      /** The provider id of the message of ours this one answers or quotes. */
      replyTo?: string;
      /** The name the person shows (WhatsApp profile name). */
      profileName?: string;
    }
  | {
      kind: 'status';
      /** The provider id of a message we sent. */
      providerMessageId: string;
      /** The person it was sent to, E.164. */
      recipient: string;
      status: DeliveryStatus;
      at: Date;
      /** On failed: the provider's code and text. */
      error?: { code: string; message: string };
    }
  | {
      /** The person stopped (or resumed) messages on the provider's side. */
      kind: 'opt_out';
      to: string;
      from: string;
      at: Date;
      value: 'stop' | 'resume';
      /** What they stopped: WhatsApp says "marketing_messages". */
      category: string;
    };

export type InboundListener = (event: InboundEvent) => void | Promise<void>;

export interface ChannelCapabilities {
  /** Approved templates (WhatsApp). */
  templates: boolean;
  /** Reply buttons and lists. */
  interactive: boolean;
  /** Images, video, audio, files, locations, contacts. */
  media: boolean;
  /** Blue ticks: markRead tells the person we read their message. */
  readReceipts: boolean;
  /** The most messages per second one sender may send, by default (pacing, docs/messaging.md). */
  defaultSendsPerSecond: number;
}

/**
 * Inbound events pushed over HTTP (the WhatsApp webhook): the messaging module's route hands the
 * raw request to the adapter, which checks and parses it. Adapters whose provider pushes over a
 * connection of their own (SMPP deliver_sm, the simulator) call the listeners instead.
 */
export interface WebhookReceiver {
  /** The GET verification handshake: the challenge to echo, or undefined to refuse (403). */
  verifyHandshake(query: Record<string, string | undefined>): string | undefined;
  /** Checks the signature over the raw bytes; throws WebhookSignatureError when it fails. */
  parse(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): InboundEvent[];
}

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

export interface MessagingChannel {
  readonly kind: MessagingChannelKind;
  readonly capabilities: ChannelCapabilities;
  /** Resolves once the provider accepted the message; rejects with ChannelSendError. */
  send(message: OutboundMessage): Promise<SendReceipt>;
  /** Marks a person's message read (read receipts); a no-op where the channel has none. */
  markRead(from: string, providerMessageId: string): Promise<void>;
  /** Adds a listener of inbound events the channel pushes itself (SMPP, the simulator). */
  onInbound(listener: InboundListener): void;
  /** Present when inbound events arrive on our HTTP webhook (WhatsApp). */
  readonly webhook?: WebhookReceiver;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
