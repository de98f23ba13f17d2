/**
 * The SQL every shipped query runs on: a view `events` over the archive that shows each event once
 * (by site_id, session_id, event_key) whether or not its day is compacted yet. The same text runs
 * on DuckDB (local mode) and Athena; only the source relation and the few functions named in
 * DIALECTS differ (docs/archive.md, "One SQL").
 *
 * `dt` is in the window's PARTITION BY: a duplicate is always in the same day (it is the same new
 * image, and the day comes from its `timestamp`), and a filter on `dt` can then be pushed below the
 * window by both engines, so a query still reads only the days it asks for.
 */
import { ARCHIVE_COLUMNS, ARCHIVE_PARTITION_COLUMN } from "../../contracts/archive";

export type Dialect = "duckdb" | "athena";

/** The one switch between the engines (Athena: Trino functions, docs.aws.amazon.com/athena/latest/ug/functions-env3.html). */
export const DIALECTS: Record<Dialect, { jsonText: (json: string, path: string) => string }> = {
  duckdb: { jsonText: (json, path) => `json_extract_string(${json}, '${path}')` },
  athena: { jsonText: (json, path) => `json_extract_scalar(${json}, '${path}')` },
};

const quoted = (name: string) => `"${name}"`;

/** `CREATE OR REPLACE VIEW events AS …` over `source` (a table, or a DuckDB read_parquet(…) call). */
export function eventsViewSql(source: string, viewName = "events"): string {
  const columns = [...ARCHIVE_COLUMNS.map((c) => quoted(c.name)), quoted(ARCHIVE_PARTITION_COLUMN)].join(", ");
  return [
    `CREATE OR REPLACE VIEW ${viewName} AS`,
    `SELECT ${columns}`,
    `FROM (SELECT *, row_number() OVER (PARTITION BY "dt", "site_id", "session_id", "event_key" ORDER BY "received_at") AS copy_number`,
    `      FROM ${source}) AS archived`,
    "WHERE copy_number = 1",
  ].join("\n");
}

/** DuckDB's source over a local archive directory: Hive partitions, `dt` kept as text like Athena's. */
export function duckdbArchiveSource(directory: string): string {
  const glob = `${directory.replace(/\/+$/, "")}/events/*/*.parquet`.replaceAll("'", "''");
  return `read_parquet('${glob}', hive_partitioning = true, hive_types = {'dt': VARCHAR})`;
}
