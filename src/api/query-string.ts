import { AppError } from '../shared/errors.ts';

/**
 * A query string (or a form body) read strictly: bad percent-encoding and a key given twice
 * with different values are refused with a message naming them, where the framework's parser
 * would keep the raw text or make an array that fails the schema with a confusing message. The
 * same key twice with the same value is one key (clients that merge default and given
 * parameters send that).
 */
export function parseQueryString(text: string, what = 'query string'): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), pair, what);
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1), pair, what);
    if (key === '') continue;
    if (key.includes('\u0000') || value.includes('\u0000'))
      throw new AppError('bad_request', 'strings may not contain the NUL character');
    if (Object.hasOwn(out, key) && out[key] !== value)
      throw new AppError('bad_request', `"${key}" is given more than once in the ${what}`);
    out[key] = value;
  }
  return out;
}

function decode(part: string, pair: string, what: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new AppError(
      'bad_request',
      `the ${what} is not valid percent-encoded UTF-8 near "${pair.slice(0, 60)}"`,
    );
  }
}

/** The query string of a request URL, without the `?`. */
export function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}
