/**
 * Archive rows ↔ one Parquet file, with hyparquet-writer: pure JavaScript with its own Snappy, so
 * the archiver stays one esbuild file with no WebAssembly or native part (docs/archive.md has the
 * measurements behind the choice). Schema from contracts/archive.ts; every column typed, Snappy.
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { ARCHIVE_COLUMNS, type ArchiveColumnType } from "../../contracts/archive";
import type { ArchiveRow } from "./row";

type WriterType = "STRING" | "TIMESTAMP" | "INT64";

/** The JSON column is text holding JSON (exact numbers kept), stored as a UTF-8 string. */
const WRITER_TYPE: Record<ArchiveColumnType, WriterType> = { STRING: "STRING", JSON: "STRING", TIMESTAMP: "TIMESTAMP", INT64: "INT64" };

/** Rows per row group: a day's compacted file stays a few row groups, each skippable by statistics. */
const ROW_GROUP_SIZE = 100_000;

function columnValues(rows: readonly ArchiveRow[], name: keyof ArchiveRow, type: WriterType): unknown[] {
  if (type === "INT64") return rows.map((r) => (r[name] === null ? null : BigInt(r[name] as number)));
  return rows.map((r) => r[name]);
}

export function encodeParquet(rows: readonly ArchiveRow[]): Uint8Array {
  if (rows.length === 0) throw new Error("encodeParquet: no rows (an empty object is never written)");
  const columnData = ARCHIVE_COLUMNS.map((c) => {
    const type = WRITER_TYPE[c.type];
    return { name: c.name, type, nullable: c.nullable, data: columnValues(rows, c.name as keyof ArchiveRow, type) };
  });
  const buffer = parquetWriteBuffer({
    columnData: columnData as Parameters<typeof parquetWriteBuffer>[0]["columnData"],
    codec: "SNAPPY",
    rowGroupSize: ROW_GROUP_SIZE,
    createdBy: "liveinsight archiver",
  });
  return new Uint8Array(buffer);
}
