/**
 * The archive's query layer as pure data: the Glue table Athena reads (columns, Parquet SerDe,
 * partition projection on `dt`) and the Athena workgroup configuration. No crawler and no
 * `MSCK REPAIR TABLE`: with partition projection Athena computes the day partitions from the
 * table properties instead of looking them up in the catalog (Athena User Guide, "Use partition
 * projection with Amazon Athena": https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html,
 * and "Date type" projection:
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html).
 */
import { ARCHIVE_COLUMNS, ARCHIVE_EVENTS_PREFIX, ARCHIVE_PARTITION_COLUMN, type GlueColumn } from "./archive-layout";

/** Where the day partitions live. */
export function eventsLocation(bucket: string): string {
  return `s3://${bucket}/${ARCHIVE_EVENTS_PREFIX}`;
}

/**
 * Table parameters: EXTERNAL (dropping the table never deletes the data), Parquet, and the
 * projection of `dt` as a date from `eventRetentionDays` ago to tomorrow (an event may carry a
 * timestamp up to a few minutes ahead of the server, so just after midnight UTC it lands in
 * tomorrow's partition). `NOW-<n>DAYS` is the relative form the date projection accepts.
 */
export function projectionParameters(bucket: string, eventRetentionDays: number): Record<string, string> {
  const dt = ARCHIVE_PARTITION_COLUMN;
  return {
    EXTERNAL: "TRUE",
    classification: "parquet",
    "parquet.compression": "SNAPPY",
    "projection.enabled": "true",
    [`projection.${dt}.type`]: "date",
    [`projection.${dt}.format`]: "yyyy-MM-dd",
    [`projection.${dt}.range`]: `NOW-${eventRetentionDays}DAYS,NOW+1DAYS`,
    [`projection.${dt}.interval`]: "1",
    [`projection.${dt}.interval.unit`]: "DAYS",
    "storage.location.template": `${eventsLocation(bucket)}${dt}=\${${dt}}/`,
  };
}

/** The Glue storage descriptor: one column per archive column, read with Hive's Parquet SerDe. */
export function storageDescriptor(bucket: string, columns: readonly GlueColumn[] = ARCHIVE_COLUMNS) {
  return {
    location: eventsLocation(bucket),
    inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    serDeInfo: {
      name: "parquet",
      serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
      parameters: { "serialization.format": "1" },
    },
    columns: columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
  };
}

/** The one partition key: the day, as the `dt=YYYY-MM-DD` path segment spells it. */
export const PARTITION_KEYS = [{ name: ARCHIVE_PARTITION_COLUMN, type: "string", comment: "UTC day of timestamp, YYYY-MM-DD." }];

/** Athena's current engine (Athena User Guide, "Athena engine versioning": https://docs.aws.amazon.com/athena/latest/ug/engine-versions.html). */
export const ATHENA_ENGINE_VERSION = "Athena engine version 3";

/** 1 MB = 1,048,576 bytes; Athena's smallest cutoff is 10,000,000 bytes, so 10 MB (10,485,760) is above it. */
export const BYTES_PER_MB = 1_048_576;

/**
 * The workgroup configuration: enforced, so a client cannot override the result location, its
 * encryption or the cutoff with its own settings (Athena User Guide, "Override client-side
 * settings": https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings-override.html), and a
 * per-query data usage control (BytesScannedCutoffPerQuery, "Configure per-query and per-workgroup
 * data usage controls": https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html).
 */
export function workgroupConfiguration(resultsBucket: string, bytesScannedCutoffMb: number) {
  return {
    enforceWorkgroupConfiguration: true,
    publishCloudwatchMetricsEnabled: true,
    bytesScannedCutoffPerQuery: bytesScannedCutoffMb * BYTES_PER_MB,
    engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
    resultConfiguration: {
      outputLocation: `s3://${resultsBucket}/`,
      encryptionConfiguration: { encryptionOption: "SSE_S3" },
    },
  };
}
