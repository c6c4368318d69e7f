import type { Readable } from 'node:stream';
import { Busboy, type BusboyFileStream, type BusboyInstance } from '@fastify/busboy';
import { AppError } from '../../shared/errors.ts';
import type { UploadKind } from './file-kind.ts';

// Reads an upload's multipart body (a `file` part and an optional `type` field) from the stream
// fastify hands a content-type parser. Not @fastify/multipart: that plugin reads the socket
// (request.raw) itself, which a signed family has already read to check the signature over the
// bytes (src/api/auth/raw-body.ts); the parser's stream is the body either way.

const KINDS: ReadonlySet<string> = new Set(['image', 'video', 'audio', 'file']);

/** A file received in a multipart body, as the upload routes' `request.body`. */
export class ReceivedFile {
  readonly bytes: Buffer;
  readonly name: string;
  readonly type: UploadKind | undefined;

  constructor(bytes: Buffer, name: string, type: UploadKind | undefined) {
    this.bytes = bytes;
    this.name = name;
    this.type = type;
  }
}

/**
 * Reads the body, stopping at `limitFor(type)` bytes of file (the type given so far, or none):
 * a 90 MB "image" is refused at 5 MB, not after the whole body. Refusals are AppErrors
 * (bad_request, file_too_large); the rest of a refused body is left unread.
 */
export function readMultipartUpload(
  payload: Readable,
  contentType: string,
  limitFor: (type: UploadKind | undefined) => number,
): Promise<ReceivedFile> {
  return new Promise((resolve, reject) => {
    const unreadable = (e: unknown) =>
      new AppError(
        'bad_request',
        `the multipart body cannot be read: ${e instanceof Error ? e.message : String(e)}`,
      );
    let bb: BusboyInstance;
    try {
      bb = Busboy({
        headers: { 'content-type': contentType },
        limits: { files: 1, fields: 4, parts: 6, fieldSize: 1024 },
      });
    } catch (e) {
      reject(unreadable(e));
      return;
    }
    let type: UploadKind | undefined;
    let file: { name: string; chunks: Buffer[] } | undefined;
    let settled = false;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      payload.unpipe(bb);
      reject(error);
    };
    bb.on('field', (name: string, value: string) => {
      if (name !== 'type') return;
      const given = value.trim().toLowerCase();
      if (!KINDS.has(given))
        fail(new AppError('bad_request', 'type must be one of image, video, audio, file'));
      else type = given as UploadKind;
    });
    bb.on('file', (name: string, stream: BusboyFileStream, filename: string) => {
      // A body cut short errors the part's stream as well as the parser: both are the client's.
      stream.on('error', (e: unknown) => fail(unreadable(e)));
      if (name !== 'file' || file) {
        stream.resume();
        return;
      }
      const limit = limitFor(type);
      const received = { name: filename || 'file', chunks: [] as Buffer[] };
      file = received;
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          fail(new AppError('file_too_large', `over ${limit} bytes for ${type ?? 'a file'}`));
          stream.resume();
          return;
        }
        if (!settled) received.chunks.push(chunk);
      });
    });
    bb.on('finish', () => {
      if (settled) return;
      settled = true;
      if (!file) reject(new AppError('bad_request', 'file is required (a multipart file field)'));
      else resolve(new ReceivedFile(Buffer.concat(file.chunks), file.name, type));
    });
    bb.on('error', (e: unknown) => fail(unreadable(e)));
    payload.on('error', (e) => fail(unreadable(e)));
    payload.pipe(bb);
  });
}
