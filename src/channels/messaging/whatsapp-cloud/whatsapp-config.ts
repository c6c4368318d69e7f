// A WhatsApp Cloud API channel from a messaging channel row's provider settings (docs/messaging.md:
// `phoneNumberId`, `accessToken`, `appSecret`, `verifyToken`, optional `graphUrl`, `apiVersion`),
// for the runtime's channel factory. A missing or mistyped setting is refused by name.
import type { Logger } from '../../../shared/logger.ts';
import { WhatsAppCloudChannel } from './whatsapp-cloud-channel.ts';

export function whatsappChannelFromConfig(
  config: Record<string, unknown>,
  options: { sendsPerSecond?: number; logger?: Logger } = {},
): WhatsAppCloudChannel {
  const text = (key: string, required: boolean): string | undefined => {
    const value = config[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.length === 0)
      throw new Error(`the WhatsApp channel setting "${key}" must be a non-empty string`);
    return value;
  };
  const graphUrl = text('graphUrl', false);
  const apiVersion = text('apiVersion', false);
  return new WhatsAppCloudChannel({
    phoneNumberId: text('phoneNumberId', true)!,
    accessToken: text('accessToken', true)!,
    appSecret: text('appSecret', true)!,
    verifyToken: text('verifyToken', true)!,
    ...(graphUrl === undefined ? {} : { graphUrl }),
    ...(apiVersion === undefined ? {} : { apiVersion }),
    ...(options.sendsPerSecond === undefined ? {} : { sendsPerSecond: options.sendsPerSecond }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
