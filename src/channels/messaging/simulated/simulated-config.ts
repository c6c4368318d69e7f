// A simulated channel from a messaging channel row's provider settings (docs/messaging.md:
// `timeScale`), for the runtime's channel factory. The template lookup comes from the wiring
// (the messaging module knows the approved templates' buttons), not from the row.
import type { Logger } from '../../../shared/logger.ts';
import { SimulatedChannel, type TemplateButtonsLookup } from './simulated-messaging-channel.ts';

export function simulatedChannelFromConfig(
  config: Record<string, unknown>,
  options: {
    sendsPerSecond?: number;
    /** The scale when the row sets none: the process's TILLER_TIME_SCALE. */
    defaultTimeScale?: number;
    templateButtons?: TemplateButtonsLookup;
    logger?: Logger;
    /** The process's TILLER_MESSAGING_LEDGER: every accepted send is also appended there. */
    ledgerFile?: string;
  } = {},
): SimulatedChannel {
  const timeScale = config.timeScale ?? options.defaultTimeScale ?? 1;
  if (typeof timeScale !== 'number' || !(timeScale > 0)) {
    throw new Error('the simulated channel setting "timeScale" must be a positive number');
  }
  return new SimulatedChannel({
    timeScale,
    ...(options.sendsPerSecond === undefined ? {} : { sendsPerSecond: options.sendsPerSecond }),
    ...(options.templateButtons ? { templateButtons: options.templateButtons } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.ledgerFile ? { ledgerFile: options.ledgerFile } : {}),
  });
}
