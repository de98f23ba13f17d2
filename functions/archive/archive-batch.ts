/**
 * The archiver's core: one stream batch → one Parquet object per day partition.
 *
 * Failures are reported, not thrown (ReportBatchItemFailures, Lambda Developer Guide, "Configuring
 * partial batch response with DynamoDB and Lambda",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html): every
 * record that can be archived is written first, then the sequence numbers of the records that
 * could not (a poison record, or a day whose PutObject failed) are returned. Lambda checkpoints
 * before the lowest one and retries from there; with BisectBatchOnFunctionError it retries only
 * the rest of the batch from that record, so a poison record is retried alone-ish until
 * MaximumRetryAttempts and then goes to the on-failure queue, while everything before it is
 * checkpointed and everything after it was already written (and is rewritten on each retry, which
 * the deterministic object names and query-time dedup make harmless). Throwing instead would make
 * Lambda bisect blindly and re-invoke the good half too, without saying which record was bad.
 */

import { EVENT_ITEM_ATTRIBUTE } from "../../contracts/archive";
import { batchObjectKey, compareSequence, dayOf } from "./naming";
import { encodeParquet } from "./parquet";
import { type ArchiveRow, PoisonRecordError, rowOf, type StreamImage } from "./row";
import type { ArchiveStore } from "./store";

/** The part of a DynamoDB stream record (Lambda event) the archiver reads. */
export interface ArchiverRecord {
  eventName?: string;
  dynamodb?: { SequenceNumber?: string; NewImage?: StreamImage; ApproximateCreationDateTime?: number };
}

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface BatchReport extends BatchResult {
  records: number;
  archived: number;
  objects: string[];
  /** Records other than INSERTs of event items (the mapping's filter should keep them out). */
  skipped: number;
  poison: { sequenceNumber: string; reason: string }[];
  failedObjects: { key: string; records: number; reason: string }[];
}

interface Keyed {
  sequenceNumber: string;
  row: ArchiveRow;
}

/** An image without EVENT_ITEM_ATTRIBUTE is the collector's bookkeeping (a pin or a future marker), not an event. */
const isEventImage = (image: StreamImage | undefined) => image === undefined || EVENT_ITEM_ATTRIBUTE in image;

function groupByDay(records: readonly ArchiverRecord[], report: BatchReport): Map<string, Keyed[]> {
  const days = new Map<string, Keyed[]>();
  for (const record of records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (!sequenceNumber) throw new Error("a stream record without dynamodb.SequenceNumber: the event is not a DynamoDB stream batch");
    if (record.eventName !== "INSERT" || !isEventImage(record.dynamodb?.NewImage)) {
      report.skipped++;
      continue;
    }
    try {
      const row = rowOf(record.dynamodb?.NewImage);
      const day = dayOf(row.timestamp);
      days.set(day, [...(days.get(day) ?? []), { sequenceNumber, row }]);
    } catch (error) {
      if (!(error instanceof PoisonRecordError)) throw error;
      report.poison.push({ sequenceNumber, reason: error.message });
    }
  }
  return days;
}

export async function archiveBatch(records: readonly ArchiverRecord[], store: ArchiveStore): Promise<BatchReport> {
  const report: BatchReport = {
    records: records.length,
    archived: 0,
    objects: [],
    skipped: 0,
    poison: [],
    failedObjects: [],
    batchItemFailures: [],
  };
  const days = groupByDay(records, report);
  const failed = report.poison.map((p) => p.sequenceNumber);
  await Promise.all(
    [...days].map(async ([day, group]) => {
      group.sort((a, b) => compareSequence(a.sequenceNumber, b.sequenceNumber));
      const key = batchObjectKey(
        day,
        group.map((g) => g.sequenceNumber),
        group.map((g) => `${g.row.site_id}|${g.row.session_id}|${g.row.event_key}`),
      );
      try {
        await store.put(key, encodeParquet(group.map((g) => g.row)));
        report.archived += group.length;
        report.objects.push(key);
      } catch (error) {
        report.failedObjects.push({
          key,
          records: group.length,
          reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        failed.push(...group.map((g) => g.sequenceNumber));
      }
    }),
  );
  report.objects.sort();
  // The lowest is the one that counts (Lambda retries from it); all are reported for the logs' sake.
  report.batchItemFailures = failed.sort(compareSequence).map((itemIdentifier) => ({ itemIdentifier }));
  return report;
}
