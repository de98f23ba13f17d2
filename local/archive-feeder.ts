/**
 * Local mode's Events stream: dynalite has none, so every batching window the feeder reads what the
 * collector stored since its checkpoint and hands it to the archiver in the stream-record shape
 * Lambda delivers (eventName INSERT, dynamodb.NewImage in DynamoDB JSON, a SequenceNumber), in
 * batches of the mapping's size, retried and given up as the mapping would (stream-delivery.ts).
 *
 * At least once, as the real stream: the checkpoint (archive-stream.json) moves only after a pass
 * is settled, and each pass re-reads `overlapMs` before it, because a request's items carry the
 * time it was received but are written up to the collector's time budget later. Within one run the
 * items already handed over are remembered and skipped; after a restart they are handed over again,
 * which dedup makes harmless. Sequence numbers are `<received_at, 13 digits><8 digits of the key's
 * hash>`: 21 decimal digits like the stream's, the same for an item every time it is read.
 */
import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { type AttributeValue, type DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import type { ArchiverRecord } from "../functions/archive/archive-batch";
import { compareSequence } from "../functions/archive/naming";
import type { StreamImage } from "../functions/archive/row";
import { deliverBatch, type GivenUp, type StreamHandler } from "./stream-delivery";
import { LOCAL_STREAM_READING } from "./stream-reading";

export interface FeederOptions {
  db: DynamoDBClient;
  table: string;
  handler: StreamHandler;
  cursorFile: string;
  failuresFile: string;
  /** How far before the checkpoint each pass reads again: the collector's request time budget. */
  overlapMs: number;
  windowMs?: number;
  batchSize?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
}

export interface PassReport {
  read: number;
  delivered: number;
  batches: number;
  givenUp: number;
  checkpoint: number;
}

export function localSequenceNumber(receivedAt: number, session: string, eventKey: string): string {
  const hash = createHash("sha256").update(`${session}\n${eventKey}`).digest().readUInt32BE(0) % 100_000_000;
  return `${String(Math.max(0, Math.trunc(receivedAt))).padStart(13, "0")}${String(hash).padStart(8, "0")}`;
}

const receivedAtOf = (item: Record<string, AttributeValue>) => Number(item.received_at?.N ?? 0) || 0;

async function readCheckpoint(file: string): Promise<number> {
  try {
    const value = JSON.parse(await readFile(file, "utf8")).checkpoint;
    if (!Number.isSafeInteger(value)) throw new Error(`${file} holds no checkpoint; delete it to re-archive everything`);
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

async function writeCheckpoint(file: string, checkpoint: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, `${JSON.stringify({ checkpoint, at: new Date(checkpoint).toISOString() })}\n`);
  await rename(`${file}.tmp`, file);
}

export function createArchiveFeeder(options: FeederOptions) {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const batchSize = options.batchSize ?? LOCAL_STREAM_READING.batchSize;
  const handedOver = new Map<string, number>(); // sequence number → received_at, within the overlap
  const giveUp = async (batch: GivenUp) => {
    await mkdir(path.dirname(options.failuresFile), { recursive: true });
    await appendFile(options.failuresFile, `${JSON.stringify({ at: new Date(now()).toISOString(), ...batch })}\n`);
    options.log?.(
      `archive: gave up on ${batch.batchSize} record(s) from ${batch.firstSequenceNumber} (${batch.reason}); see ${options.failuresFile}`,
    );
  };

  /** One pass: everything stored since the checkpoint (minus the overlap) → the archiver. */
  async function pass(): Promise<PassReport> {
    const startedAt = now();
    const checkpoint = await readCheckpoint(options.cursorFile);
    const from = Math.max(0, checkpoint - options.overlapMs);
    const records: ArchiverRecord[] = [];
    const pages = paginateScan(
      { client: options.db },
      {
        TableName: options.table,
        FilterExpression: "received_at >= :from",
        ExpressionAttributeValues: { ":from": { N: String(from) } },
      },
    );
    let read = 0;
    for await (const page of pages)
      for (const item of page.Items ?? []) {
        read++;
        const sequenceNumber = localSequenceNumber(receivedAtOf(item), item.session_id?.S ?? "", item.event_key?.S ?? "");
        if (handedOver.has(sequenceNumber)) continue;
        records.push({ eventName: "INSERT", dynamodb: { SequenceNumber: sequenceNumber, NewImage: item as StreamImage } });
      }
    records.sort((a, b) => compareSequence(a.dynamodb!.SequenceNumber!, b.dynamodb!.SequenceNumber!));
    let givenUp = 0;
    let batches = 0;
    for (let i = 0; i < records.length; i += batchSize) {
      batches++;
      await deliverBatch(records.slice(i, i + batchSize), {
        handler: options.handler,
        sleep,
        giveUp: async (batch) => {
          givenUp += batch.batchSize;
          await giveUp(batch);
        },
      });
    }
    for (const r of records) handedOver.set(r.dynamodb!.SequenceNumber!, Number(r.dynamodb!.SequenceNumber!.slice(0, 13)));
    for (const [seq, receivedAt] of handedOver) if (receivedAt < startedAt - 2 * options.overlapMs) handedOver.delete(seq);
    await writeCheckpoint(options.cursorFile, startedAt);
    return { read, delivered: records.length, batches, givenUp, checkpoint: startedAt };
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const windowMs = options.windowMs ?? LOCAL_STREAM_READING.maximumBatchingWindowInSeconds * 1000;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass()
        .then((r) => r.delivered && options.log?.(`archive: ${r.delivered} new event(s) archived in ${r.batches} batch(es)`))
        .catch((error: Error) => options.log?.(`archive: pass failed (${error.name}: ${error.message}); retrying next window`))
        .finally(schedule);
    }, windowMs);
  };
  return {
    pass,
    /** Starts a pass every batching window. */
    start() {
      schedule();
    },
    /** Stops the timer, waits for a running pass, then runs one last pass so nothing stored waits for the next start. */
    async stop(): Promise<PassReport> {
      stopped = true;
      clearTimeout(timer);
      await running;
      return pass();
    },
  };
}
