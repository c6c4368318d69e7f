import { FileObjectStore, type ObjectStore } from '../../shared/file-object-store.ts';

// Where recording audio lives: the shared object store (shared/file-object-store.ts), keys
// `<app_id>/<yyyy-mm-dd>/<call_id>.wav`, and `<call_id>.legs.wav` beside it for a call whose
// sides were recorded apart.

export type { StoredObject } from '../../shared/file-object-store.ts';
export type RecordingStore = ObjectStore;

/** The storage key of a call's recording; the date (UTC) spreads files over directories. */
export function recordingKey(appId: number, callId: string, at: Date): string {
  return `${appId}/${at.toISOString().slice(0, 10)}/${callId}.wav`;
}

/** Where a recording's two-channel form (callee left, robot right) is kept, beside the mix. */
export function legsKey(key: string): string {
  return key.replace(/\.wav$/, '.legs.wav');
}

/** Files under `<dataDir>/recordings/`. All processes that serve links must share this directory. */
export class FileRecordingStore extends FileObjectStore {
  constructor(root: string) {
    super(root, 'recording');
  }
}
