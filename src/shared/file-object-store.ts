import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

// Files behind an interface shaped like an object store (put, get with its size and a stream,
// delete by key), so an S3-compatible store can replace the file system without touching the
// services that use it (recordings, uploads). Keys are relative paths: `<app_id>/<day>/<file>`.

export interface StoredObject {
  size: number;
  /** The bytes; read it once. */
  body: Readable;
}

export interface ObjectStore {
  /** Writes the whole object or nothing: a reader never sees half a file. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<StoredObject | undefined>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

/** Files under a root directory. All processes that serve links must share the directory. */
export class FileObjectStore implements ObjectStore {
  readonly #root: string;
  readonly #label: string;

  /** `label` names the keys in errors ("recording", "upload"). */
  constructor(root: string, label = 'storage') {
    this.#root = root;
    this.#label = label;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    // Write beside, flush, then rename: rename is atomic within a file system.
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, bytes, { flush: true });
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.#path(key);
    try {
      // Size and stream from one open file, so a concurrent replace cannot make them disagree.
      const handle = await open(path, 'r');
      const { size } = await handle.stat();
      return { size, body: handle.createReadStream({ autoClose: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  #path(key: string): string {
    // Keys come from our own rows, but a path built from data is checked anyway: no `..`, no
    // absolute paths, nothing outside the root.
    if (!KEY.test(key)) throw new Error(`invalid ${this.#label} key: ${key}`);
    return join(this.#root, ...key.split('/'));
  }
}
