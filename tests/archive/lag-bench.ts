/**
 * `npm run bench:archive [-- --seconds N] [--window-s S] [--json <file>]`: the archive's figures in
 * local mode, on one in-process dynalite, with tracker-like traffic through the real collector core:
 * - encode: stream images → rows → Parquet (the archiver's work), events per second, median of 5;
 * - size: Parquet bytes per event in batch objects (1,000 events) and in a compacted day, against
 *   the same events' DynamoDB item size (DynamoDB's sizing rules + 100 B);
 * - lag: acknowledged (the 200) → queryable (seen in DuckDB's `events` view), p50/p99/max, with the
 *   feeder on the mapping's batching window (default 30 s, as on AWS);
 * - scan: bytes a "page views per day for 30 days" query reads from a generated month of compacted
 *   days (the column chunks it needs, from the files' own metadata: what Athena bills as scanned).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type AttributeValue, paginateScan } from "@aws-sdk/client-dynamodb";
import { DuckDBInstance } from "@duckdb/node-api";
import { type ArchiverRecord, archiveBatch } from "../../functions/archive/archive-batch";
import { compactDay } from "../../functions/archive/compact";
import { directoryStore } from "../../functions/archive/fs-store";
import { dayOf } from "../../functions/archive/naming";
import { encodeParquet } from "../../functions/archive/parquet";
import { type ArchiveRow, rowOf, type StreamImage } from "../../functions/archive/row";
import { randomHex8 } from "../../functions/core/ids";
import { numberOption, parseCommandLine, runCli, stringOption } from "../../lib/cli";
import { createArchiveFeeder, localSequenceNumber } from "../../local/archive-feeder";
import { openArchiveQuery } from "../../local/archive-query";
import { LOCAL_STREAM_READING } from "../../local/stream-reading";
import { storedItemBytes } from "../bench/item-size";
import { round } from "../bench/stats";
import { BenchTraffic } from "../bench/traffic";
import { collect, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";

export const USAGE = `Usage: npm run bench:archive -- [--seconds <n>] [--window-s <s>] [--json <file>]

Measures the archive in local mode (in-process dynalite, the real collector core, archiver,
feeder and DuckDB) and prints a markdown table; progress goes to stderr.
  --seconds <n>   how long traffic runs for the lag measurement (default 75)
  --window-s <s>  the feeder's batching window (default ${LOCAL_STREAM_READING.maximumBatchingWindowInSeconds}, the event source mapping's)
  --json <file>   also write every figure to <file> (directories are created; the path is printed)
`;

const log = (message: string) => process.stderr.write(`bench:archive: ${message}\n`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Visitors of the generated traffic: enough that ids and pages repeat no more than on a small site. */
const VISITORS = 400;

/**
 * Tracker-like traffic through the collector core: 10 events per request from the tools' generator,
 * without event ids, so the collector mints them with random hex as it does for a tracker that
 * sends none; the acknowledged ids come from the 200's body.
 */
export async function storeTraffic(dynamo: TestDynamo, tag: string, at: (i: number) => number, onAck?: (ids: string[], t: number) => void) {
  const tables = await dynamo.freshTables();
  const deps = testDeps(dynamo.client(), tables, { retentionDays: 395, hex: randomHex8 });
  const traffic = new BenchTraffic(tag, VISITORS);
  return {
    tables,
    async send(i: number) {
      const now = at(i);
      const body = traffic.body([i % VISITORS, (i * 7 + 3) % VISITORS], 10, now);
      const out = await collect(deps, { events: body.events.map(({ event_id: _minted, ...rest }) => rest) }, now);
      if (out.result.statusCode !== 200) throw new Error(`collector answered ${out.result.statusCode}: ${out.result.body}`);
      onAck?.(out.json.event_ids as string[], Date.now());
    },
  };
}

export async function scanImages(dynamo: TestDynamo, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateScan({ client: dynamo.client() }, { TableName: table })) items.push(...(page.Items ?? []));
  return items;
}

const toRecord = (item: Record<string, AttributeValue>, i: number): ArchiverRecord => ({
  eventName: "INSERT",
  dynamodb: { SequenceNumber: localSequenceNumber(i, item.session_id?.S ?? "", item.event_key?.S ?? ""), NewImage: item as StreamImage },
});

/** Encode speed and bytes per event on `items` (what the collector stored). */
export function encodeFigures(items: Record<string, AttributeValue>[]) {
  const records = items.map(toRecord);
  const runs: number[] = [];
  let batchBytes = 0;
  for (let run = 0; run < 6; run++) {
    const started = performance.now();
    batchBytes = 0;
    for (let i = 0; i < records.length; i += LOCAL_STREAM_READING.batchSize)
      batchBytes += encodeParquet(records.slice(i, i + LOCAL_STREAM_READING.batchSize).map((r) => rowOf(r.dynamodb!.NewImage))).length;
    if (run > 0) runs.push(performance.now() - started); // the first warms the JIT
  }
  runs.sort((a, b) => a - b);
  const rows = records.map((r) => rowOf(r.dynamodb!.NewImage));
  const dayBytes = encodeParquet(rows).length;
  return {
    events: records.length,
    encode_ms_median: round(runs[2], 1),
    events_per_second: Math.round((records.length / runs[2]) * 1000),
    parquet_bytes_per_event_batch: round(batchBytes / records.length, 1),
    parquet_bytes_per_event_compacted: round(dayBytes / records.length, 1),
    dynamodb_item_bytes: round(items.reduce((n, it) => n + storedItemBytes(it), 0) / items.length, 1),
    rows,
  };
}

/** A month of compacted days from `template` rows (re-timed), and what page views per day for 30 days reads. */
export async function scanFigures(template: ArchiveRow[], eventsPerDay: number) {
  const dir = mkdtempSync(path.join(tmpdir(), "li-bench-month-"));
  try {
    const store = directoryStore(dir);
    const first = Date.UTC(2026, 10, 1);
    for (let d = 0; d < 30; d++) {
      const rows = Array.from({ length: eventsPerDay }, (_, i) => {
        const t = template[i % template.length];
        const timestamp = first + d * 86_400_000 + Math.floor((i * 86_400_000) / eventsPerDay);
        return { ...t, session_id: `${t.session_id}_${d}_${Math.floor(i / template.length)}`, timestamp, received_at: timestamp + 40 };
      });
      await store.put(`events/dt=${dayOf(first + d * 86_400_000)}/b-month.parquet`, encodeParquet(rows));
      await compactDay(store, dayOf(first + d * 86_400_000));
    }
    const instance = await DuckDBInstance.create(":memory:");
    const c = await instance.connect();
    const glob = path.join(dir, "events/*/*.parquet").replaceAll("'", "''");
    const chunk = await c.runAndReadAll(
      `SELECT sum(total_compressed_size)::BIGINT FROM parquet_metadata('${glob}') WHERE path_in_schema = 'event_type'`,
    );
    const files = await c.runAndReadAll(`SELECT sum(total_compressed_size)::BIGINT FROM parquet_metadata('${glob}')`);
    c.closeSync();
    instance.closeSync();
    const columnBytes = Number(chunk.getRows()[0][0]);
    const allBytes = Number(files.getRows()[0][0]);
    const events = 30 * eventsPerDay;
    return {
      month_events: events,
      query: "SELECT dt, count(*) FROM events WHERE event_type = 'page_view' AND dt BETWEEN <30 days> GROUP BY dt",
      bytes_scanned: columnBytes,
      bytes_scanned_per_million_events: Math.round((columnBytes / events) * 1e6),
      all_columns_bytes: allBytes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Traffic for `seconds` through the collector while the feeder runs; lag = first seen in the view − acknowledged. */
export async function lagFigures(dynamo: TestDynamo, seconds: number, windowMs: number) {
  const dir = mkdtempSync(path.join(tmpdir(), "li-bench-lag-"));
  const acked = new Map<string, number>();
  const seen = new Map<string, number>();
  const source = await storeTraffic(dynamo, `lag${Date.now()}`, Date.now, (ids, t) => {
    for (const id of ids) acked.set(id, t);
  });
  const store = directoryStore(path.join(dir, "archive"));
  const feeder = createArchiveFeeder({
    db: dynamo.client(),
    table: source.tables.events,
    handler: (event) => archiveBatch(event.Records, store),
    cursorFile: path.join(dir, "archive-stream.json"),
    failuresFile: path.join(dir, "archive-failures.jsonl"),
    overlapMs: 20_000,
    windowMs,
  });
  feeder.start();
  const until = Date.now() + seconds * 1000;
  let sent = 0;
  const sender = (async () => {
    while (Date.now() < until) {
      await source.send(sent++);
      await new Promise((r) => setTimeout(r, 50)); // ~20 requests (200 events) a second
    }
  })();
  const poll = async () => {
    const engine = await openArchiveQuery(path.join(dir, "archive"));
    try {
      const { rows } = await engine.query("SELECT event_id FROM events");
      const now = Date.now();
      for (const [id] of rows) if (!seen.has(String(id))) seen.set(String(id), now);
    } finally {
      engine.close();
    }
  };
  while (Date.now() < until + windowMs + 5_000 && (Date.now() < until || seen.size < acked.size)) {
    await poll();
    await new Promise((r) => setTimeout(r, 250));
  }
  await sender;
  await feeder.stop();
  await poll();
  rmSync(dir, { recursive: true, force: true });
  const lags = [...acked].map(([id, t]) => (seen.get(id) ?? Number.NaN) - t).sort((a, b) => a - b);
  const missing = lags.filter((l) => Number.isNaN(l)).length;
  const known = lags.filter((l) => !Number.isNaN(l));
  return {
    window_s: windowMs / 1000,
    acknowledged: acked.size,
    queryable: known.length,
    missing,
    lag_p50_ms: Math.round(percentile(known, 50)),
    lag_p99_ms: Math.round(percentile(known, 99)),
    lag_max_ms: Math.round(known[known.length - 1]),
  };
}

/** How much each part of the archive bench does: `npm run bench:archive` and `npm run bench` (full or --quick). */
export interface ArchiveBenchPlan {
  /** Requests of 10 events stored for the encode and size figures. */
  readonly sizeRequests: number;
  /** Events per generated compacted day (30 days) for the scan figure. */
  readonly monthEventsPerDay: number;
  /** Seconds of traffic for the lag figure. */
  readonly lagSeconds: number;
  /** The feeder's batching window, seconds. */
  readonly windowS: number;
}

/** encode, size, scan and lag on one dynalite, progress through `progress`. */
export async function archiveFigures(dynamo: TestDynamo, plan: ArchiveBenchPlan, progress = log) {
  progress(
    `storing ${plan.sizeRequests.toLocaleString("en")} requests × 10 events of tracker-like traffic (${VISITORS} visitors, a request every 2 s) through the collector core`,
  );
  const base = Date.UTC(2026, 11, 7, 9);
  const sized = await storeTraffic(dynamo, `size${Date.now()}`, (i) => base + i * 2_000);
  for (let i = 0; i < plan.sizeRequests; i++) await sized.send(i);
  const items = await scanImages(dynamo, sized.tables.events);
  progress(`encoding ${items.length} events (5 timed runs)`);
  const { rows, ...encode } = encodeFigures(items);
  progress(
    `a generated month (30 compacted days × ${plan.monthEventsPerDay.toLocaleString("en")} events): bytes the page-views-per-day query reads`,
  );
  const scan = await scanFigures(rows, plan.monthEventsPerDay);
  progress(`lag: ${plan.lagSeconds} s of traffic, feeder window ${plan.windowS} s, DuckDB polled every 250 ms`);
  const lag = await lagFigures(dynamo, plan.lagSeconds, plan.windowS * 1000);
  return { encode, scan, lag };
}

export type ArchiveFigures = Awaited<ReturnType<typeof archiveFigures>>;

/** The archive figures as markdown table rows (`| figure | value |`), as both benches print them. */
export function archiveRows({ encode, scan, lag }: ArchiveFigures): string[][] {
  return [
    [
      `encode (${encode.events} events, batches of ${LOCAL_STREAM_READING.batchSize})`,
      `${encode.events_per_second.toLocaleString("en")} events/s (median ${encode.encode_ms_median} ms)`,
    ],
    ["Parquet bytes/event, batch objects", `${encode.parquet_bytes_per_event_batch} B`],
    ["Parquet bytes/event, compacted day", `${encode.parquet_bytes_per_event_compacted} B`],
    ["DynamoDB item bytes/event (same events)", `${encode.dynamodb_item_bytes} B`],
    [
      `page views per day, 30 days, ${scan.month_events.toLocaleString("en")} events`,
      `${scan.bytes_scanned.toLocaleString("en")} B read (${scan.bytes_scanned_per_million_events.toLocaleString("en")} B per million events; all columns ${scan.all_columns_bytes.toLocaleString("en")} B)`,
    ],
    [
      `lag ack → queryable, window ${lag.window_s} s (${lag.acknowledged} events, ${lag.missing} missing)`,
      `p50 ${lag.lag_p50_ms} ms, p99 ${lag.lag_p99_ms} ms, max ${lag.lag_max_ms} ms`,
    ],
  ];
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { seconds: { type: "string" }, "window-s": { type: "string" }, json: { type: "string" } });
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const seconds = numberOption(parsed.values, "seconds", { min: 5, max: 3600 }, 75);
  const windowS = numberOption(parsed.values, "window-s", { min: 0.1, max: 300 }, LOCAL_STREAM_READING.maximumBatchingWindowInSeconds);
  const json = stringOption(parsed.values, "json");
  const dynamo = await startDynamo();
  try {
    const figures = await archiveFigures(dynamo, { sizeRequests: 2000, monthEventsPerDay: 20_000, lagSeconds: seconds, windowS });
    const table = ["| figure | value |", "|---|---|", ...archiveRows(figures).map((row) => `| ${row.join(" | ")} |`)].join("\n");
    process.stdout.write(`${table}\n`);
    if (json) {
      mkdirSync(path.dirname(path.resolve(json)), { recursive: true });
      writeFileSync(json, `${JSON.stringify(figures, null, 2)}\n`);
      log(`figures written to ${path.resolve(json)}`);
    }
    return figures.lag.missing === 0 ? 0 : 1;
  } finally {
    await dynamo.close();
  }
}

if (require.main === module) void runCli("bench:archive", main);
