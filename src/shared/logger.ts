import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Personal data (numbers, names, transcripts) goes only under the `pii`
 * key of a log object, never in message text, so one redaction rule covers all of it.
 */
export function createLogger(options: { level: string; logPii: boolean }): Logger {
  return pino({
    level: options.level,
    base: { service: 'tiller' },
    redact: options.logPii ? [] : { paths: ['pii'], censor: '[redacted]' },
  });
}
