import { parquetWriteBuffer } from "hyparquet-writer";

const cols = [
  ["site_id", "STRING", false],
  ["session_id", "STRING", false],
  ["event_key", "STRING", false],
  ["event_id", "STRING", false],
  ["timestamp", "TIMESTAMP", false],
  ["event_type", "STRING", false],
  ["user_id", "STRING", false],
  ["page_url", "STRING", true],
  ["referrer", "STRING", true],
  ["user_agent", "STRING", true],
  ["ip_prefix", "STRING", true],
  ["properties", "STRING", false],
  ["received_at", "TIMESTAMP", false],
  ["client_timestamp", "TIMESTAMP", true],
  ["expires_at", "INT64", false],
];
export function encode(rows) {
  return new Uint8Array(
    parquetWriteBuffer({
      codec: "SNAPPY",
      columnData: cols.map(([name, type, nullable]) => ({
        name,
        type,
        nullable,
        data: rows.map((r) => (type === "INT64" ? BigInt(r[name]) : r[name])),
      })),
    }),
  );
}
