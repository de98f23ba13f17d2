/**
 * The archive's layout as the Pulumi side needs it, derived from the one contract
 * (contracts/archive.ts, which the archiver's encoder and local mode read too): the columns the
 * Glue table declares with their Hive types, the object prefix and partition column, the bucket
 * variable, and the runtime's entry points the program bundles.
 */
import { ARCHIVE_ENV, ARCHIVE_COLUMNS as CONTRACT_COLUMNS, GLUE_TYPES } from "../contracts/archive";

export { ARCHIVE_EVENTS_PREFIX, ARCHIVE_PARTITION_COLUMN, ARCHIVE_STREAM_READING } from "../contracts/archive";

/** A column and the Glue (Hive DDL) type Athena reads its Parquet values with. */
export interface GlueColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/** SPEC §10: one column per Events attribute under the same name, typed, in the files' order. */
export const ARCHIVE_COLUMNS: readonly GlueColumn[] = CONTRACT_COLUMNS.map((c) => ({
  name: c.name,
  type: GLUE_TYPES[c.type],
  comment: c.doc,
}));

/** The archiver's and compaction's bucket variable. */
export const ARCHIVE_BUCKET_ENV = ARCHIVE_ENV.bucket;

/** The runtime's entry points, bundled by the program. */
export const ARCHIVE_ENTRY_POINTS = { archiver: "functions/archiver.ts", compaction: "functions/compaction.ts" } as const;
