/**
 * The history archive's monthly cost at a given volume (SPEC §10, issue 19 part 9): the archiver
 * (invocations, duration, its PutObjects and log lines), compaction (its run, GETs, LISTs and
 * PUTs), S3 storage of a full `eventRetentionDays` of Parquet, Athena scans of the shipped
 * query, EventBridge Scheduler; the stream reads (free to a Lambda event source mapping), the
 * failure queue (empty in steady state) and Glue (2 catalog objects, partitions projected: inside
 * the free million) are shown at $0 so the table says why. Pure; prices from ./prices.
 */
import { type CostLine, fmt } from "./cost";
import { BYTES_PER_GB, DAYS_PER_MONTH, PLATFORM_LOG_BYTES, PRICES } from "./prices";

export interface ArchiveCostInputs {
  readonly eventRetentionDays: number;
  readonly logRetentionDays: number;
  readonly architecture: "arm64" | "x86_64";
  /** The event source mapping's settings (liveinsight:archiveBatchSize, archiveBatchingWindowSeconds). */
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  /** Stream shards read in parallel, one batch each per window (assumed: a new on-demand table's 4 partitions). */
  readonly streamShards: number;
  readonly archiverMemoryMb: number;
  readonly compactionMemoryMb: number;
  /** Billed ms per archiver invocation besides encoding (assumed: a PutObject round trip and the log line). */
  readonly archiverBaseMs: number;
  /** Parquet encode rate (measured by npm run bench:archive); compaction decodes and re-encodes, priced at 3× encode. */
  readonly encodeEventsPerSecond: number;
  /** Bytes per event of a compacted day (measured): what the archive keeps. */
  readonly parquetBytesPerEvent: number;
  /** Bytes one "page views per day for 30 days" query scans per event of those 30 days (measured). */
  readonly scanBytesPerEvent: number;
  /** Such queries a month (assumed: a dashboard refreshed 100 times). */
  readonly queriesPerMonth: number;
  /** The archiver's own log line per invocation (bytes; the platform lines are added). */
  readonly archiverLogBytes: number;
}

const SECONDS_PER_MONTH = DAYS_PER_MONTH * 86_400;
/** Athena bills at least 10 MB per query (aws.amazon.com/athena/pricing). */
const ATHENA_MIN_BYTES = 10 * 1_048_576;
const BYTES_PER_TB = 1e12;

/**
 * Invocations a month: each shard's window with at least one record invokes once (Poisson
 * arrivals: 1 − e^(−λ) of windows), a full batch sooner (λ / batchSize).
 */
export function archiverInvocations(a: ArchiveCostInputs, eventsPerMonth: number): number {
  const windows = SECONDS_PER_MONTH / Math.max(a.batchingWindowSeconds, 1);
  const perShardWindow = eventsPerMonth / a.streamShards / windows;
  return a.streamShards * windows * Math.max(1 - Math.exp(-perShardWindow), perShardWindow / a.batchSize);
}

const gbSecondPrice = (arch: "arm64" | "x86_64") => (arch === "arm64" ? PRICES.lambdaGbSecondArm.usd : PRICES.lambdaGbSecondX86.usd);

export function archiveLines(a: ArchiveCostInputs, eventsPerMonth: number): CostLine[] {
  const invocations = archiverInvocations(a, eventsPerMonth);
  const eventsPerInvocation = eventsPerMonth / invocations;
  const archiverMs = a.archiverBaseMs + (eventsPerInvocation / a.encodeEventsPerSecond) * 1000;
  const archiverGbS = invocations * (archiverMs / 1000) * (a.archiverMemoryMb / 1024);
  const runs = DAYS_PER_MONTH;
  const compactionSeconds = (3 * eventsPerMonth) / a.encodeEventsPerSecond;
  const compactionGbS = compactionSeconds * (a.compactionMemoryMb / 1024);
  const compactedPuts = runs * Math.max(1, Math.ceil(eventsPerMonth / runs / 1e6));
  const storedGb = (eventsPerMonth * a.parquetBytesPerEvent * (a.eventRetentionDays / DAYS_PER_MONTH)) / BYTES_PER_GB;
  const scanned = Math.max(ATHENA_MIN_BYTES, a.scanBytesPerEvent * eventsPerMonth * (30 / DAYS_PER_MONTH));
  const logGb = (invocations * (PLATFORM_LOG_BYTES + a.archiverLogBytes)) / BYTES_PER_GB;
  const put = PRICES.s3PutRequest.usd;
  const get = PRICES.s3GetRequest.usd;
  const usd = (n: number) => `$${fmt(n)}`;
  return [
    {
      item: "Archiver invocations",
      arithmetic: `${fmt(invocations)} inv (${a.streamShards} shards, ${a.batchingWindowSeconds} s window, batch ${a.batchSize}) × ${usd(PRICES.lambdaRequest.usd * 1e6)}/M`,
      usd: invocations * PRICES.lambdaRequest.usd,
    },
    {
      item: `Archiver duration (${a.architecture})`,
      arithmetic: `${fmt(invocations)} × ${fmt(archiverMs)} ms × ${a.archiverMemoryMb}/1024 GB = ${fmt(archiverGbS)} GB-s`,
      usd: archiverGbS * gbSecondPrice(a.architecture),
    },
    { item: "Archive PUTs", arithmetic: `${fmt(invocations)} objects × ${usd(put * 1000)}/1000`, usd: invocations * put },
    {
      item: "Compaction",
      arithmetic: `${fmt(runs)} runs, ${fmt(compactionGbS)} GB-s; GET ${fmt(invocations)}, LIST ${fmt(runs)}, PUT ${fmt(compactedPuts)}`,
      usd:
        runs * PRICES.lambdaRequest.usd + compactionGbS * gbSecondPrice(a.architecture) + invocations * get + (runs + compactedPuts) * put,
    },
    {
      item: "Archive storage (S3)",
      arithmetic: `${fmt(eventsPerMonth)} ev × ${a.parquetBytesPerEvent} B × ${a.eventRetentionDays} d/${DAYS_PER_MONTH} d = ${fmt(storedGb)} GB × ${usd(PRICES.s3StorageGbMonth.usd)}`,
      usd: storedGb * PRICES.s3StorageGbMonth.usd,
    },
    {
      item: "Athena scans",
      arithmetic: `${a.queriesPerMonth} × 30-day queries × ${fmt(scanned / 1e6)} MB (≥ 10 MB) × ${usd(PRICES.athenaScannedTb.usd)}/TB`,
      usd: (a.queriesPerMonth * scanned * PRICES.athenaScannedTb.usd) / BYTES_PER_TB,
    },
    {
      item: "Archiver logs",
      arithmetic: `${fmt(invocations)} × (${PLATFORM_LOG_BYTES} + ${a.archiverLogBytes}) B = ${fmt(logGb)} GB, ingested + ${a.logRetentionDays} d stored`,
      usd: logGb * PRICES.logsIngestionGb.usd + logGb * (a.logRetentionDays / DAYS_PER_MONTH) * PRICES.logsStorageGbMonth.usd,
    },
    {
      item: "Scheduler",
      arithmetic: `${fmt(runs)} invocations × ${usd(PRICES.schedulerInvocation.usd * 1e6)}/M`,
      usd: runs * PRICES.schedulerInvocation.usd,
    },
    { item: "Stream reads", arithmetic: "read by a Lambda event source mapping: free", usd: 0 },
    { item: "Failure queue (SQS)", arithmetic: "empty in steady state; $0.40/M requests when batches fail", usd: 0 },
    { item: "Glue Data Catalog", arithmetic: "2 objects (partitions projected), < 1 M requests: free tier", usd: 0 },
  ];
}

/**
 * Measured by the runtime's bench (branch `archive`, `npm run bench:archive -- --seconds 20`, on
 * the shared 2-core machine, 2026-12-08): encode rate of stream images → Parquet, bytes per event
 * of a compacted day (535 B per DynamoDB item for the same events), and the bytes "page views
 * per day for 30 days" read from a generated month (153,060 B for 600,000 events).
 */
export const ARCHIVE_MEASURED = {
  encodeEventsPerSecond: 8734,
  parquetBytesPerEvent: 39,
  scanBytesPerEvent: 153_060 / 600_000,
} as const;

/** Not measurable without AWS; each one is stated where the bench prints its assumptions. */
export const ARCHIVE_ASSUMED = {
  streamShards: 4,
  archiverBaseMs: 100,
  queriesPerMonth: 100,
  archiverLogBytes: 300,
} as const;
