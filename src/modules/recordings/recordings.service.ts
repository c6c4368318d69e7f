import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { readWav } from '../../dialogue/wav.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { toE164 } from '../../shared/phone.ts';
import type { Db, Queryable } from '../../store/db.ts';
import type { Caller } from '../auth/caller.ts';
import { endReasonOf, type EndReason } from '../tasks/end-reason.ts';
import { taskOfApp } from '../tasks/task-access.ts';
import {
  legsKey,
  recordingKey,
  type RecordingStore,
  type StoredObject,
} from './recording-store.ts';
import * as repo from './recordings.repository.ts';
import { LinkSigner, type LinkSubject } from './signed-links.ts';
import { archiveParts, zipStream } from './task-archive.ts';

export interface NewRecording {
  callId: string;
  appId: number;
  taskId: string;
  /** A 16-bit PCM WAV (dialogue/recording.ts renders one). */
  wav: Uint8Array;
  /** The call's sides apart, a two-channel WAV (a real line records them): beside the mix. */
  legs?: Uint8Array;
  /** When the call started: dates the storage folder (default now). */
  startedAt?: Date;
}

/**
 * Stores a call's recording: the audio first, then the row, so a row never points at nothing.
 * Idempotent on the call id: a retry after a crash finds the row and writes nothing.
 */
export async function storeRecording(
  db: Queryable,
  store: RecordingStore,
  input: NewRecording,
): Promise<repo.RecordingRow> {
  const existing = await repo.findRecording(db, input.callId);
  if (existing) return existing;
  const wav = readWav(input.wav);
  const frames = wav.samples.length / wav.channels;
  const key = recordingKey(input.appId, input.callId, input.startedAt ?? new Date());
  await store.put(key, input.wav);
  if (input.legs) await store.put(legsKey(key), input.legs);
  const { row } = await repo.insertRecording(db, {
    call_id: input.callId,
    app_id: input.appId,
    task_id: input.taskId,
    storage_key: key,
    duration_ms: Math.round((frames / wav.sampleRate) * 1000),
    bytes: input.wav.byteLength,
  });
  // Another process stored the same call meanwhile under another day's folder: drop our copy.
  if (row.storage_key !== key) {
    await store.delete(key);
    if (input.legs) await store.delete(legsKey(key));
  }
  return row;
}

const LINK_SECRET = 'recording_link_key';

/** One attempt of a number as /case answers it (recordings.wire.ts renders it). */
export interface CalleeRecording {
  callId: string;
  startedAt: Date;
  /** '' for an attempt without audio (a number that ended without being dialled). */
  recordingUrl: string;
  endReason: EndReason | '';
}

export interface RecordingServiceOptions {
  db: Db;
  store: RecordingStore;
  clock: Clock;
  /** Base of the links handed out (TILLER_PUBLIC_URL). */
  publicUrl: string;
  /** Signing key; empty or absent: one generated and kept in server_secrets. */
  linkSecret?: string;
  linkLifetimeSeconds?: number;
}

/** Recordings of answered calls: storage, signed links, the two cloud endpoints. */
export class RecordingService {
  readonly #db: Db;
  readonly #store: RecordingStore;
  readonly #options: RecordingServiceOptions;
  #key: Promise<string> | undefined;

  constructor(options: RecordingServiceOptions) {
    this.#db = options.db;
    this.#store = options.store;
    this.#options = options;
  }

  save(input: NewRecording): Promise<repo.RecordingRow> {
    return storeRecording(this.#db, this.#store, input);
  }

  /** A signed link to the call's recording, if the app's call has one. */
  async linkFor(appId: number, callId: string): Promise<string | undefined> {
    return (await this.linksFor(appId, [callId])).get(callId);
  }

  /** Signed links of the calls that have a recording (the `recording_url` of call results). */
  async linksFor(appId: number, callIds: string[]): Promise<Map<string, string>> {
    const rows = await repo.findRecordings(this.#db, callIds);
    const links = await this.#links();
    return new Map(
      rows
        .filter((row) => row.app_id === appId)
        .map((row) => [row.call_id, links.url({ kind: 'call', id: row.call_id })]),
    );
  }

  /** Signed links of calls the caller has found recorded for its app (one page's query did). */
  async signedLinks(callIds: string[]): Promise<Map<string, string>> {
    if (callIds.length === 0) return new Map();
    const links = await this.#links();
    return new Map(callIds.map((id) => [id, links.url({ kind: 'call', id })]));
  }

  async listForTask(appId: number, taskId: string): Promise<repo.RecordingRow[]> {
    await this.#task(appId, taskId);
    return repo.recordingsOfTask(this.#db, taskId);
  }

  /**
   * T8: the recorded attempts of one number (or case) of a task, and the terminal record (no
   * audio, recording_url "") of a number that ended without being dialled.
   */
  async forCallee(
    caller: Caller,
    query: { task_id: string; callee_number?: string; case_id?: string },
  ): Promise<CalleeRecording[]> {
    await this.#task(caller.appId, query.task_id);
    if (query.callee_number === undefined && query.case_id === undefined) {
      throw new AppError('bad_request', 'callee_number or case_id is required');
    }
    let number: string | undefined;
    if (query.callee_number !== undefined) {
      // An unencoded `+` in a query string arrives as a space.
      number = toE164(query.callee_number.replace(/^ (?=\d)/, '+'));
      if (!number) throw new AppError('invalid_phone', `callee_number "${query.callee_number}"`);
    }
    const { calleeFound, rows } = await repo.recordingsOfCallee(this.#db, query.task_id, {
      ...(number === undefined ? {} : { callee_number: number }),
      ...(query.case_id === undefined ? {} : { case_id: query.case_id }),
    });
    if (!calleeFound) throw new AppError('callee_not_found');
    const links = await this.#links();
    return rows.map((r) => ({
      callId: r.call_id,
      startedAt: r.started_at,
      recordingUrl: r.recorded ? links.url({ kind: 'call', id: r.call_id }) : '',
      endReason: endReasonOf(r, r.last_outcome),
    }));
  }

  /** T9: a link to the zip of the task's recordings (one part of it for a very large task). */
  async taskArchive(caller: Caller, query: { task_id: string; part?: number }) {
    await this.#task(caller.appId, query.task_id);
    const parts = archiveParts(await repo.recordingsOfTask(this.#db, query.task_id));
    const part = query.part ?? 1;
    if (part > parts.length) {
      throw new AppError('bad_request', `part ${part}: the archive has ${parts.length}`);
    }
    const links = await this.#links();
    return {
      url: links.url({ kind: 'task', id: query.task_id, part }),
      count: parts[part - 1]!.length,
      parts: parts.length,
    };
  }

  /** The audio behind a signed call link; 'forbidden' when the link is not valid now. */
  async openCallLink(
    callId: string,
    expires: string,
    sig: string,
    legs = false,
  ): Promise<StoredObject | 'forbidden' | undefined> {
    if (!(await this.#verify({ kind: 'call', id: callId }, expires, sig))) return 'forbidden';
    const row = await repo.findRecording(this.#db, callId);
    if (!row) return undefined;
    // The same link opens the sides apart: the same call's audio, in another form.
    return this.#store.get(legs ? legsKey(row.storage_key) : row.storage_key);
  }

  /** The zip behind a signed task link, streamed. */
  async openTaskLink(
    taskId: string,
    part: number,
    expires: string,
    sig: string,
  ): Promise<Readable | 'forbidden'> {
    if (!(await this.#verify({ kind: 'task', id: taskId, part }, expires, sig))) {
      return 'forbidden';
    }
    const rows = archiveParts(await repo.recordingsOfTask(this.#db, taskId))[part - 1] ?? [];
    return zipStream(
      rows.map((row) => ({
        name: `${row.call_id}.wav`,
        mtime: row.created_at,
        open: () => this.#store.get(row.storage_key),
      })),
    );
  }

  async #verify(subject: LinkSubject, expires: string, sig: string): Promise<boolean> {
    return (await this.#links()).verify(subject, expires, sig);
  }

  async #task(appId: number, taskId: string) {
    const task = await taskOfApp(this.#db, appId, taskId);
    if (!task) throw new AppError('task_not_found', taskId);
    return task;
  }

  /**
   * The server's key for signed links (TILLER_LINK_SECRET, or one generated and kept in
   * server_secrets). Uploads sign their links with it too, under subjects of their own.
   */
  linkKey(): Promise<string> {
    if (this.#key) return this.#key;
    const { linkSecret } = this.#options;
    const key = linkSecret
      ? Promise.resolve(linkSecret)
      : repo.serverSecret(this.#db, LINK_SECRET, () => randomBytes(32).toString('base64url'));
    // A failed load (database down) is retried on the next request, not cached.
    key.catch(() => (this.#key = undefined));
    this.#key = key;
    return key;
  }

  async #links(): Promise<LinkSigner> {
    const { publicUrl, clock, linkLifetimeSeconds } = this.#options;
    return new LinkSigner({
      key: await this.linkKey(),
      publicUrl,
      now: () => clock.now(),
      ...(linkLifetimeSeconds === undefined ? {} : { lifetimeSeconds: linkLifetimeSeconds }),
    });
  }
}
