/**
 * Where archive objects live: S3 on AWS (s3-store.ts), a directory in local mode (fs-store.ts).
 * Both give what S3 gives: a PUT replaces an object whole or not at all, a listing may miss an
 * object written after it started, and deleting a missing object succeeds.
 */
export interface ArchiveStore {
  /** Writes the whole object, replacing any object of that key. */
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  /** Every key under `prefix`, in ascending order. */
  list(prefix: string): Promise<string[]>;
  /** Deletes the objects; a key that does not exist is not an error. */
  delete(keys: readonly string[]): Promise<void>;
  /** Where the store is, for logs and messages (e.g. `s3://bucket` or a directory). */
  readonly location: string;
}
