/**
 * How local mode's feeder reads its stand-in for the Events stream: the stack's own archive
 * settings (config.ts's defaults, the numbers the event source mapping gets on AWS) plus the
 * contract's fixed half, so local mode batches, retries and gives up as a deployed stack does.
 */
import { DEFAULTS } from "../config";
import { ARCHIVE_STREAM_READING } from "../contracts/archive";

export const LOCAL_STREAM_READING = {
  ...ARCHIVE_STREAM_READING,
  batchSize: DEFAULTS.archiveBatchSize,
  maximumBatchingWindowInSeconds: DEFAULTS.archiveBatchingWindowSeconds,
  maximumRetryAttempts: DEFAULTS.archiveMaxRetryAttempts,
  maximumRecordAgeInSeconds: DEFAULTS.archiveMaxRecordAgeSeconds,
} as const;
