/** One archive Parquet file → rows again (compaction reads what the archiver wrote), with hyparquet. */
import { parquetReadObjects } from "hyparquet";
import { ARCHIVE_COLUMNS } from "../../contracts/archive";
import type { ArchiveRow } from "./row";

const toNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : value instanceof Date ? value.getTime() : Number(value);

export async function decodeParquet(bytes: Uint8Array, source: string): Promise<ArchiveRow[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const objects = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return objects.map((o) => {
    const row: Record<string, unknown> = {};
    for (const c of ARCHIVE_COLUMNS) {
      const value = o[c.name];
      if (value === undefined) throw new Error(`${source} has no column ${c.name}: not an archive file of this schema`);
      row[c.name] = c.type === "TIMESTAMP" || c.type === "INT64" ? toNumber(value) : value;
    }
    return row as unknown as ArchiveRow;
  });
}
