/** `npm run bench [-- --json <file>] [--quick]`: all four benchmarks on one in-process dynalite. */
import { writeFileSync } from "node:fs";
import { trackerAsset } from "../../components/tracker-asset";
import { startDynamo } from "../../tests/support/dynalite";
import { coldStart } from "./cold-start";
import { CostBreakdown, CostInputs, costPerMillionEvents, NAIVE_BASELINE, renderBreakdown } from "./cost";
import { PRICES, PRICES_AS_OF } from "./prices";
import { markdownTable } from "./report";
import { readStackConfig } from "./stacks";
import { log } from "./stats";
import { collectorVsFloor } from "./throughput";
import { writeUnitsPerEvent } from "./write-units";

/** Billed duration assumed for a 10-event invocation on AWS (PRICES.md): dynalite's timings are not DynamoDB's. */
export const ASSUMED_DURATION_MS = 30;

const priceText = (p: { usd: number; per: string; source: string }) =>
  `${p.usd < 0.001 ? `$${Number((p.usd * 1e6).toPrecision(6))} per million` : `$${p.usd} per`} ${p.per} (${p.source})`;

export function parseArgs(argv: string[]): { json?: string; quick: boolean } {
  const out: { json?: string; quick: boolean } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--quick") out.quick = true;
    else if (argv[i] === "--json" && argv[i + 1]) out.json = argv[++i];
    else throw new Error(`bench: unknown or incomplete option "${argv[i]}"; use --json <file> and/or --quick`);
  }
  return out;
}

function stackCost(stack: string, wruPerEvent: number, logBytes: number): CostBreakdown {
  const cfg = readStackConfig(stack);
  const inputs: CostInputs = { name: stack, eventsPerRequest: 10, architecture: cfg.architecture, memoryMb: cfg.memorySize,
    durationMs: ASSUMED_DURATION_MS, writeUnitsPerEvent: wruPerEvent, putMetricDataPerEvent: 0, appLogBytesPerRequest: logBytes };
  return costPerMillionEvents(inputs);
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const dynamo = await startDynamo();
  try {
    log(`in-process dynalite at ${dynamo.endpoint}${args.quick ? " (quick)" : ""}`);
    const throughput = await collectorVsFloor(dynamo, { requests: args.quick ? 80 : 300, inFlight: 8, eventsPerRequest: 10, sessionsPerRequest: 3, rounds: args.quick ? 1 : 3 });
    const cold = await coldStart(dynamo, args.quick ? 3 : 7);
    log("write units, batch_1 and batch_10 (20 visitors × 10 requests)");
    const batch1 = await writeUnitsPerEvent(dynamo, 1);
    const batch10 = await writeUnitsPerEvent(dynamo, 10);
    const costs = [stackCost("dev", batch10.write_units_per_event, cold.log_line_bytes), stackCost("prod", batch10.write_units_per_event, cold.log_line_bytes), costPerMillionEvents(NAIVE_BASELINE)];
    const assumptions = [
      `prices: ${PRICES_AS_OF}; ${Object.values(PRICES).map(priceText).join("; ")}`,
      `dev/prod: 10 events per request, ${ASSUMED_DURATION_MS} ms billed per invocation (assumed, not measured: dynalite is not DynamoDB), memory/architecture from Pulumi.<stack>.yaml, WRU/event = measured batch_10, app log line = measured ${cold.log_line_bytes} B, no PutMetricData (metrics come from log filters), INIT excluded (< 1% of invocations)`,
      "naive_baseline: 1 event/request, x86_64 512 MB at 134 ms, 3 WRU/event, 2 PutMetricData/event, 200 B app log line",
    ];
    for (const c of costs) process.stderr.write(renderBreakdown(c) + "\n");
    const result = {
      collector_vs_floor: throughput,
      cold_start: cold,
      write_units_per_event: { batch_1: batch1, batch_10: batch10 },
      cost_per_million_events_usd: Object.fromEntries(costs.map((c) => [c.name, { total: Math.round(c.totalUsd * 10000) / 10000, lines: c.lines }])),
      cost_assumptions: assumptions,
      tracker_gzip_bytes: trackerAsset().gzip.length,
    };
    if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 2) + "\n");
    process.stdout.write(markdownTable(result) + "\n");
    process.stdout.write(`Tracker: /tracker.js is ${result.tracker_gzip_bytes} B gzipped (zlib level 9; budget 2048 B).\n`);
    return 0;
  } finally {
    await dynamo.close();
  }
}
