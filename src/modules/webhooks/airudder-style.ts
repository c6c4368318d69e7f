import { createHmac } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { CallbackSigningKey } from '../auth/signing-keys.service.ts';
import type { DeliveryStyle } from './webhooks.repository.ts';

// AIRudder-style callbacks (docs/webhooks.md, "Delivery styles"): what the Chatbot/WABA family's
// integrators expect (spec/chatbot-api.md §1): a JSON POST with User-Agent Airudder, signed in
// X-AIRudder-Sign, answered within 10 s, retried every minute at most 5 times.

/** spec/chatbot-api.md §1: "retries every 1 minute, at most 5 retries". */
export const AIRUDDER_RETRY_DELAY_MS = 60_000;
export const AIRUDDER_MAX_RETRIES = 5;
/** spec/chatbot-api.md §1: the receiver replies within 10 s. */
export const AIRUDDER_TIMEOUT_MS = 10_000;

/** How often and how soon a style's failed attempt is tried again. */
export interface RetryPolicy {
  maxRetries: number;
  delayMs: number;
  timeoutMs: number;
  /**
   * 'now': the next attempt is delayMs after the failure is recorded (the standard style,
   * TILLER_WEBHOOK_RETRY_DELAY_MS); 'attempt': delayMs after the failed attempt started, so
   * AIRudder-style attempts are exactly a minute apart.
   */
  from: 'now' | 'attempt';
}

export function retryPolicy(style: DeliveryStyle, config: Config): RetryPolicy {
  if (style === 'airudder')
    return {
      maxRetries: AIRUDDER_MAX_RETRIES,
      delayMs: AIRUDDER_RETRY_DELAY_MS,
      timeoutMs: Math.min(AIRUDDER_TIMEOUT_MS, config.webhookTimeoutMs),
      from: 'attempt',
    };
  return {
    maxRetries: config.webhookMaxRetries,
    delayMs: config.webhookRetryDelayMs,
    timeoutMs: config.webhookTimeoutMs,
    from: 'now',
  };
}

/**
 * The headers of one AIRudder-style attempt. X-AIRudder-Sign is the lowercase hex HMAC-SHA256 of
 * exactly the bytes sent, keyed by the app's newest active signing key's secret (named in
 * X-AIRudder-Sign-Key); an app without a signing key gets its webhook secret (the whole
 * `whsec_…` string as the HMAC key) used, and no X-AIRudder-Sign-Key. `webhook-id` is the event id,
 * stable across attempts, for the receiver's dedupe.
 */
export function airudderHeaders(
  eventId: string,
  body: string,
  key: CallbackSigningKey | null,
  webhookSecret: string,
): Record<string, string> {
  const secret = key?.secret ?? webhookSecret;
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Airudder',
    'X-AIRudder-Sign': createHmac('sha256', secret).update(body).digest('hex'),
    ...(key ? { 'X-AIRudder-Sign-Key': key.keyId } : {}),
    'webhook-id': eventId,
  };
}
