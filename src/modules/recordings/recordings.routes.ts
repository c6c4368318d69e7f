import { STATUS_CODES } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { readRange, sliceStream } from '../../shared/byte-range.ts';
import type { RecordingService } from './recordings.service.ts';
import {
  CaseQuery,
  CaseRecordings,
  TaskRecordingQuery,
  TaskRecordings,
} from './recordings.schema.ts';
import { calleeRecordingWire } from './recordings.wire.ts';

const tags = ['recordings'];

/** T8 and T9 of spec/calls-api.md §6, mounted in the cloud family under /service/cloud. */
export function recordingRoutes(recordings: RecordingService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/case',
      {
        schema: {
          summary: 'Obtain a call recording: the recordings of one number (or case) of a task',
          tags,
          querystring: CaseQuery,
          response: { 200: CaseRecordings },
        },
      },
      async (request) => ({
        list: (await recordings.forCallee(request.caller, request.query)).map((r) =>
          calleeRecordingWire(r, request.caller.timezone),
        ),
      }),
    );

    app.get(
      '/recording',
      {
        schema: {
          summary: 'Obtain task recordings: a link to a zip of all recordings of a task',
          tags,
          querystring: TaskRecordingQuery,
          response: { 200: TaskRecordings },
        },
      },
      (request) => recordings.taskArchive(request.caller, request.query),
    );
  };
}

const CALL_FILE = /^([0-9a-f]{32})\.wav$/;
const TASK_FILE = /^([0-9a-f]{32})\.zip$/;

// Plain strings, checked by the handler: whatever is wrong with a link (missing, malformed,
// altered) gets the same 403, never a validation error that would tell which part was wrong.
const LinkQuery = Type.Object({
  expires: Type.Optional(Type.String({ description: 'Unix seconds after which the link fails' })),
  sig: Type.Optional(Type.String({ description: 'HMAC-SHA256 (hex) of the link' })),
  part: Type.Optional(Type.String({ description: 'Archive part (task links only)' })),
  legs: Type.Optional(
    Type.String({
      description:
        "1: the call's sides apart, a two-channel WAV (callee left, robot right); calls on a real line only (call links only)",
    }),
  ),
});
const FileParams = Type.Object({ file: Type.String() });

/**
 * The signed links themselves (`/recordings/...`): no token and no envelope, since a browser or
 * a media player opens them. The link's signature and expiry are the authorisation.
 */
export function recordingFileRoutes(recordings: RecordingService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/recordings/:file',
      {
        config: { public: true },
        schema: {
          summary: 'Download a call recording (signed link from /service/cloud/case)',
          tags,
          params: FileParams,
          querystring: LinkQuery,
        },
      },
      async (request, reply) => {
        const callId = CALL_FILE.exec(request.params.file)?.[1];
        if (!callId) return deny(request, reply, 404, 'Not found');
        const { expires = '', sig = '' } = request.query;
        const { legs } = request.query;
        const audio = await recordings.openCallLink(callId, expires, sig, legs === '1');
        if (audio === 'forbidden') return deny(request, reply, 403, 'Invalid or expired link');
        if (!audio) return deny(request, reply, 404, 'Recording not found');
        reply.header('accept-ranges', 'bytes');
        // Without validators to compare an If-Range with, a conditional range gets the whole file.
        const range = request.headers['if-range']
          ? ({ kind: 'full' } as const)
          : readRange(request.headers.range, audio.size);
        if (range.kind === 'unsatisfiable') {
          audio.body.destroy();
          return deny(
            request,
            reply.header('content-range', `bytes */${audio.size}`),
            416,
            'Range not satisfiable',
          );
        }
        if (range.kind === 'partial') {
          return reply
            .code(206)
            .type('audio/wav')
            .header('cache-control', 'private, max-age=3600')
            .header('content-range', `bytes ${range.start}-${range.end}/${audio.size}`)
            .header('content-length', range.end - range.start + 1)
            .send(sliceStream(audio.body, range.start, range.end));
        }
        return reply
          .type('audio/wav')
          .header('cache-control', 'private, max-age=3600')
          .header('content-length', audio.size)
          .send(audio.body);
      },
    );

    app.get(
      '/recordings/task/:file',
      {
        config: { public: true },
        schema: {
          summary:
            "Download the zip of a task's recordings (signed link from /service/cloud/recording)",
          tags,
          params: FileParams,
          querystring: LinkQuery,
        },
      },
      async (request, reply) => {
        const taskId = TASK_FILE.exec(request.params.file)?.[1];
        if (!taskId) return deny(request, reply, 404, 'Not found');
        const { expires = '', sig = '', part: given = '1' } = request.query;
        const part = /^[1-9]\d{0,5}$/.test(given) ? Number(given) : 0;
        const zip = part ? await recordings.openTaskLink(taskId, part, expires, sig) : 'forbidden';
        if (zip === 'forbidden') return deny(request, reply, 403, 'Invalid or expired link');
        const name = part > 1 ? `${taskId}-${part}.zip` : `${taskId}.zip`;
        return reply
          .type('application/zip')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(zip);
      },
    );
  };
}

/** Errors of a link, in the shape of Tiller's other errors (there is no family envelope here). */
function deny(
  request: FastifyRequest,
  reply: FastifyReply,
  http: 403 | 404 | 416,
  message: string,
) {
  return reply.code(http).send({
    code: http,
    status: STATUS_CODES[http],
    message,
    request_id: request.id,
    data: null,
  });
}
