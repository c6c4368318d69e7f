import { STATUS_CODES } from 'node:http';
import { Type, type TSchema } from 'typebox';
import type { AppError, ErrorKey } from '../../shared/errors.ts';

/**
 * The shape of a family's answers, without its error codes: where the payload goes on success,
 * and what an error looks like once the family has chosen its `code`. Several families can share
 * a shape (cloud and Tiller's /v1 do) and still number their errors differently.
 */
export interface EnvelopeShape {
  /** The success answer; `requestId` is the server's id of the request (logs, error answers). */
  ok(data: unknown, requestId: string): unknown;
  okSchema(data: TSchema): TSchema;
  error(error: AppError, code: number, requestId: string): unknown;
  errorSchema: TSchema;
}

/** A family's envelope with its error codes bound: what the family plugin answers with. */
export interface Envelope {
  name: string;
  ok(data: unknown, requestId: string): unknown;
  okSchema(data: TSchema): TSchema;
  error(error: AppError, requestId: string): unknown;
  errorSchema: TSchema;
  /** The `code` this family answers for an error key. */
  codeOf(key: ErrorKey): number;
  /** The HTTP status of an error answer: the error's own (errorTable) unless the family says. */
  httpStatusOf(error: AppError): number;
}

export function bindEnvelope(
  name: string,
  shape: EnvelopeShape,
  codeOf: (key: ErrorKey) => number,
  httpStatusOf: (error: AppError) => number = (error) => error.spec.http,
): Envelope {
  return {
    name,
    ok: shape.ok,
    okSchema: shape.okSchema,
    errorSchema: shape.errorSchema,
    codeOf,
    httpStatusOf,
    error: (error, requestId) => shape.error(error, codeOf(error.key), requestId),
  };
}

/** `{code:200, status:"OK", data}`; an error carries the HTTP reason phrase in `status`. */
export const statusEnvelope: EnvelopeShape = {
  ok: (data) => ({ code: 200, status: 'OK', data: data ?? {} }),
  okSchema: (data) => Type.Object({ code: Type.Integer(), status: Type.String(), data }),
  error: (error, code, requestId) => ({
    code,
    status: STATUS_CODES[error.spec.http] ?? 'Error',
    message: error.message,
    request_id: requestId,
    data: null,
  }),
  errorSchema: Type.Object({
    code: Type.Integer(),
    status: Type.String(),
    message: Type.String(),
    request_id: Type.String(),
    data: Type.Null(),
  }),
};

/**
 * `{code:200, status:"OK", message:"Success", data}`: the Workflow family, whose clients read
 * `message` (spec/workflow-api.md §1.3); errors as statusEnvelope's.
 */
export const statusMessageEnvelope: EnvelopeShape = {
  ...statusEnvelope,
  ok: (data) => ({ code: 200, status: 'OK', message: 'Success', data: data ?? {} }),
  okSchema: (data) =>
    Type.Object({ code: Type.Integer(), status: Type.String(), message: Type.String(), data }),
};

/** `{code:0, message:"successfully", body}`: AIRudder's PDS family. */
export const bodyEnvelope: EnvelopeShape = {
  ok: (body) => ({ code: 0, message: 'successfully', body: body ?? {} }),
  okSchema: (body) => Type.Object({ code: Type.Integer(), message: Type.String(), body }),
  error: (error, code, requestId) => ({
    code,
    message: error.message,
    request_id: requestId,
    body: null,
  }),
  errorSchema: Type.Object({
    code: Type.Integer(),
    message: Type.String(),
    request_id: Type.String(),
    body: Type.Null(),
  }),
};

/**
 * `{request_id, code:200, message:"Success", data}`: AIRudder's Chatbot/WABA family
 * (spec/chatbot-api.md §1). The request id is the server's own (32 hex), on successes too.
 */
export const requestIdEnvelope: EnvelopeShape = {
  ok: (data, requestId) => ({
    request_id: requestId,
    code: 200,
    message: 'Success',
    data: data ?? {},
  }),
  okSchema: (data) =>
    Type.Object({
      request_id: Type.String(),
      code: Type.Integer(),
      message: Type.String(),
      data,
    }),
  error: (error, code, requestId) => ({
    request_id: requestId,
    code,
    message: error.message,
    data: null,
  }),
  errorSchema: Type.Object({
    request_id: Type.String(),
    code: Type.Integer(),
    message: Type.String(),
    data: Type.Null(),
  }),
};
