/** DuckDB for the archive tests: one in-memory instance per call, closed by the caller. */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export async function withDuck<T>(use: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return await use(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows as JSON-friendly objects (BIGINT → string, TIMESTAMP → "YYYY-MM-DD HH:MM:SS.mmm"). */
export async function rowsOf(c: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await c.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}
