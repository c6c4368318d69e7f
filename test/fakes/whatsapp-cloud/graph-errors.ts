// Graph API error answers as the Cloud API gives them: `{error:{message,type,code,error_data:
// {messaging_product,details},error_subcode?,fbtrace_id}}`. Titles are Meta's (error codes page);
// integrators decide on `code` and `details`, never on these texts.

export interface GraphError {
  httpStatus: number;
  code: number;
  message: string;
  details: string;
  subcode?: number;
  type?: string;
}

/** Meta's titles by code, and the HTTP status the fake answers them with. */
export const GRAPH_ERRORS: Readonly<Record<number, { title: string; httpStatus: number }>> = {
  1: { title: 'An unknown error occurred', httpStatus: 500 },
  2: { title: 'Service temporarily unavailable', httpStatus: 503 },
  4: { title: 'Application request limit reached', httpStatus: 400 },
  100: { title: 'Invalid parameter', httpStatus: 400 },
  190: { title: 'Invalid OAuth access token - Cannot parse access token', httpStatus: 401 },
  80007: { title: 'Rate limit issues', httpStatus: 400 },
  130429: { title: 'Rate limit hit', httpStatus: 400 },
  131000: { title: 'Something went wrong', httpStatus: 500 },
  131008: { title: 'Required parameter is missing', httpStatus: 400 },
  131009: { title: 'Parameter value is not valid', httpStatus: 400 },
  131026: { title: 'Message undeliverable', httpStatus: 400 },
  131047: { title: 'Re-engagement message', httpStatus: 400 },
  131048: { title: 'Spam rate limit hit', httpStatus: 400 },
  131050: {
    title:
      'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
    httpStatus: 400,
  },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', httpStatus: 400 },
  132000: {
    title: 'Number of parameters does not match the expected number of params',
    httpStatus: 400,
  },
  132018: { title: 'There was an issue with the parameters in your template', httpStatus: 400 },
  132001: { title: 'Template name does not exist in the translation', httpStatus: 400 },
};

export function graphError(code: number, details: string, subcode?: number): GraphError {
  const known = GRAPH_ERRORS[code] ?? { title: 'Unknown error', httpStatus: 400 };
  return {
    httpStatus: known.httpStatus,
    code,
    message: `(#${code}) ${known.title}`,
    details,
    ...(subcode !== undefined ? { subcode } : {}),
  };
}

let trace = 0;

export function errorBody(e: GraphError): string {
  return JSON.stringify({
    error: {
      message: e.message,
      type: e.type ?? 'OAuthException',
      code: e.code,
      ...(e.subcode !== undefined ? { error_subcode: e.subcode } : {}),
      error_data: { messaging_product: 'whatsapp', details: e.details },
      fbtrace_id: `AfakeTrace${(++trace).toString(36)}`,
    },
  });
}

/** The `errors[]` item of a failed status webhook. */
export function statusError(code: number, details: string): Record<string, unknown> {
  const known = GRAPH_ERRORS[code];
  return {
    code,
    title: known?.title ?? 'Unknown error',
    message: known?.title ?? 'Unknown error',
    error_data: { details },
    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
  };
}
