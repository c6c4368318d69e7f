import { AppError } from '../shared/errors.ts';
import { validationMessage, type SchemaError } from './validation-message.ts';

interface FastifyishError {
  code?: string;
  statusCode?: number;
  validation?: unknown;
  validationContext?: string;
  message?: string;
}

const ENCODING_SQLSTATES = new Set(['22021', '22P05', '22P02']);

/** Maps anything a route or fastify throws onto the error table; undefined means a server fault. */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const e = (error ?? {}) as FastifyishError;
  if (Array.isArray(e.validation) && e.validation.length > 0)
    return new AppError(
      'bad_request',
      validationMessage(e.validation as SchemaError[], e.validationContext),
    );
  if (e.validation) return new AppError('bad_request', e.message);
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_json');
  }
  // PostgreSQL refused a value's encoding: the client's input, not our fault.
  if (e.code && ENCODING_SQLSTATES.has(e.code))
    return new AppError('bad_request', 'a value cannot be stored as text');
  if (error instanceof SyntaxError && e.statusCode === 400)
    return new AppError('invalid_json', e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError(e.statusCode === 415 ? 'unsupported_media_type' : 'bad_request', e.message);
  }
  return undefined;
}
