import type { Readable } from 'node:stream';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { ObjectStore } from '../../shared/file-object-store.ts';
import { newId } from '../../shared/ids.ts';
import { checkLinkSignature, linkSignature } from '../../shared/signed-link.ts';
import type { Db } from '../../store/db.ts';
import { claimedKind, extensionOf, SIZE_LIMITS, sniff, type UploadKind } from './file-kind.ts';
import { mapThumbnail } from './map-thumbnail.ts';
import * as repo from './uploads.repository.ts';

// Files an app uploads to send as chat media (docs/uploads.md): checked by their bytes, kept in
// the object store under the app, and handed out as signed links that any provider can fetch
// without credentials (WhatsApp downloads media from a link).

/** Thirty days: WhatsApp keeps media as long, and a message list shows the link afterwards. */
export const UPLOAD_LINK_LIFETIME_SECONDS = 30 * 86_400;

export interface Upload {
  id: string;
  kind: UploadKind;
  name: string;
  mimeType: string;
  size: number;
  /** The signed public link (`<publicUrl>/files/<id>/<name>?expires=…&sig=…`). */
  originUrl: string;
  createdAt: Date;
}

export interface NewUpload {
  bytes: Uint8Array;
  /** The client's file name; only its last path segment is kept. */
  name: string;
  /** What the client says it is; the bytes must agree. */
  type?: UploadKind;
}

export interface OpenedUpload {
  size: number;
  body: Readable;
  mimeType: string;
  name: string;
}

export interface UploadServiceOptions {
  db: Db;
  store: ObjectStore;
  clock: Clock;
  /** Base of the links handed out (TILLER_PUBLIC_URL). */
  publicUrl: string;
  /** The server's link key (RecordingService.linkKey: one key for every signed link). */
  linkKey: () => Promise<string>;
  linkLifetimeSeconds?: number;
}

export class UploadService {
  readonly #o: UploadServiceOptions;

  constructor(options: UploadServiceOptions) {
    this.#o = options;
  }

  /**
   * The most bytes an upload of `type` may have (the largest limit when the type is not known
   * yet): the route stops reading a body past it.
   */
  limitFor(type: UploadKind | undefined): number {
    return SIZE_LIMITS[type ?? 'file'];
  }

  /** Checks the bytes against the claimed type and name, stores them, answers the link. */
  async upload(appId: number, file: NewUpload): Promise<Upload> {
    const name = cleanName(file.name);
    const sniffed = sniff(file.bytes, name);
    if (!sniffed)
      throw new AppError(
        'unsupported_content',
        `the bytes of "${name}" are no image (JPEG, PNG, WebP), video (MP4, 3GP), audio (AAC, AMR, MP3, M4A, OGG, WAV) or document (PDF, Office, text) WhatsApp carries`,
      );
    const claimed = claimedKind(name);
    if (claimed && claimed !== sniffed.kind)
      throw new AppError(
        'unsupported_content',
        `"${name}" is named as ${article(claimed)} but its bytes are ${sniffed.mime}`,
      );
    // A document may be any supported type (WhatsApp sends an image as a document too); a
    // media type must be what the bytes are.
    if (file.type && file.type !== 'file' && file.type !== sniffed.kind)
      throw new AppError(
        'unsupported_content',
        `type is ${file.type} but the bytes are ${sniffed.mime}`,
      );
    const kind = file.type ?? sniffed.kind;
    if (file.bytes.byteLength > SIZE_LIMITS[kind])
      throw new AppError(
        'file_too_large',
        `${file.bytes.byteLength} bytes; ${article(kind)} may have ${SIZE_LIMITS[kind]}`,
      );
    const stored = extensionOf(name) ? name : `${name}.${sniffed.ext}`;
    return this.#store(appId, kind, stored, sniffed.mime, file.bytes);
  }

  /** Renders the thumbnail of a point (map-thumbnail.ts) and stores it as an image upload. */
  async mapThumbnail(appId: number, point: { latitude: number; longitude: number }) {
    const { latitude, longitude } = point;
    if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90)
      throw new AppError('bad_request', 'latitude must be a number from -90 to 90');
    if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180)
      throw new AppError('bad_request', 'longitude must be a number from -180 to 180');
    const png = mapThumbnail(latitude, longitude);
    return this.#store(appId, 'image', 'map_thumbnail.png', 'image/png', png);
  }

  /** An app's upload by id (a send that attaches it), with a fresh link; never another app's. */
  async get(appId: number, id: string): Promise<Upload | undefined> {
    const row = await repo.findAppUpload(this.#o.db, appId, id);
    return row && this.#upload(row);
  }

  /**
   * The bytes a signed link opens: 'forbidden' for a link that is not ours or has expired,
   * undefined when the upload or its bytes are gone.
   */
  async open(
    id: string,
    expires: string,
    sig: string,
  ): Promise<OpenedUpload | 'forbidden' | undefined> {
    const key = await this.#o.linkKey();
    if (!checkLinkSignature(key, subjectOf(id), expires, sig, this.#o.clock.now().getTime()))
      return 'forbidden';
    const row = await repo.findUpload(this.#o.db, id);
    if (!row) return undefined;
    const object = await this.#o.store.get(row.storage_key);
    if (!object) return undefined;
    return { ...object, mimeType: row.mime_type, name: row.name };
  }

  async #store(
    appId: number,
    kind: UploadKind,
    name: string,
    mime: string,
    bytes: Uint8Array,
  ): Promise<Upload> {
    const id = newId();
    const now = this.#o.clock.now();
    const storageKey = `${appId}/${now.toISOString().slice(0, 10)}/${id}`;
    // The bytes first, then the row: a row never points at nothing. A crash between the two
    // leaves a file no row names, which nobody can link to.
    await this.#o.store.put(storageKey, bytes);
    const row: repo.UploadRow = {
      id,
      app_id: appId,
      kind,
      name,
      mime_type: mime,
      size: bytes.byteLength,
      storage_key: storageKey,
      created_at: now,
    };
    await repo.insertUpload(this.#o.db, row);
    return this.#upload(row);
  }

  async #upload(row: repo.UploadRow): Promise<Upload> {
    const lifetime = this.#o.linkLifetimeSeconds ?? UPLOAD_LINK_LIFETIME_SECONDS;
    const expires = Math.floor(this.#o.clock.now().getTime() / 1000) + lifetime;
    const sig = linkSignature(await this.#o.linkKey(), subjectOf(row.id), expires);
    const base = this.#o.publicUrl.replace(/\/+$/, '');
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      mimeType: row.mime_type,
      size: row.size,
      originUrl: `${base}/files/${row.id}/${linkName(row.name)}?expires=${expires}&sig=${sig}`,
      createdAt: row.created_at,
    };
  }
}

// Recordings sign "call:" and "task:" subjects with the same key; an upload's never opens one.
const subjectOf = (id: string) => `upload:${id}`;

/** The last path segment of a client's file name, without control characters, at most 200. */
export function cleanName(given: string): string {
  const last = given.split(/[\\/]/).pop() ?? '';
  const clean = last
    .split('')
    .filter((ch) => ch >= ' ' && ch !== '\u007f' && ch !== '"')
    .join('')
    .trim()
    .slice(-200);
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean;
}

/**
 * The name as the link's last path segment, percent-encoded. The router refuses a path parameter
 * over 100 characters, so a longer name is shortened (keeping its extension); the download's
 * Content-Disposition still gives the full name.
 */
export function linkName(name: string): string {
  const whole = encodeURIComponent(name);
  if (whole.length <= LINK_NAME_MAX) return whole;
  const ext = extensionOf(name);
  const tail = ext ? `.${ext}`.slice(0, 12) : '';
  let stem = [...name.slice(0, name.length - (ext ? ext.length + 1 : 0))];
  while (stem.length > 0 && encodeURIComponent(stem.join('') + tail).length > LINK_NAME_MAX)
    stem = stem.slice(0, -1);
  return encodeURIComponent((stem.join('') || 'file') + tail);
}
const LINK_NAME_MAX = 90;

function article(kind: UploadKind): string {
  return kind === 'image' || kind === 'audio' ? `an ${kind}` : `a ${kind}`;
}
