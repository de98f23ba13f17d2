/** `npm run bench [-- --json <file>] [--quick]`: every benchmark on one in-process dynalite. Not part of `npm test`. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { trackerAsset } from "../../components/tracker-asset";
import { parseCommandLine, runCli, stringOption } from "../../lib/cli";
import { LOCAL_STREAM_READING } from "../../local/stream-reading";
import { type ArchiveBenchPlan, archiveFigures } from "../archive/lag-bench";
import { renderStatsBench, statsBench } from "../stats/stats-bench";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { allInMonthly, type MonthlyCost, renderMonthly } from "./all-in";
import { ARCHIVE_ASSUMED, ARCHIVE_MEASURED } from "./archive-cost";
import { coldStart } from "./cold-start";
import { costPerMillionEvents, NAIVE_BASELINE, renderBreakdown } from "./cost";
import { hostileInput } from "./hostile";
import { measureItemSizes } from "./item-sizes";
import { manySessions } from "./many-sessions";
import { PRICES, PRICES_AS_OF } from "./prices";
import { realtimeReadsAtScale } from "./realtime-reads";
import { archiveTableRows, markdownTable, summary } from "./report";
import { type MeasuredInputs, stackCostInputs } from "./stacks";
import { log, round } from "./stats";
import { collectorVsFloor } from "./throughput";
import { writeUnitsPerEvent } from "./write-units";

/** Billed duration assumed for a 10-event invocation on AWS (docs/prices.md): dynalite's timings are not DynamoDB's. */
const ASSUMED_DURATION_MS = 30;

const priceText = (p: { usd: number; per: string; source: string }) =>
  `${p.usd < 0.001 ? `$${Number((p.usd * 1e6).toPrecision(6))} per million` : `$${p.usd} per`} ${p.per} (${p.source})`;

export const USAGE = `Usage: npm run bench -- [--json <file>] [--quick]

Runs every benchmark in one process against an in-process dynalite and prints a markdown table
(stdout) and the cost arithmetic line by line (stderr):
  collector vs floor, cold start, hostile-input refusal, write units per event, the
  100-sessions × 1-event batch (latency per request, write units), tracker size,
  item sizes, realtime read units for one site among ten, the archive in local mode (Parquet bytes
  per event, lag from the 200 to queryable in DuckDB, bytes a 30-day page-view query scans in a
  generated month), the cost per million events (ingest, and all-in at 1 M / 10 M / 100 M events a
  month, dev and prod), and the stats queries over one generated month (latency per view, bytes
  scanned, Athena cost per dashboard load; npm run bench:stats alone).
  --json <file>  also write every figure to <file> (directories are created; the path is printed)
  --quick        fewer rounds, a smaller archive sample and a 2 s feeder window: a smoke run, not figures to quote
`;

/** The archive bench's share (tests/archive/lag-bench.ts): the full run uses local mode's batching window. */
export const ARCHIVE_PLAN: Record<"full" | "quick", ArchiveBenchPlan> = {
  full: { sizeRequests: 2000, monthEventsPerDay: 20_000, lagSeconds: 40, windowS: LOCAL_STREAM_READING.maximumBatchingWindowInSeconds },
  quick: { sizeRequests: 200, monthEventsPerDay: 2_000, lagSeconds: 5, windowS: 2 },
};

/** The bench's options; `help` when --help was asked (nothing runs). */
export function parseArgs(argv: string[]): { help: true } | { help: false; json?: string; quick: boolean } {
  const parsed = parseCommandLine(argv, { json: { type: "string" }, quick: { type: "boolean" } });
  if (parsed.help) return { help: true };
  return { help: false, json: stringOption(parsed.values, "json"), quick: parsed.values.quick === true };
}

/** Events a month at which the all-in cost is shown. */
const VOLUMES = [1e6, 1e7, 1e8];

async function measure(dynamo: TestDynamo, quick: boolean) {
  log(`in-process dynalite at ${dynamo.endpoint}${quick ? " (quick)" : ""}`);
  const throughput = await collectorVsFloor(dynamo, {
    requests: quick ? 80 : 300,
    inFlight: 8,
    eventsPerRequest: 10,
    sessionsPerRequest: 3,
    rounds: quick ? 1 : 3,
  });
  const cold = await coldStart(dynamo, quick ? 3 : 7);
  const hostile = hostileInput(quick ? 3 : 7);
  log("write units, batch_1 and batch_10 (20 visitors × 10 requests)");
  const writeUnits = { batch_1: await writeUnitsPerEvent(dynamo, 1), batch_10: await writeUnitsPerEvent(dynamo, 10) };
  log("many_sessions: 100 sessions × 1 event per request");
  const many = await manySessions(dynamo, quick ? 3 : 20);
  log("item sizes: tracker-like traffic stored in dynalite, sized by DynamoDB's rules");
  const sizes = await measureItemSizes(dynamo);
  log("realtime read units per answer at 100, 10,000 and 100,000 active sessions");
  const realtimeReads = await realtimeReadsAtScale(dynamo);
  const archive = await archiveFigures(dynamo, ARCHIVE_PLAN[quick ? "quick" : "full"], (m) => log(`archive: ${m}`));
  return { throughput, cold, hostile, writeUnits, many, sizes, realtimeReads, archive };
}

/** The cost model on the measured figures: ingest per million events, all-in per month, and what it assumed. */
function price({ cold, writeUnits, sizes }: Measured) {
  const measured: MeasuredInputs = {
    writeUnitsPerEvent: writeUnits.batch_10.write_units_per_event,
    appLogBytesPerRequest: cold.log_line_bytes,
    billedDurationMs: ASSUMED_DURATION_MS,
    eventsPerRequest: 10,
    sizes,
  };
  const stacks = ["dev", "prod"].map((stack) => stackCostInputs(stack, measured));
  const costs = [...stacks.map((s) => s.ingestPerMillion), costPerMillionEvents(NAIVE_BASELINE)];
  const allIn: Record<string, MonthlyCost[]> = Object.fromEntries(stacks.map((s) => [s.stack, VOLUMES.map((v) => allInMonthly(s, v))]));
  const assumptions = [
    `prices: ${PRICES_AS_OF}; ${Object.values(PRICES).map(priceText).join("; ")}`,
    `dev/prod: 10 events per request, ${ASSUMED_DURATION_MS} ms billed per invocation (assumed, not measured: dynalite is not DynamoDB), memory/architecture from Pulumi.<stack>.yaml, WRU/event = measured batch_10, app log line = measured ${cold.log_line_bytes} B, access log line from the stage's format, no PutMetricData (metrics come from log filters), INIT excluded (< 1% of invocations)`,
    `all-in: steady state (a full hot and archive retention stored), item sizes measured (${sizes.method}), ${sizes.events_per_session} events per session, no free tier, realtime reads not included (they scale with viewers, not events)`,
    "naive_baseline: 1 event/request, x86_64 512 MB at 134 ms, 3 WRU/event, 2 PutMetricData/event, 200 B app log line",
    `archive: DynamoDB keeps hotRetentionDays, S3 keeps eventRetentionDays; measured by npm run bench:archive: ${ARCHIVE_MEASURED.parquetBytesPerEvent} B/event compacted, ${ARCHIVE_MEASURED.encodeEventsPerSecond} events/s encode, ${ARCHIVE_MEASURED.scanBytesPerEvent.toFixed(4)} B scanned per event by a 30-day page-view query; assumed: ${ARCHIVE_ASSUMED.streamShards} stream shards, ${ARCHIVE_ASSUMED.archiverBaseMs} ms per archiver invocation besides encoding, ${ARCHIVE_ASSUMED.queriesPerMonth} such queries a month, ${ARCHIVE_ASSUMED.archiverLogBytes} B archiver log line, compaction at 3× encode time`,
  ];
  return { costs, allIn, assumptions };
}

type Measured = Awaited<ReturnType<typeof measure>>;

/** Every figure, as `--json` writes it and the table reads it. */
function figures(m: Measured, { costs, allIn, assumptions }: ReturnType<typeof price>) {
  return {
    collector_vs_floor: m.throughput,
    cold_start: m.cold,
    hostile_input: m.hostile,
    write_units_per_event: m.writeUnits,
    realtime_read_units: m.realtimeReads,
    many_sessions: m.many,
    cost_per_million_events_usd: Object.fromEntries(costs.map((c) => [c.name, { total: round(c.totalUsd, 4), lines: c.lines }])),
    cost_assumptions: assumptions,
    item_sizes_bytes: m.sizes,
    archive: m.archive,
    tracker_gzip_bytes: trackerAsset().gzip.length,
    all_in_cost: Object.fromEntries(
      Object.entries(allIn).map(([stack, ms]) => [
        stack,
        ms.map((month) => ({
          events_per_month: month.eventsPerMonth,
          monthly_usd: round(month.monthlyUsd, 4),
          per_million_events_usd: round(month.perMillionUsd, 4),
          lines: month.lines,
        })),
      ]),
    ),
  };
}

export type BenchResult = ReturnType<typeof figures>;

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const dynamo = await startDynamo();
  try {
    const measured = await measure(dynamo, args.quick);
    const priced = price(measured);
    for (const c of priced.costs) process.stderr.write(`${renderBreakdown(c)}\n`);
    for (const months of Object.values(priced.allIn)) for (const m of months) process.stderr.write(`${renderMonthly(m)}\n`);
    log(`stats: one generated month (${args.quick ? "100,000" : "1,000,000"} events) through the DuckDB engine`);
    const stats = await statsBench({ events: args.quick ? 100_000 : 1_000_000, rounds: args.quick ? 3 : 10 });
    const result = { ...figures(measured, priced), stats };
    if (args.json) {
      const file = path.resolve(args.json);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      log(`figures written to ${file}`);
    }
    process.stdout.write(
      `${markdownTable(result)}\n\n${archiveTableRows(result.archive).join("\n")}\n\n${summary(result, priced.allIn)}\n\n${renderStatsBench(stats)}\n`,
    );
    return 0;
  } finally {
    await dynamo.close();
  }
}

if (require.main === module) void runCli("bench", main);
