/**
 * How Lambda's event source mapping hands a DynamoDB stream batch to a function and retries it,
 * emulated for local mode (dynalite has no streams). Each part copies a documented behaviour:
 * - a `batchItemFailures` answer checkpoints before the lowest reported sequence number and, with
 *   BisectBatchOnFunctionError, retries only the records from there ("Configuring partial batch
 *   response with DynamoDB and Lambda",
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html);
 * - a thrown error (function error) splits the batch in two, each half retried on its own, and
 *   "splitting a batch does not consume the retry quota";
 * - after MaximumRetryAttempts the batch is given up: its description goes to the on-failure
 *   destination and the shard moves on ("Retain discarded records for a DynamoDB event source",
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html). On AWS that message
 *   holds only the batch's shard and sequence range; locally it also holds the records, since there
 *   is no stream to read them back from.
 */

import type { ArchiverRecord, BatchResult } from "../functions/archive/archive-batch";
import { compareSequence } from "../functions/archive/naming";
import { LOCAL_STREAM_READING } from "./stream-reading";

export type StreamHandler = (event: { Records: ArchiverRecord[] }) => Promise<BatchResult | undefined>;

export interface GivenUp {
  reason: string;
  attempts: number;
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  batchSize: number;
  records: ArchiverRecord[];
}

export interface DeliveryDeps {
  handler: StreamHandler;
  /** The on-failure destination (a JSON-lines file in local mode). */
  giveUp: (batch: GivenUp) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  maximumRetryAttempts?: number;
  bisect?: boolean;
}

const seqOf = (r: ArchiverRecord) => r.dynamodb?.SequenceNumber ?? "";
const backoffMs = (attempt: number) => Math.min(2_000, 50 * 2 ** attempt);

type Outcome = { ok: true } | { ok: false; from: number; reason: string } | { ok: false; thrown: true; reason: string };

async function invoke(handler: StreamHandler, records: ArchiverRecord[]): Promise<Outcome> {
  try {
    const result = await handler({ Records: records });
    const failures = result?.batchItemFailures ?? [];
    if (failures.length === 0) return { ok: true };
    const ids = failures.map((f) => f.itemIdentifier);
    // An empty or unknown identifier makes the whole batch a failure (same AWS page).
    const lowest = ids.some((id) => !id) ? seqOf(records[0]) : [...ids].sort(compareSequence)[0];
    const from = records.findIndex((r) => seqOf(r) === lowest);
    return { ok: false, from: Math.max(from, 0), reason: `batchItemFailures from ${lowest}` };
  } catch (error) {
    return { ok: false, thrown: true, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Delivers one batch until it succeeds or is given up; resolves once it is settled either way. */
export async function deliverBatch(records: ArchiverRecord[], deps: DeliveryDeps, attempt = 0): Promise<void> {
  if (records.length === 0) return;
  const maxRetries = deps.maximumRetryAttempts ?? LOCAL_STREAM_READING.maximumRetryAttempts;
  const bisect = deps.bisect ?? LOCAL_STREAM_READING.bisectBatchOnFunctionError;
  const outcome = await invoke(deps.handler, records);
  if (outcome.ok) return;
  const remaining = "from" in outcome ? records.slice(outcome.from) : records;
  if (attempt >= maxRetries) {
    await deps.giveUp({
      reason: outcome.reason,
      attempts: attempt + 1,
      firstSequenceNumber: seqOf(remaining[0]),
      lastSequenceNumber: seqOf(remaining[remaining.length - 1]),
      batchSize: remaining.length,
      records: remaining,
    });
    return;
  }
  await deps.sleep(backoffMs(attempt));
  if ("thrown" in outcome && bisect && remaining.length > 1) {
    const half = Math.ceil(remaining.length / 2);
    await deliverBatch(remaining.slice(0, half), deps, attempt);
    await deliverBatch(remaining.slice(half), deps, attempt);
    return;
  }
  await deliverBatch(remaining, deps, attempt + 1);
}
