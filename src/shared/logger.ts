import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Personal data (numbers, names, transcripts) goes only under the `pii`
 * key of a log object, never in message text, so one redaction rule covers all of it.
 */
export function createLogger(
  options: { level: string; logPii: boolean },
  destination?: DestinationStream,
): Logger {
  const settings = {
    level: options.level,
    base: { service: 'tiller' },
    redact: options.logPii ? [] : { paths: ['pii'], censor: '[redacted]' },
    // Query strings can carry numbers and names (callee_number=...): requests are logged by path.
    serializers: {
      req: (req: { method?: string; url?: string; id?: string }) => ({
        method: req.method,
        path: (req.url ?? '').split('?')[0],
      }),
    },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
