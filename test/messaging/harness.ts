import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { bareApp } from '../../src/api/app.ts';
import { tokenAuth } from '../../src/api/auth/token.ts';
import { requestIdEnvelope } from '../../src/api/families/envelope.ts';
import { defineFamily, httpStatusCode } from '../../src/api/families/family-definition.ts';
import { mountFamily } from '../../src/api/families/mount.ts';
import type { ChannelSendError } from '../../src/channels/messaging/messaging-channel.ts';
import {
  WebhookSignatureError,
  type InboundEvent,
  type InboundListener,
  type MessagingChannel,
  type MessagingChannelKind,
  type OutboundMessage,
  type SendReceipt,
  type WebhookReceiver,
} from '../../src/channels/messaging/messaging-channel.ts';
import type { ChannelSpec } from '../../src/modules/messaging/channel-registry.ts';
import { wabaRoutes } from '../../src/modules/messaging/waba.routes.ts';
import type { Services } from '../../src/modules/services.ts';

// The provider edge for the messaging tests, until the real adapters (WhatsApp Cloud against a
// local Graph server, SMPP against a local SMSC, the simulator) are merged: a channel that
// records what it was asked to send and when, answers as told (a receipt or the provider's
// error), checks webhook signatures the way WhatsApp signs them (HMAC-SHA256 of the raw bytes
// with the app secret) and pushes inbound events like SMPP's deliver_sm.

export type Responder = (message: OutboundMessage, n: number) => SendReceipt | ChannelSendError;

export class FakeChannel implements MessagingChannel {
  readonly kind: MessagingChannelKind;
  readonly capabilities;
  readonly spec: ChannelSpec;
  /** What was sent, with performance.now() at the call. */
  readonly sends: Array<{ at: number; message: OutboundMessage }> = [];
  readonly reads: string[] = [];
  respond: Responder = () => ({ providerMessageId: `wamid.${randomUUID()}` });
  /** While set, sends wait for it before the provider answers (a slow HTTP answer). */
  gate: Promise<void> | undefined;
  readonly #listeners: InboundListener[] = [];
  readonly webhook?: WebhookReceiver;

  constructor(spec: ChannelSpec) {
    this.spec = spec;
    this.kind = spec.kind;
    this.capabilities = {
      templates: spec.kind !== 'sms',
      interactive: spec.kind !== 'sms',
      media: spec.kind !== 'sms',
      readReceipts: spec.kind === 'whatsapp',
      defaultSendsPerSecond: 80,
    };
    if (spec.kind === 'whatsapp') {
      const secret = String(spec.config.appSecret);
      const verifyToken = String(spec.config.verifyToken);
      this.webhook = {
        verifyHandshake: (q) =>
          q['hub.mode'] === 'subscribe' && q['hub.verify_token'] === verifyToken
            ? q['hub.challenge']
            : undefined,
        parse: (raw, headers) => {
          const given = Buffer.from(String(headers['x-hub-signature-256'] ?? ''));
          const want = Buffer.from(hubSignature(raw, secret));
          if (given.length !== want.length || !timingSafeEqual(given, want)) {
            throw new WebhookSignatureError('X-Hub-Signature-256 does not match');
          }
          const body = JSON.parse(raw.toString('utf8')) as { events: InboundEvent[] };
          return body.events.map((e) => ({ ...e, at: new Date(e.at) }) as InboundEvent);
        },
      };
    }
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    this.sends.push({ at: performance.now(), message });
    if (this.gate) await this.gate;
    const answer = this.respond(message, this.sends.length);
    if (answer instanceof Error) throw answer;
    return answer;
  }
  async markRead(_from: string, providerMessageId: string): Promise<void> {
    this.reads.push(providerMessageId);
  }
  onInbound(listener: InboundListener): void {
    this.#listeners.push(listener);
  }
  /** The provider pushes an event (SMPP deliver_sm, the simulator). */
  async push(event: InboundEvent): Promise<void> {
    for (const l of this.#listeners) await l(event);
  }
  async close(): Promise<void> {}
}

export function hubSignature(raw: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** A factory that remembers the latest adapter built per phoneNumberId (or phone/kind). */
export function fakeChannels() {
  const built = new Map<string, FakeChannel>();
  const responders = new Map<string, Responder>();
  const factory = (spec: ChannelSpec) => {
    const channel = new FakeChannel(spec);
    const key = String(spec.config.phoneNumberId ?? spec.config.systemId ?? spec.kind);
    const responder = responders.get(key);
    if (responder) channel.respond = responder;
    built.set(key, channel);
    return channel;
  };
  return {
    factory,
    /** How the provider answers the channel's sends, from its first one. */
    answer(key: string, responder: Responder): void {
      responders.set(key, responder);
      const c = built.get(key);
      if (c) c.respond = responder;
    },
    get(key: string): FakeChannel {
      const c = built.get(key);
      if (!c) throw new Error(`no adapter built for ${key}`);
      return c;
    },
  };
}

/** WhatsApp channel config for the fake (the real adapter takes the same keys). */
export const waConfig = (phoneNumberId: string) => ({
  phoneNumberId,
  accessToken: 'token',
  appSecret: `secret-${phoneNumberId}`,
  verifyToken: `verify-${phoneNumberId}`,
});

/**
 * The WABA routes under a family with token auth and the Chatbot envelope: the signing helper's
 * X-AIRudder-Sign auth replaces token auth at merge (the lead switches these tests then).
 */
export async function wabaApp(services: Services): Promise<FastifyInstance> {
  const app = bareApp();
  const family = defineFamily<Services>({
    name: 'chatbot-test',
    title: 'Chatbot (token auth, tests)',
    prefixes: ['/api/v1'],
    envelope: requestIdEnvelope,
    errorCode: httpStatusCode,
    errorCodeDoc: 'test only',
    authentication: (s) => tokenAuth(s.auth),
    wireHabits: false,
    routes: (s) => [wabaRoutes(s.messaging)],
  });
  await mountFamily(app, family, services);
  await app.ready();
  return app;
}
