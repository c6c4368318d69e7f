// The real messaging adapters, one per channel row: what the runtime gives the messaging module
// (its ChannelFactory) unless a test brings its own. The spec is the row's kind and provider
// settings as stored; each adapter's *FromConfig refuses a bad setting by name.
import type { Logger } from '../../shared/logger.ts';
import type { MessagingChannel, MessagingChannelKind } from './messaging-channel.ts';
import { simulatedChannelFromConfig } from './simulated/simulated-config.ts';
import type { TemplateButtonsLookup } from './simulated/simulated-messaging-channel.ts';
import { smppChannelFromConfig } from './smpp/smpp-config.ts';
import { whatsappChannelFromConfig } from './whatsapp-cloud/whatsapp-config.ts';

export interface AdapterSpec {
  kind: MessagingChannelKind;
  config: Record<string, unknown>;
  sendsPerSecond?: number;
}

export interface AdapterOptions {
  /** How much faster than real time simulated people answer (TILLER_TIME_SCALE). */
  timeScale?: number;
  /** The buttons of an approved template, so simulated people can tap them. */
  templateButtons?: TemplateButtonsLookup;
  logger?: Logger;
  /** Simulated channels also append every accepted send to this file (TILLER_MESSAGING_LEDGER). */
  messagingLedger?: string;
}

export function messagingAdapters(options: AdapterOptions = {}) {
  return (spec: AdapterSpec): MessagingChannel => {
    const pace = spec.sendsPerSecond === undefined ? {} : { sendsPerSecond: spec.sendsPerSecond };
    const logger = options.logger ? { logger: options.logger } : {};
    switch (spec.kind) {
      case 'whatsapp':
        return whatsappChannelFromConfig(spec.config, { ...pace, ...logger });
      case 'sms':
        return smppChannelFromConfig(spec.config, { ...pace, ...logger });
      case 'simulated':
        return simulatedChannelFromConfig(spec.config, {
          ...pace,
          ...logger,
          ...(options.timeScale === undefined ? {} : { defaultTimeScale: options.timeScale }),
          ...(options.templateButtons ? { templateButtons: options.templateButtons } : {}),
          ...(options.messagingLedger ? { ledgerFile: options.messagingLedger } : {}),
        });
    }
  };
}
