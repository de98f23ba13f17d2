import { Writable } from "node:stream";
import { ParquetSchema, ParquetWriter } from "@dsnp/parquetjs";

const S = (optional) => ({ type: "UTF8", compression: "SNAPPY", optional });
const T = (optional) => ({ type: "TIMESTAMP_MILLIS", compression: "SNAPPY", optional });
const schema = new ParquetSchema({
  site_id: S(false),
  session_id: S(false),
  event_key: S(false),
  event_id: S(false),
  timestamp: T(false),
  event_type: S(false),
  user_id: S(false),
  page_url: S(true),
  referrer: S(true),
  user_agent: S(true),
  ip_prefix: S(true),
  properties: S(false),
  received_at: T(false),
  client_timestamp: T(true),
  expires_at: { type: "INT64", compression: "SNAPPY" },
});
export async function encode(rows) {
  const chunks = [];
  const sink = new Writable({
    write(c, _e, cb) {
      chunks.push(c);
      cb();
    },
  });
  const w = await ParquetWriter.openStream(schema, sink, { rowGroupSize: 100000 });
  for (const r of rows) {
    const o = {};
    for (const [k, v] of Object.entries(r))
      if (v !== null) o[k] = k === "timestamp" || k === "received_at" || k === "client_timestamp" ? new Date(v) : v;
    await w.appendRow(o);
  }
  await w.close();
  return Buffer.concat(chunks);
}
