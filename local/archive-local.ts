/**
 * The archive in `npm start`: the same archiver and compaction handlers as on AWS, writing under
 * <data dir>/archive/ (ARCHIVE_DIR), fed by the local stream (archive-feeder.ts) every batching
 * window, and compaction at start and then daily, like the stack's schedule.
 */
import { mkdirSync } from "node:fs";
import { ARCHIVE_ENV } from "../contracts/archive";
import { createArchiveFeeder } from "./archive-feeder";
import { archivePaths } from "./archive-paths";
import { StartError } from "./storage";
import { localClient } from "./store-access";
import type { StreamHandler } from "./stream-delivery";
import { LOCAL_STREAM_READING } from "./stream-reading";

const DAY_MS = 24 * 60 * 60 * 1000;

/** LIVEINSIGHT_ARCHIVE_WINDOW_S shortens the batching window (tests, demos); the mapping's otherwise. */
export function windowFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.LIVEINSIGHT_ARCHIVE_WINDOW_S;
  if (raw === undefined || raw.trim() === "") return LOCAL_STREAM_READING.maximumBatchingWindowInSeconds * 1000;
  const seconds = Number(raw);
  if (!(seconds >= 0.1 && seconds <= 300))
    throw new StartError(`LIVEINSIGHT_ARCHIVE_WINDOW_S must be a number of seconds from 0.1 to 300 (the mapping's limit); got "${raw}".`);
  return Math.round(seconds * 1000);
}

export interface LocalArchiveOptions {
  dataDir: string;
  endpoint: string;
  eventsTable: string;
  /** The collector's request time budget: how late an item can be written after its received_at. */
  requestTimeoutMs: number;
  log: (message: string) => void;
  windowMs: number;
}

export async function startLocalArchive(options: LocalArchiveOptions) {
  const paths = archivePaths(options.dataDir);
  mkdirSync(paths.archive, { recursive: true });
  process.env[ARCHIVE_ENV.directory] = paths.archive;
  // Loaded after ARCHIVE_DIR is set: the handlers read their environment once, at module scope.
  const archiver = (await import("../functions/archiver")).handler as StreamHandler;
  const compaction = (await import("../functions/compaction")).handler;
  const db = localClient(options.endpoint);
  const feeder = createArchiveFeeder({
    db,
    table: options.eventsTable,
    handler: archiver,
    cursorFile: paths.cursor,
    failuresFile: paths.failures,
    overlapMs: options.requestTimeoutMs * 2,
    windowMs: options.windowMs,
    log: options.log,
  });
  const compact = () =>
    compaction({})
      .then(({ days }) => days.length && options.log(`archive: compacted ${days.map((d) => d.day).join(", ")}`))
      .catch((error: Error) =>
        options.log(`archive: compaction failed (${error.message}); it runs again tomorrow or with npm run local:compact`),
      );
  feeder.start();
  const compacting = compact();
  const daily = setInterval(compact, DAY_MS);
  daily.unref();
  return {
    directory: paths.archive,
    async stop() {
      clearInterval(daily);
      await compacting;
      try {
        await feeder.stop();
      } finally {
        db.destroy();
      }
    },
  };
}
