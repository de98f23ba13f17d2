/**
 * DuckDB (embedded, in memory) over local mode's archive: the view `events` of
 * functions/archive/query-sql.ts over the Parquet files, or over an empty relation of the same
 * columns when nothing is archived yet, so `select count(*) from events` answers 0 rather than
 * "no files found".
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { ARCHIVE_COLUMNS, ARCHIVE_EVENTS_PREFIX, type ArchiveColumnType } from "../contracts/archive";
import { duckdbArchiveSource, eventsViewSql } from "../functions/archive/query-sql";

const DUCKDB_TYPES: Record<ArchiveColumnType, string> = { STRING: "VARCHAR", JSON: "VARCHAR", TIMESTAMP: "TIMESTAMP", INT64: "BIGINT" };

export interface QueryResult {
  columns: string[];
  /** JSON-friendly values: BIGINT and DECIMAL as text, times as "YYYY-MM-DD HH:MM:SS.mmm", NULL as null. */
  rows: unknown[][];
}

export class QueryError extends Error {
  readonly name = "QueryError";
}

/** True when at least one day directory holds a Parquet file. */
export function hasArchivedFiles(directory: string): boolean {
  const events = path.join(directory, ARCHIVE_EVENTS_PREFIX);
  if (!existsSync(events)) return false;
  return readdirSync(events).some((day) => readdirSync(path.join(events, day)).some((f) => f.endsWith(".parquet") && !f.startsWith(".")));
}

function emptySource(): string {
  const columns = ARCHIVE_COLUMNS.map((c) => `CAST(NULL AS ${DUCKDB_TYPES[c.type]}) AS "${c.name}"`);
  return `(SELECT ${columns.join(", ")}, CAST(NULL AS VARCHAR) AS "dt" WHERE false)`;
}

export async function openArchiveQuery(directory: string) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(eventsViewSql(hasArchivedFiles(directory) ? duckdbArchiveSource(directory) : emptySource()));
  return {
    async query(sql: string): Promise<QueryResult> {
      try {
        const reader = await connection.runAndReadAll(sql);
        return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
      } catch (error) {
        throw new QueryError((error as Error).message);
      }
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A plain text table: a header, a rule, one line per row, and the row count. */
export function formatTable(result: QueryResult): string {
  const cells = result.rows.map((row) => row.map((v) => (v === null ? "NULL" : typeof v === "object" ? JSON.stringify(v) : String(v))));
  const widths = result.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join(" | ")
      .trimEnd();
  const count = `(${result.rows.length} row${result.rows.length === 1 ? "" : "s"})`;
  return [line(result.columns), widths.map((w) => "-".repeat(w)).join("-+-"), ...cells.map(line), count].join("\n");
}
