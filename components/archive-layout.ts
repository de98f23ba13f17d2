/**
 * The archive's layout as the Pulumi side needs it: the Parquet columns the Glue table declares,
 * the object prefix and partition column, and the variable that hands the bucket to the functions.
 *
 * The runtime (functions/archive/, branch `archive`) owns these facts in contracts/archive.ts;
 * this module mirrors that contract until both are on one branch, then becomes a re-export of it
 * (`export { ARCHIVE_COLUMNS, GLUE_TYPES, … } from "../contracts/archive"`), so there is one list.
 */

/** A column and the Glue (Hive DDL) type Athena reads its Parquet values with. */
export interface GlueColumn {
  readonly name: string;
  readonly type: "string" | "timestamp" | "bigint" | "double";
  readonly comment: string;
}

/**
 * SPEC §10: one column per Events attribute under the same name, typed. Timestamps are Parquet
 * INT64 TIMESTAMP(MILLIS), which Athena reads as `timestamp`; properties are JSON text.
 */
export const ARCHIVE_COLUMNS: readonly GlueColumn[] = [
  { name: "site_id", type: "string", comment: "The site the event belongs to." },
  { name: "session_id", type: "string", comment: "The session id." },
  { name: "event_key", type: "string", comment: "<identity timestamp ms, 13 digits>#<event_id>, the Events sort key." },
  { name: "event_id", type: "string", comment: "The event id." },
  { name: "timestamp", type: "timestamp", comment: "When the event happened (UTC); dt is its day." },
  { name: "event_type", type: "string", comment: "page_view, click, custom, ..." },
  { name: "user_id", type: "string", comment: "The user id." },
  { name: "page_url", type: "string", comment: "Page URL, when sent." },
  { name: "referrer", type: "string", comment: "Referrer, when sent." },
  { name: "user_agent", type: "string", comment: "User-Agent header, when sent." },
  { name: "ip_prefix", type: "string", comment: "Truncated client address (never the full IP)." },
  { name: "properties", type: "string", comment: "The event's properties as JSON text." },
  { name: "received_at", type: "timestamp", comment: "When the collector received the event (UTC)." },
  { name: "client_timestamp", type: "timestamp", comment: "The client's timestamp when it was outside the accepted window." },
  { name: "expires_at", type: "bigint", comment: "The hot tier's TTL (epoch seconds)." },
];

/** Objects are `events/dt=YYYY-MM-DD/<name>.parquet`. */
export const ARCHIVE_EVENTS_PREFIX = "events/";
export const ARCHIVE_PARTITION_COLUMN = "dt";

/** The archiver's and compaction's bucket variable. */
export const ARCHIVE_BUCKET_ENV = "ARCHIVE_BUCKET";

/** The runtime's entry points, bundled by the program (functions/archiver.ts, functions/compaction.ts). */
export const ARCHIVE_ENTRY_POINTS = { archiver: "functions/archiver.ts", compaction: "functions/compaction.ts" } as const;
