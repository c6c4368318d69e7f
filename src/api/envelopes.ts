import { STATUS_CODES } from 'node:http';
import { Type, type TSchema } from 'typebox';
import type { AppError } from '../shared/errors.ts';

// The envelope of each AIRudder API family, kept here and nowhere else.

export interface Envelope {
  name: 'cloud' | 'pds' | 'v1';
  ok(data: unknown): unknown;
  okSchema(data: TSchema): TSchema;
  error(error: AppError, requestId: string): unknown;
  errorSchema: TSchema;
}

const cloudErrorSchema = Type.Object({
  code: Type.Integer(),
  status: Type.String(),
  message: Type.String(),
  request_id: Type.String(),
  data: Type.Null(),
});

/** `/service/cloud/...` and Tiller's own `/v1/...`: `{code:200, status:"OK", data}`. */
const cloudLike = (name: 'cloud' | 'v1'): Envelope => ({
  name,
  ok: (data) => ({ code: 200, status: 'OK', data: data ?? {} }),
  okSchema: (data) => Type.Object({ code: Type.Integer(), status: Type.String(), data }),
  error: (error, requestId) => ({
    code: error.spec.cloud,
    status: STATUS_CODES[error.spec.http] ?? 'Error',
    message: error.message,
    request_id: requestId,
    data: null,
  }),
  errorSchema: cloudErrorSchema,
});

export const cloudEnvelope = cloudLike('cloud');
export const v1Envelope = cloudLike('v1');

/** `/service/callcenter/call/predict/...`: `{code:0, message:"successfully", body}`. */
export const pdsEnvelope: Envelope = {
  name: 'pds',
  ok: (body) => ({ code: 0, message: 'successfully', body: body ?? {} }),
  okSchema: (body) => Type.Object({ code: Type.Integer(), message: Type.String(), body }),
  error: (error, requestId) => ({
    code: error.spec.pds,
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
