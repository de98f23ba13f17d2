/**
 * `npm run bench:stats [-- --events N] [--rounds N] [--json <file>]` (also a step of `npm run bench`):
 * one generated month (default 1,000,000 events over 30 days, 2 sites, returning visitors) archived
 * as local mode archives it (one file per ~10,000 events, as archiver batches, 1 % redelivered),
 * then each /stats view of one dashboard load run `rounds` times through the DuckDB engine:
 * latency p50/p99 per view, and the bytes each query scans: the compressed size of the column
 * chunks it needs in the files of its days (DuckDB's parquet_metadata; what Athena reads and bills
 * for a Parquet table), cross-checked with DuckDB's own profile (`total_bytes_read`, first run,
 * file cache off) → the Athena cost per dashboard load ($5 per TB scanned, 10 MB minimum per
 * query, PRICES.md).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { DuckDBInstance } from "@duckdb/node-api";
import { ARCHIVE_COLUMNS } from "../../contracts/archive";
import { duckdbArchiveSource, eventsViewSql } from "../../functions/archive/query-sql";
import { parseStatsQuery, type StatsQuery } from "../../functions/stats/params";
import { statsSql } from "../../functions/stats/sql";
import { parseCommandLine, runCli, stringOption } from "../../lib/cli";
import { archiveTraffic, generateTraffic } from "./traffic";

export const ATHENA_USD_PER_TB = 5;
export const ATHENA_MIN_BYTES = 10 * 1_000_000;
const TB = 1e12;
const DAY = 86_400_000;

export const USAGE = `Usage: npm run bench:stats -- [--events N] [--rounds N] [--json <file>]

Generates one month of traffic (default 1,000,000 events), archives it as Parquet, and runs the
five queries of one dashboard load through DuckDB: p50/p99 latency per view, bytes read per query,
and the Athena cost per dashboard load computed from those bytes ($5/TB, 10 MB minimum per query).
`;

const log = (m: string) => process.stderr.write(`[bench:stats] ${m}\n`);
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

async function generate(dir: string, events: number) {
  const perDay = Math.round(events / 30 / 6); // ~6 events per visitor (generateTraffic's mean)
  const start = Date.parse("2026-11-01T00:00:00Z");
  let total = 0;
  for (let d = 0; d < 30; d++) {
    const day = generateTraffic(1000 + d, perDay, start + d * DAY, 1, `d${d}_`).filter((e) => e.at < start + 30 * DAY);
    await archiveTraffic(
      dir,
      day,
      day.filter((_, i) => i % 100 === 0),
      10_000,
    );
    total += day.length;
    if (d % 5 === 4) log(`archived ${d + 1}/30 days (${total.toLocaleString("en")} events)`);
  }
  return total;
}

/** One dashboard load's queries (the page's four plus a day-interval series). */
export function dashboardQueries(site: string): Record<string, StatsQuery> {
  const rules = { retentionDays: 90, now: Date.parse("2026-12-01T00:00:00Z") };
  const q = (p: Record<string, string>) => parseStatsQuery({ site, from: "2026-11-01", to: "2026-11-30", ...p }, rules);
  return {
    aggregate: q({ view: "aggregate" }),
    timeseries_day: q({ view: "timeseries", interval: "day" }),
    timeseries_hour: q({ view: "timeseries", interval: "hour" }),
    breakdown_page: q({ view: "breakdown", by: "page" }),
    breakdown_referrer: q({ view: "breakdown", by: "referrer" }),
  };
}

/** The file columns a query needs: those it names, plus what the view's dedup reads. */
export function columnsRead(sql: string): string[] {
  const named = new Set([...sql.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]));
  for (const c of ["site_id", "session_id", "event_key", "received_at"]) named.add(c);
  return ARCHIVE_COLUMNS.map((c) => c.name).filter((c) => named.has(c));
}

async function scannedBytes(c: import("@duckdb/node-api").DuckDBConnection, dir: string, q: StatsQuery, sql: string): Promise<number> {
  const columns = columnsRead(sql)
    .map((n) => `'${n}'`)
    .join(", ");
  const glob = `${dir}/events/*/*.parquet`;
  const reader = await c.runAndReadAll(
    `SELECT sum(total_compressed_size)::BIGINT FROM parquet_metadata('${glob}') WHERE path_in_schema IN (${columns}) AND regexp_extract(file_name, 'dt=([0-9-]+)', 1) BETWEEN '${q.from}' AND '${q.to}'`,
  );
  return Number(reader.getRows()[0][0]);
}

/** DuckDB's own count of bytes read, on a fresh instance with its file cache off (a cached run reads 0). */
async function profiledBytes(dir: string, sql: string): Promise<number> {
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  try {
    await c.run("SET enable_external_file_cache = false");
    await c.run(eventsViewSql(duckdbArchiveSource(dir)));
    const profile = path.join(dir, "profile.json");
    await c.run("PRAGMA enable_profiling = 'json'");
    await c.run(`SET profiling_output = '${profile}'`);
    await c.runAndReadAll(sql);
    await c.run("PRAGMA disable_profiling");
    return Number(JSON.parse(readFileSync(profile, "utf8")).total_bytes_read);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

interface ViewFigures {
  p50_ms: number;
  p99_ms: number;
  scanned_bytes: number;
  duckdb_bytes_read: number;
  athena_billed_bytes: number;
}

async function measure(dir: string, rounds: number) {
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  await c.run(eventsViewSql(duckdbArchiveSource(dir)));
  const results: Record<string, ViewFigures> = {};
  for (const [view, query] of Object.entries(dashboardQueries("site-a"))) {
    const sql = statsSql(query);
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await c.runAndReadAll(sql);
      times.push(performance.now() - t);
    }
    const scanned = await scannedBytes(c, dir, query, sql);
    const round1 = (x: number) => Math.round(x * 10) / 10;
    results[view] = {
      p50_ms: round1(percentile(times, 50)),
      p99_ms: round1(percentile(times, 99)),
      scanned_bytes: scanned,
      duckdb_bytes_read: await profiledBytes(dir, sql),
      athena_billed_bytes: Math.max(scanned, ATHENA_MIN_BYTES),
    };
    log(
      `${view}: p50 ${results[view].p50_ms} ms, p99 ${results[view].p99_ms} ms, ${scanned.toLocaleString("en")} B of column chunks (DuckDB read ${results[view].duckdb_bytes_read.toLocaleString("en")} B)`,
    );
  }
  c.closeSync();
  instance.closeSync();
  return results;
}

export async function statsBench(options: { events: number; rounds: number }) {
  const dir = mkdtempSync(path.join(tmpdir(), "stats-bench-"));
  try {
    log(`generating ${options.events.toLocaleString("en")} events over 30 days in ${dir}`);
    const events = await generate(dir, options.events);
    const views = await measure(dir, options.rounds);
    // The page loads aggregate, the chosen series, top pages and top referrers: four queries.
    const load = ["aggregate", "timeseries_day", "breakdown_page", "breakdown_referrer"];
    const scanned = load.reduce((sum, v) => sum + views[v].scanned_bytes, 0);
    const billed = load.reduce((sum, v) => sum + views[v].athena_billed_bytes, 0);
    return {
      events,
      rounds: options.rounds,
      views,
      dashboard_load: {
        queries: load,
        scanned_bytes: scanned,
        athena_billed_bytes: billed,
        athena_usd: (billed / TB) * ATHENA_USD_PER_TB,
        athena_usd_without_minimum: (scanned / TB) * ATHENA_USD_PER_TB,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type StatsBenchResult = Awaited<ReturnType<typeof statsBench>>;

/** A markdown table of the figures, as `npm run bench` prints them. */
export function renderStatsBench(r: StatsBenchResult): string {
  const rows = Object.entries(r.views).map(([view, v]) => `| ${view} | ${v.p50_ms} | ${v.p99_ms} | ${v.scanned_bytes} |`);
  return [
    `Stats over ${r.events} events (one month), ${r.rounds} runs per view, DuckDB:`,
    "",
    "| view | p50 ms | p99 ms | bytes scanned |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    `Dashboard load (${r.dashboard_load.queries.join(", ")}): ${r.dashboard_load.scanned_bytes} B scanned → Athena $${r.dashboard_load.athena_usd.toFixed(6)} ($${ATHENA_USD_PER_TB}/TB, 10 MB minimum per query).`,
  ].join("\n");
}

async function main(argv: string[]) {
  const parsed = parseCommandLine(argv, { events: { type: "string" }, rounds: { type: "string" }, json: { type: "string" } });
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const events = Number(stringOption(parsed.values, "events") ?? 1_000_000);
  const rounds = Number(stringOption(parsed.values, "rounds") ?? 20);
  if (!Number.isInteger(events) || events < 1000) throw new Error("--events must be a whole number of at least 1000");
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds must be a whole number of at least 1");
  const result = await statsBench({ events, rounds });
  const json = stringOption(parsed.values, "json");
  if (json) {
    require("node:fs").writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${path.resolve(json)}`);
  }
  process.stdout.write(`${renderStatsBench(result)}\n`);
  return 0;
}

if (require.main === module) void runCli("bench:stats", main);
