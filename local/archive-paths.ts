/** Where local mode keeps the archive and its stream emulation, inside the data directory. */
import path from "node:path";

export const ARCHIVE_ENTRIES = { archive: "archive", cursor: "archive-stream.json", failures: "archive-failures.jsonl" } as const;

export function archivePaths(dataDir: string) {
  return {
    /** The archive itself: `events/dt=…/…parquet`, what ARCHIVE_DIR points at. */
    archive: path.join(dataDir, ARCHIVE_ENTRIES.archive),
    /** The feeder's checkpoint: up to where the Events table was handed to the archiver. */
    cursor: path.join(dataDir, ARCHIVE_ENTRIES.cursor),
    /** The local failure queue: one JSON line per batch given up on (the SQS queue on AWS). */
    failures: path.join(dataDir, ARCHIVE_ENTRIES.failures),
  };
}
