// An SMPP channel from a messaging channel row's provider settings (docs/messaging.md: `url`,
// `systemId`, `password`, optional `systemType`, `enquireLinkSeconds`), for the runtime's
// channel factory. A missing or mistyped setting is refused by name, never half-applied.
import type { Logger } from '../../../shared/logger.ts';
import { SmppChannel } from './smpp-channel.ts';

export function smppChannelFromConfig(
  config: Record<string, unknown>,
  options: { sendsPerSecond?: number; logger?: Logger } = {},
): SmppChannel {
  const text = (key: string, required: boolean): string | undefined => {
    const value = config[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`the SMS channel setting "${key}" must be a non-empty string`);
    }
    return value;
  };
  const url = text('url', true)!;
  if (!/^s?smpp:\/\/[^/:]+(:\d+)?\/?$/.test(url)) {
    throw new Error('the SMS channel setting "url" must look like smpp://host:port');
  }
  const enquireLinkSeconds = config.enquireLinkSeconds;
  if (
    enquireLinkSeconds !== undefined &&
    (typeof enquireLinkSeconds !== 'number' || !(enquireLinkSeconds > 0))
  ) {
    throw new Error('the SMS channel setting "enquireLinkSeconds" must be a positive number');
  }
  const systemType = text('systemType', false);
  return new SmppChannel({
    url,
    systemId: text('systemId', true)!,
    password: text('password', true)!,
    ...(systemType === undefined ? {} : { systemType }),
    ...(enquireLinkSeconds === undefined ? {} : { enquireLinkSeconds }),
    ...(options.sendsPerSecond === undefined ? {} : { sendsPerSecond: options.sendsPerSecond }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
