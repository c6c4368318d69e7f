import { ChannelSendError } from '../messaging-channel.ts';

// Graph API answers → ChannelSendError (docs/whatsapp.md, "Error codes"). Meta asks integrators
// to decide on `code` (and `details`), never on titles, so the table is keyed by code; the HTTP
// status decides only when the body carries no code (a proxy's 502, a bare 429).

/** What Graph sends on failure: `{error:{message,type,code,error_data:{details},...}}`. */
export interface GraphErrorBody {
  error?: {
    message?: string;
    type?: string;
    code?: number | string;
    error_subcode?: number;
    error_user_title?: string;
    error_user_msg?: string;
    error_data?: { details?: string; messaging_product?: string };
    fbtrace_id?: string;
  };
}

interface Rule {
  retryable: boolean;
  retryAfterMs?: number;
  optedOut?: boolean;
  outsideWindow?: boolean;
}

/** Codes whose meaning we act on. Codes not listed: permanent on 4xx, retryable on 5xx. */
export const GRAPH_ERROR_RULES: Readonly<Record<string, Rule>> = {
  // Transient on Meta's side: "retry after some time".
  '1': { retryable: true },
  '2': { retryable: true },
  '131000': { retryable: true },
  '131016': { retryable: true },
  '133004': { retryable: true },
  // Rate limits: app calls (4), account (80007), number throughput (130429, a token bucket that
  // refills within a second), pair rate (131056, about one message per 6 s to one person), spam
  // rate limit (131048, how long is not said).
  '4': { retryable: true, retryAfterMs: 60_000 },
  '80007': { retryable: true, retryAfterMs: 60_000 },
  '130429': { retryable: true, retryAfterMs: 1_000 },
  '131056': { retryable: true, retryAfterMs: 6_000 },
  '131048': { retryable: true },
  // The person: outside the 24-hour window (send a template), stopped marketing messages.
  '131047': { retryable: false, outsideWindow: true },
  '131050': { retryable: false, optedOut: true },
  // Permanent: undeliverable number, template parameters / missing template, invalid parameter,
  // bad or expired access token, parameter value / missing parameter.
  '131026': { retryable: false },
  '132000': { retryable: false },
  '132001': { retryable: false },
  '132018': { retryable: false },
  '100': { retryable: false },
  '190': { retryable: false },
  '131008': { retryable: false },
  '131009': { retryable: false },
};

/** The error a failed Graph answer stands for. `body` is the parsed JSON, if it was JSON. */
export function graphSendError(
  httpStatus: number,
  body: unknown,
  retryAfterHeader?: string | string[],
): ChannelSendError {
  const error = (body as GraphErrorBody | undefined)?.error;
  const code = error?.code !== undefined ? String(error.code) : undefined;
  const details = error?.error_data?.details;
  const text = [error?.message ?? `HTTP ${httpStatus}`, details].filter(Boolean).join(': ');
  const rule = code !== undefined ? GRAPH_ERROR_RULES[code] : undefined;
  const headerWait = retryAfterMs(retryAfterHeader);
  if (rule) {
    return new ChannelSendError(code!, text, {
      ...rule,
      ...(rule.retryable && headerWait !== undefined ? { retryAfterMs: headerWait } : {}),
    });
  }
  const retryable = httpStatus === 429 || httpStatus >= 500;
  return new ChannelSendError(code ?? `http_${httpStatus}`, text, {
    retryable,
    ...(retryable && headerWait !== undefined ? { retryAfterMs: headerWait } : {}),
  });
}

/**
 * A request that got no answer. Retryable: Meta may have accepted it (a timeout after the
 * request left), which a retry would send twice; the Cloud API has no idempotency key, so this
 * is the documented at-least-once edge (docs/whatsapp.md).
 */
export function networkSendError(error: unknown): ChannelSendError {
  const e = error as { code?: unknown; name?: unknown; message?: unknown };
  const timeout =
    e?.name === 'TimeoutError' ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT';
  const reason = typeof e?.code === 'string' ? e.code : String(e?.message ?? error);
  return new ChannelSendError(
    timeout ? 'timeout' : 'network_error',
    `no answer from the Graph API (${reason})`,
    { retryable: true },
  );
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
