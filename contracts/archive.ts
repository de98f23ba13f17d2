/**
 * The archive's contract as plain data, the one place that knows it: the Parquet columns (read by
 * the archiver's encoder, the Glue table and the docs), where objects live, the function
 * environment of the archiver and compaction, and the stream-reading settings that the event
 * source mapping on AWS and local mode's feeder both apply. No imports: functions/ (bundled),
 * components/, local/ and tests load it.
 */

/** How a column is stored: Parquet physical/logical type and the Glue (Hive DDL) type that reads it. */
export type ArchiveColumnType = "STRING" | "TIMESTAMP" | "INT64" | "JSON";

export interface ArchiveColumn {
  /** The Events attribute of the same name (SPEC §10: one column per attribute, same name). */
  readonly name: string;
  readonly type: ArchiveColumnType;
  /** Absent on some items (the collector never stores an empty optional attribute). */
  readonly nullable: boolean;
  readonly doc: string;
}

/**
 * Column order is the file's schema order. Times are Parquet INT64 TIMESTAMP_MILLIS, UTC instants
 * that both DuckDB and Athena read as `timestamp` (without time zone), so
 * `date_trunc('day', "timestamp")` is the same SQL, and the same UTC day, on both. `expires_at`
 * stays INT64 epoch seconds, as DynamoDB's TTL keeps it. JSON is text holding a JSON object.
 */
export const ARCHIVE_COLUMNS: readonly ArchiveColumn[] = [
  { name: "site_id", type: "STRING", nullable: false, doc: "The site the event belongs to ('local' before sites existed)." },
  { name: "session_id", type: "STRING", nullable: false, doc: "The session id, without any site prefix of the table key." },
  { name: "event_key", type: "STRING", nullable: false, doc: "`<identity timestamp ms, 13 digits>#<event_id>`, the Events sort key." },
  { name: "event_id", type: "STRING", nullable: false, doc: "The event id (client-sent or minted)." },
  { name: "timestamp", type: "TIMESTAMP", nullable: false, doc: "When the event happened (ms, UTC); the day partition is taken from it." },
  { name: "event_type", type: "STRING", nullable: false, doc: "page_view, click, custom, …" },
  { name: "user_id", type: "STRING", nullable: false, doc: "The user id." },
  { name: "page_url", type: "STRING", nullable: true, doc: "Page URL, when sent." },
  { name: "referrer", type: "STRING", nullable: true, doc: "Referrer, when sent." },
  { name: "user_agent", type: "STRING", nullable: true, doc: "User-Agent header, when sent." },
  { name: "ip_prefix", type: "STRING", nullable: true, doc: "Truncated client address (never the full IP)." },
  {
    name: "properties",
    type: "JSON",
    nullable: false,
    doc: "The event's properties as a JSON object text; numbers keep DynamoDB's exact decimal text.",
  },
  { name: "received_at", type: "TIMESTAMP", nullable: false, doc: "When the collector received the event (ms, UTC)." },
  { name: "client_timestamp", type: "TIMESTAMP", nullable: true, doc: "The client's timestamp when it was outside the accepted window." },
  { name: "expires_at", type: "INT64", nullable: false, doc: "The hot tier's TTL (epoch seconds), kept for audits." },
];

/** The Glue/Hive type of each column type (Athena reads Parquet by column name). */
export const GLUE_TYPES: Readonly<Record<ArchiveColumnType, string>> = {
  STRING: "string",
  TIMESTAMP: "timestamp",
  INT64: "bigint",
  JSON: "string",
};

/** Objects are `<ARCHIVE_EVENTS_PREFIX>dt=YYYY-MM-DD/<name>.parquet`; `dt` is the partition column. */
export const ARCHIVE_EVENTS_PREFIX = "events/";
export const ARCHIVE_PARTITION_COLUMN = "dt";

/** The archiver's and compaction's environment: S3 on AWS, a directory in local mode (exactly one). */
export const ARCHIVE_ENV = {
  bucket: "ARCHIVE_BUCKET",
  directory: "ARCHIVE_DIR",
} as const;

/**
 * The fixed half of how the archiver reads the Events stream, applied by the event source mapping
 * on AWS and by local mode's feeder (Lambda Developer Guide, "Lambda parameters for Amazon DynamoDB
 * event source mappings", https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html,
 * and "Configuring partial batch response",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html). The tunable
 * half (batch size, batching window, retries, record age) is stack configuration: config.ts's
 * archive* settings, whose defaults local mode reads (local/stream-reading.ts).
 */
export const ARCHIVE_STREAM_READING = {
  bisectBatchOnFunctionError: true,
  /** The archiver returns batchItemFailures instead of throwing (functions/archive/archive-batch.ts). */
  functionResponseTypes: ["ReportBatchItemFailures"],
  /**
   * Only new event items: TTL deletions and rewrites (REMOVE, MODIFY) never invoke the archiver,
   * nor do the collector's bookkeeping items in the same table (window pins and future markers,
   * functions/core/pins.ts), which have no EVENT_ITEM_ATTRIBUTE. Lambda event filtering, "exists"
   * on a DynamoDB NewImage attribute:
   * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html and
   * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
   */
  filterPattern: '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"received_at":{"N":[{"exists":true}]}}}}',
} as const;

/**
 * The attribute every Events item that is an event has and no bookkeeping item (pin, future
 * marker) has: the stream filter above, the archiver and local mode's feeder all tell them apart by it.
 */
export const EVENT_ITEM_ATTRIBUTE = "received_at";

/** The `message` of the archiver's and compaction's one log line per invocation. */
export const ARCHIVE_LOG_MESSAGES = { archiver: "archiver finished", compaction: "compaction finished" } as const;

/** A day is "closed" (compactable) once this long has passed after its UTC midnight end. */
export const COMPACTION_GRACE_MS = 2 * 60 * 60 * 1000;
