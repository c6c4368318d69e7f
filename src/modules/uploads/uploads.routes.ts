import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readRange, sliceStream } from '../../shared/byte-range.ts';
import { AppError } from '../../shared/errors.ts';
import type { UploadKind } from './file-kind.ts';
import { ReceivedFile, readMultipartUpload } from './multipart-upload.ts';
import { FileParams, LinkQuery, MapData, UploadData } from './uploads.schema.ts';
import type { Upload, UploadService } from './uploads.service.ts';

const tags = ['uploads'];
// A signed family reads the whole body before parsing (src/api/auth/raw-body.ts) within the
// route's body limit, which is 1 MB by default: an upload's limit is its largest file's, plus
// room for the multipart framing.
const FRAMING = 64 * 1024;

const uploadWire = (u: Upload) => ({
  origin_url: u.originUrl,
  name: u.name,
  size: u.size,
  mime_type: u.mimeType,
});

/**
 * §9.11 `POST /file/upload` and §9.12 `POST /file/upload/map` (our path), mounted in the
 * Chatbot family under /api/v1 (docs/uploads.md).
 */
export function uploadRoutes(uploads: UploadService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addContentTypeParser(
      'multipart/form-data',
      async (request: FastifyRequest, payload: unknown) =>
        readMultipartUpload(payload as Readable, String(request.headers['content-type']), (type) =>
          // The route's body limit caps every type's (a map thumbnail is an image).
          Math.min(uploads.limitFor(type), request.routeOptions.bodyLimit ?? Infinity),
        ),
    );
    // A refused file leaves the rest of its body unread in the socket: close the connection
    // rather than let it stall the next request on it.
    app.addHook('onSend', async (request, reply) => {
      if (isMultipart(request) && !request.raw.complete) reply.header('connection', 'close');
    });

    app.post(
      '/file/upload',
      {
        bodyLimit: uploads.limitFor('file') + FRAMING,
        schema: {
          summary:
            'Upload a file to send as chat media (image 5 MB, audio/video 16 MB, file 100 MB)',
          description:
            'multipart/form-data: `file` (required), `type` (image|video|audio|file, optional). The type is checked against the bytes.',
          tags,
          consumes: ['multipart/form-data'],
          response: { 200: UploadData },
        },
      },
      async (request) => {
        const file = receivedFile(request.body);
        return uploadWire(await uploads.upload(request.caller.appId, file));
      },
    );

    app.post(
      '/file/upload/map',
      {
        // A thumbnail is an image: 5 MB.
        bodyLimit: uploads.limitFor('image') + FRAMING,
        schema: {
          summary:
            'Upload a location thumbnail: a PNG rendered from {latitude, longitude}, or a file',
          description:
            'JSON `{latitude, longitude}` renders a PNG of the point (a grid, a pin, the coordinates; no map tiles). multipart `file` stores an image like /file/upload.',
          tags,
          consumes: ['application/json', 'multipart/form-data'],
          response: { 200: MapData },
        },
      },
      async (request) => {
        const appId = request.caller.appId;
        if (request.body instanceof ReceivedFile) {
          const file = receivedFile(request.body);
          const u = await uploads.upload(appId, { ...file, type: file.type ?? 'image' });
          return { origin_url: u.originUrl };
        }
        const body = request.body as Record<string, unknown> | undefined;
        if (!body || typeof body !== 'object')
          throw new AppError(
            'bad_request',
            'send {latitude, longitude} as JSON, or a multipart file',
          );
        const u = await uploads.mapThumbnail(appId, {
          latitude: coordinate(body.latitude, 'latitude'),
          longitude: coordinate(body.longitude, 'longitude'),
        });
        return { origin_url: u.originUrl };
      },
    );
  };
}

/** A number, or a numeric string (some clients quote numbers). */
function coordinate(value: unknown, name: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new AppError('bad_request', `${name} is required and must be a number`);
  return n;
}

/** The file of a multipart body (readMultipartUpload parsed it), checked for presence. */
function receivedFile(body: unknown): { bytes: Buffer; name: string; type?: UploadKind } {
  if (!(body instanceof ReceivedFile))
    throw new AppError('bad_request', 'send the file as multipart/form-data in a field named file');
  if (body.bytes.length === 0) throw new AppError('bad_request', 'file is empty');
  return { bytes: body.bytes, name: body.name, ...(body.type ? { type: body.type } : {}) };
}

function isMultipart(request: FastifyRequest): boolean {
  return /^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '');
}

/**
 * The signed links themselves (`/files/<id>/<name>`): no token and no envelope, since WhatsApp,
 * an SMS gateway or a browser fetches them. The signature and expiry are the authorisation.
 */
export function uploadFileRoutes(uploads: UploadService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/files/:id/:name',
      {
        config: { public: true },
        schema: {
          summary: 'Download an uploaded file (signed link from /api/v1/file/upload)',
          tags,
          params: FileParams,
          querystring: LinkQuery,
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        if (!/^[0-9a-f]{32}$/.test(id)) return deny(request, reply, 404, 'Not found');
        const { expires = '', sig = '' } = request.query;
        const file = await uploads.open(id, expires, sig);
        if (file === 'forbidden') return deny(request, reply, 403, 'Invalid or expired link');
        if (!file) return deny(request, reply, 404, 'File not found');
        reply
          .header('accept-ranges', 'bytes')
          .header('cache-control', 'private, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .header(
            'content-disposition',
            `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          )
          .type(file.mimeType);
        const range = request.headers['if-range']
          ? ({ kind: 'full' } as const)
          : readRange(request.headers.range, file.size);
        if (range.kind === 'unsatisfiable') {
          file.body.destroy();
          return deny(
            request,
            reply.header('content-range', `bytes */${file.size}`),
            416,
            'Range not satisfiable',
          );
        }
        if (range.kind === 'partial') {
          return reply
            .code(206)
            .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
            .header('content-length', range.end - range.start + 1)
            .send(sliceStream(file.body, range.start, range.end));
        }
        return reply.header('content-length', file.size).send(file.body);
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
  return reply.code(http).type('application/json').send({
    code: http,
    status: STATUS_CODES[http],
    message,
    request_id: request.id,
    data: null,
  });
}
