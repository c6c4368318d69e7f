import {
  ChannelSendError,
  type InboundEvent,
  type MessagingChannel,
  type MessagingChannelKind,
} from '../../channels/messaging/messaging-channel.ts';
import type { ChannelRecord } from './channels.repository.ts';

// One adapter per channel row, built by the factory the runtime injects (the real adapters:
// WhatsApp Cloud, SMPP, the simulator) and rebuilt when the row changes. Push-style adapters get
// one inbound listener when built, which hands their events to the module's inbound processing.

/** What a factory gets to build an adapter: the row's kind and provider settings. */
export interface ChannelSpec {
  kind: MessagingChannelKind;
  /** The provider settings as stored (whatsapp: phoneNumberId, accessToken, appSecret, ...). */
  config: Record<string, unknown>;
  /** The channel's own pace, when set (else the adapter's default). */
  sendsPerSecond?: number;
}

export type ChannelFactory = (spec: ChannelSpec) => MessagingChannel;

/** Until real adapters are wired: every send fails for good, saying why. */
export const noAdapters: ChannelFactory = (spec) => ({
  kind: spec.kind,
  capabilities: {
    templates: spec.kind !== 'sms',
    interactive: spec.kind !== 'sms',
    media: spec.kind !== 'sms',
    readReceipts: false,
    defaultSendsPerSecond: 10,
  },
  send: () =>
    Promise.reject(
      new ChannelSendError('no_adapter', `no adapter is configured for ${spec.kind} channels`, {
        retryable: false,
      }),
    ),
  markRead: async () => {},
  onInbound: () => {},
  close: async () => {},
});

export type InboundSink = (channel: ChannelRecord, events: InboundEvent[]) => Promise<void>;

interface Entry {
  adapter: MessagingChannel;
  version: number;
}

export class ChannelRegistry {
  readonly #factory: ChannelFactory;
  readonly #entries = new Map<number, Entry>();
  #sink: InboundSink | undefined;
  readonly #onError: (error: unknown) => void;

  constructor(factory: ChannelFactory, onError: (error: unknown) => void) {
    this.#factory = factory;
    this.#onError = onError;
  }

  /** Where push-style adapters' events go (set once the service exists). */
  setInboundSink(sink: InboundSink): void {
    this.#sink = sink;
  }

  /** The adapter of a channel row, built on first use and again after the row changed. */
  adapterOf(channel: ChannelRecord): MessagingChannel {
    const version = channel.updatedAt.getTime();
    const known = this.#entries.get(channel.pk);
    if (known && known.version === version) return known.adapter;
    if (known) void known.adapter.close().catch(this.#onError);
    const adapter = this.#factory({
      kind: channel.kind,
      config: channel.config,
      ...(channel.sendsPerSecond !== null ? { sendsPerSecond: channel.sendsPerSecond } : {}),
    });
    // The listener keeps the row it was built for; a changed row builds a new adapter.
    adapter.onInbound((event) => {
      if (!this.#sink) return;
      return this.#sink(channel, [event]).catch(this.#onError);
    });
    this.#entries.set(channel.pk, { adapter, version });
    return adapter;
  }

  /** The pace of a channel: its own setting, else its adapter's default. */
  rateOf(channel: ChannelRecord): number {
    return channel.sendsPerSecond ?? this.adapterOf(channel).capabilities.defaultSendsPerSecond;
  }

  async close(): Promise<void> {
    const adapters = [...this.#entries.values()].map((e) => e.adapter);
    this.#entries.clear();
    await Promise.all(adapters.map((a) => a.close().catch(this.#onError)));
  }
}
