import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import type { DashboardPage } from "../../functions/stats/handler";
import { handleStats } from "../../functions/stats/handler";
import { bucketsOf } from "../../functions/stats/results";
import { duckdbStatsEngine } from "../../local/stats-engine";
import { archiveTraffic, generateTraffic, type ModelMetrics, modelMetrics, referrerHost, storedEvents, type TrafficEvent } from "./traffic";

const KEY = "k".repeat(43);
const START = Date.parse("2026-11-01T00:00:00Z");
const page: DashboardPage = { app: "<app>", login: "<login>" };

function expected(m: ModelMetrics) {
  return {
    pageviews: m.pageviews,
    visitors: m.visitors,
    sessions: m.sessions,
    bounced_sessions: m.bounced_sessions,
    bounce_rate: m.sessions ? Math.round((m.bounced_sessions / m.sessions) * 10_000) / 10_000 : 0,
    mean_session_duration_ms: m.sessions ? Math.round(m.duration_ms_total / m.sessions) : 0,
  };
}

async function withArchive<T>(
  events: TrafficEvent[],
  redeliver: TrafficEvent[],
  use: (ask: (q: Record<string, string>) => Promise<any>) => Promise<T>,
) {
  const dir = mkdtempSync(path.join(tmpdir(), "stats-exact-"));
  const engine = duckdbStatsEngine(dir);
  try {
    await archiveTraffic(dir, events, redeliver, 97);
    const deps = {
      engine,
      key: async () => KEY,
      rules: () => ({ retentionDays: 90, now: Date.parse("2026-11-20T00:00:00Z") }),
      readRealtime: async () => ({ site: "local", active_sessions: 0, active_users: 0, top_pages: [], generated_at: "" }),
      page,
    };
    const ask = async (query: Record<string, string>) => {
      const outcome = await handleStats(
        { method: "GET", path: "/stats", headers: { authorization: `Bearer ${KEY}` }, query, requestId: "t" },
        deps,
      );
      expect(outcome.result.statusCode, outcome.result.body).to.equal(200);
      return JSON.parse(outcome.result.body);
    };
    return await use(ask);
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const inBucket = (events: TrafficEvent[], start: string, ms: number) =>
  events.filter((e) => e.at >= Date.parse(start) && e.at < Date.parse(start) + ms);

function topBy(events: TrafficEvent[], keyOf: (e: TrafficEvent) => string | null, limit: number) {
  const groups = new Map<string | null, TrafficEvent[]>();
  for (const e of events) groups.set(keyOf(e), [...(groups.get(keyOf(e)) ?? []), e]);
  return [...groups]
    .map(([value, es]) => ({
      value,
      pageviews: es.filter((e) => e.type === "page_view").length,
      visitors: new Set(es.map((e) => e.user)).size,
      events: es.length,
    }))
    .sort(
      (a, b) =>
        b.pageviews - a.pageviews ||
        b.events - a.events ||
        (a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
    )
    .slice(0, limit);
}

describe("stats: the numbers equal counts computed from the stored events (DuckDB over archived files with redeliveries)", function () {
  this.timeout(120_000);

  it("aggregate, timeseries by day and hour, and every breakdown, for any traffic, range and redelivery", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 12 }),
        async (seed, visitors, fromOffset, span, limit) => {
          const events = generateTraffic(seed, visitors, START, 6);
          const redeliver = events.filter((_, i) => i % 3 === seed % 3);
          const from = new Date(START + fromOffset * 86_400_000).toISOString().slice(0, 10);
          const to = new Date(START + (fromOffset + span) * 86_400_000).toISOString().slice(0, 10);
          await withArchive(events, redeliver, async (ask) => {
            for (const site of ["site-a", "site-b"]) {
              const stored = storedEvents(events, site, from, to);
              const aggregate = await ask({ site, from, to, view: "aggregate" });
              expect(aggregate).to.deep.include({ site, from, to, view: "aggregate", ...expected(modelMetrics(stored)) });
              const latest = stored.length ? new Date(Math.max(...stored.map((e) => e.at + 40))).toISOString() : null;
              expect(aggregate.data_until).to.equal(latest);
              for (const [interval, ms] of [
                ["day", 86_400_000],
                ["hour", 3_600_000],
              ] as const) {
                const series = await ask({ site, from, to, view: "timeseries", interval });
                expect(series.buckets).to.deep.equal(
                  bucketsOf(from, to, interval).map((bucket) => ({ bucket, ...expected(modelMetrics(inBucket(stored, bucket, ms))) })),
                );
              }
              const dims = {
                page: [stored.filter((e) => e.page), (e: TrafficEvent) => e.page ?? null],
                referrer: [stored, (e: TrafficEvent) => referrerHost(e.referrer)],
                event_type: [stored, (e: TrafficEvent) => e.type],
              } as const;
              for (const [by, [subset, value]] of Object.entries(dims)) {
                const breakdown = await ask({ site, from, to, view: "breakdown", by, limit: String(limit) });
                expect(breakdown.rows, by).to.deep.equal(topBy([...subset], value, limit));
              }
            }
          });
        },
      ),
      { numRuns: 6 },
    );
  });

  it("answers zeros (every bucket) for a site with no archive at all", async () => {
    await withArchive([], [], async (ask) => {
      const series = await ask({ site: "site-a", from: "2026-11-02", to: "2026-11-03", view: "timeseries", interval: "day" });
      expect(series.buckets.map((b: { bucket: string; sessions: number }) => [b.bucket, b.sessions])).to.deep.equal([
        ["2026-11-02T00:00:00.000Z", 0],
        ["2026-11-03T00:00:00.000Z", 0],
      ]);
      expect(series.data_until).to.equal(null);
    });
  });
});
