// The one error every speech and language provider throws (STT, TTS, NLU, LLM), so a driver can
// decide without knowing the vendor: retry later (rate limit, outage, timeout) or give up and
// fall back (a refused request, an answer it cannot read).

export type ProviderErrorKind =
  /** 429: the provider asks us to slow down. */
  | 'rate_limited'
  /** 5xx, or a local engine that crashed and restarts on the next request. */
  | 'unavailable'
  /** No answer in time. */
  | 'timeout'
  /** The connection failed (refused, reset, DNS). */
  | 'network'
  /** 4xx other than 429 and 408: the same request will be refused again (bad key, bad input). */
  | 'rejected'
  /** An answer that is not what the interface promises (not JSON, no content, a bad value). */
  | 'bad_response'
  /** The provider was closed by its owner. */
  | 'closed';

const RETRYABLE: Readonly<Record<ProviderErrorKind, boolean>> = {
  rate_limited: true,
  unavailable: true,
  timeout: true,
  network: true,
  rejected: false,
  bad_response: false,
  closed: false,
};

export class ProviderError extends Error {
  /** Which provider: 'llm', 'espeak-ng', 'fake-stt', ... */
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  /** Whether the same request may succeed later. */
  readonly retryable: boolean;

  constructor(provider: string, kind: ProviderErrorKind, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.retryable = RETRYABLE[kind];
  }
}

/** The kind an HTTP status means: 429 and 408 are worth a retry, like any 5xx; 4xx are not. */
export function httpErrorKind(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'rejected';
}

/** A fetch that failed before a status: a timeout (AbortSignal.timeout) or the network. */
export function fetchFailure(provider: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'TimeoutError' || name === 'AbortError')
    return new ProviderError(provider, 'timeout', `${provider}: no answer in time`, err);
  if (err instanceof SyntaxError)
    return new ProviderError(provider, 'bad_response', `${provider}: ${message}`, err);
  return new ProviderError(provider, 'network', `${provider}: ${message}`, err);
}
