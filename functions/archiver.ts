/**
 * Lambda "archiver": the Events table's stream (NEW_IMAGE, INSERT only by the mapping's filter) →
 * Parquet objects per day (functions/archive/archive-batch.ts). The store is created once per
 * container; the mapping must enable ReportBatchItemFailures (contracts/archive.ts).
 */
import type { DynamoDBStreamEvent } from "aws-lambda";
import { type ArchiverRecord, archiveBatch, type BatchResult } from "./archive/archive-batch";
import { archiveLogLine, storeFromEnv } from "./archive/runtime";
import { stdoutSink } from "./shared/logger";

const store = storeFromEnv(process.env);

export async function handler(event: DynamoDBStreamEvent): Promise<BatchResult> {
  const report = await archiveBatch((event.Records ?? []) as ArchiverRecord[], store);
  const failed = report.batchItemFailures.length;
  const level = report.failedObjects.length ? "ERROR" : report.poison.length ? "WARN" : "INFO";
  stdoutSink(
    archiveLogLine(
      "archiver",
      {
        records: report.records,
        archived: report.archived,
        objects: report.objects.length,
        skipped: report.skipped,
        failed_records: failed,
        // Sequence numbers and reasons only: never the event itself (it may hold personal data).
        poison: report.poison,
        failed_objects: report.failedObjects,
      },
      level,
    ),
  );
  return { batchItemFailures: report.batchItemFailures };
}
