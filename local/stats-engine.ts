/**
 * /stats in local mode: DuckDB (embedded, in memory) over .liveinsight/archive, through the same
 * view `events` as `npm run local:query` (local/archive-query.ts). The view is reopened per query so
 * files the feeder wrote since are seen, and queries run one at a time on the one connection.
 */

import { EngineUnavailableError, type StatsEngine } from "../functions/stats/engine";
import { openArchiveQuery } from "./archive-query";

export function duckdbStatsEngine(archiveDir: string): StatsEngine & { close(): void } {
  let queue: Promise<unknown> = Promise.resolve();
  let open: Awaited<ReturnType<typeof openArchiveQuery>> | undefined;
  const runOne = async (sql: string) => {
    // Recreating the view is cheap, and picks up the first files once there are some.
    open?.close();
    open = await openArchiveQuery(archiveDir);
    try {
      const result = await open.query(sql);
      return { columns: result.columns, rows: result.rows.map((row) => row.map((v) => (v === null ? null : String(v)))) };
    } catch (error) {
      throw new EngineUnavailableError(`DuckDB could not run the stats query: ${(error as Error).message}`);
    }
  };
  return {
    run(sql) {
      const next = queue.then(() => runOne(sql));
      queue = next.catch(() => undefined);
      return next;
    },
    close() {
      open?.close();
      open = undefined;
    },
  };
}
