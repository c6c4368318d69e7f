import { Agent, request } from 'undici';
import type { Logger } from '../../../shared/logger.ts';
import {
  ChannelSendError,
  type ChannelCapabilities,
  type InboundEvent,
  type InboundListener,
  type MessagingChannel,
  type OutboundMessage,
  type SendReceipt,
  type WebhookReceiver,
} from '../messaging-channel.ts';
import { graphSendError, networkSendError } from './whatsapp-errors.ts';
import { toGraphMessage, toReadReceipt } from './whatsapp-request.ts';
import { answerHandshake, checkSignature } from './whatsapp-signature.ts';
import { parseWebhookPayload, type WebhookProviderError } from './whatsapp-webhook.ts';

// One WhatsApp sender number on Meta's Cloud API (docs/whatsapp.md). Sends go out over a
// keep-alive pool of its own; inbound events arrive on our webhook route, which hands the raw
// request to `webhook.parse`. The adapter keeps no business rules (window, opt-outs, pacing).

export interface WhatsAppCloudOptions {
  phoneNumberId: string;
  accessToken: string;
  /** Signs webhooks (X-Hub-Signature-256). */
  appSecret: string;
  /** The token we gave Meta for the GET handshake. */
  verifyToken: string;
  /** Default https://graph.facebook.com; the local Graph server's URL in tests. */
  graphUrl?: string;
  /** Default v21.0. */
  apiVersion?: string;
  /** capabilities.defaultSendsPerSecond; default 80, Meta's standard throughput per number. */
  sendsPerSecond?: number;
  /** Most open connections to the Graph API (default 64: ~1,000 sends/s at 60 ms per answer). */
  connections?: number;
  /** Per request: no answer by then → ChannelSendError 'timeout', retryable. Default 15 s. */
  timeoutMs?: number;
  /** Receives `value.errors` (problems of the number or app, not of one message). */
  logger?: Logger;
}

export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';
export const DEFAULT_API_VERSION = 'v21.0';

export class WhatsAppCloudChannel implements MessagingChannel {
  readonly kind = 'whatsapp' as const;
  readonly capabilities: ChannelCapabilities;
  readonly webhook: WebhookReceiver;
  readonly #options: WhatsAppCloudOptions;
  readonly #messagesUrl: string;
  readonly #mediaBase: string;
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #listeners: InboundListener[] = [];
  #closed = false;

  constructor(options: WhatsAppCloudOptions) {
    this.#options = options;
    const base = `${(options.graphUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '')}/${
      options.apiVersion ?? DEFAULT_API_VERSION
    }`;
    this.#mediaBase = base;
    this.#messagesUrl = `${base}/${encodeURIComponent(options.phoneNumberId)}/messages`;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#agent = new Agent({
      connections: options.connections ?? 64,
      keepAliveTimeout: 30_000,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
    this.capabilities = {
      templates: true,
      interactive: true,
      media: true,
      readReceipts: true,
      defaultSendsPerSecond: options.sendsPerSecond ?? 80,
    };
    this.webhook = {
      verifyHandshake: (query) => answerHandshake(query, options.verifyToken),
      parse: (rawBody, headers) => this.#parse(rawBody, headers),
    };
  }

  /**
   * Sends from this channel's phone number id, whatever `message.from` says: a channel is one
   * sender (the module builds one per number), and `from` may be the display number.
   */
  async send(message: OutboundMessage): Promise<SendReceipt> {
    this.#checkOpen();
    const body = toGraphMessage(message);
    const answer = await this.#post(body);
    const messages = (answer as { messages?: Array<{ id?: unknown }> }).messages;
    const id = messages?.[0]?.id;
    if (typeof id !== 'string' || id === '')
      throw new ChannelSendError('no_message_id', 'the Graph API accepted but gave no message id', {
        retryable: false,
      });
    return { providerMessageId: id };
  }

  /** Blue ticks on a person's message (`from` is unused: this channel is the number). */
  async markRead(_from: string, providerMessageId: string): Promise<void> {
    this.#checkOpen();
    await this.#post(toReadReceipt(providerMessageId));
  }

  /**
   * WhatsApp pushes inbound events to our HTTP webhook, not over a connection of ours: listeners
   * receive only what deliverWebhook() is handed. The messaging module calls webhook.parse on
   * its route instead and needs no listener.
   */
  onInbound(listener: InboundListener): void {
    this.#listeners.push(listener);
  }

  /** A convenience for tests and single-process setups: parse, then call every listener. */
  async deliverWebhook(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<InboundEvent[]> {
    const events = this.webhook.parse(rawBody, headers);
    for (const event of events) for (const listener of this.#listeners) await listener(event);
    return events;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#agent.close();
  }

  async #post(body: object): Promise<unknown> {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(this.#messagesUrl, {
        dispatcher: this.#agent,
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.#options.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        // The pool's headersTimeout/bodyTimeout bound the request: no AbortSignal per send, which
        // costs timers and listeners at ~1,000 sends/s.
      });
    } catch (error) {
      throw this.#closed ? closedError() : networkSendError(error);
    }
    let parsed: unknown;
    try {
      parsed = await response.body.json();
    } catch {
      parsed = undefined;
    }
    if (response.statusCode >= 200 && response.statusCode < 300 && parsed !== undefined)
      return parsed;
    throw graphSendError(response.statusCode, parsed, response.headers['retry-after']);
  }

  #parse(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): InboundEvent[] {
    checkSignature(rawBody, headers, this.#options.appSecret);
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString('utf8'));
    } catch {
      // Signed by Meta yet not JSON: never seen; the route answers it as bad input.
      throw new SyntaxError('the WhatsApp webhook body is not JSON');
    }
    return parseWebhookPayload(payload, {
      mediaBase: this.#mediaBase,
      onProviderError: (error: WebhookProviderError) =>
        this.#options.logger?.warn(
          { phoneNumberId: error.phoneNumberId, code: error.code, detail: error.message },
          'WhatsApp reported an error for the number',
        ),
    });
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError();
  }
}

/** Retryable: the module closes a channel to rebuild it (new token), and the send goes on. */
function closedError(): ChannelSendError {
  return new ChannelSendError('channel_closed', 'the WhatsApp channel is closed', {
    retryable: true,
  });
}
