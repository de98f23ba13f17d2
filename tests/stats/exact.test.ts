import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { duckdbStatsEngine } from "../../local/stats-engine";
import { type Ask, statsAsker } from "./ask";
import { expectedBreakdown, expectedBuckets, expectedDataUntil, expectedMetrics } from "./model";
import { archiveTraffic, generateTraffic, modelMetrics, storedEvents, type TrafficEvent } from "./traffic";

const START = Date.parse("2026-11-01T00:00:00Z");

async function withArchive<T>(events: TrafficEvent[], redeliver: TrafficEvent[], use: (ask: Ask) => Promise<T>) {
  const dir = mkdtempSync(path.join(tmpdir(), "stats-exact-"));
  const engine = duckdbStatsEngine(dir);
  try {
    await archiveTraffic(dir, events, redeliver, 97);
    return await use(statsAsker(engine, { now: Date.parse("2026-11-20T00:00:00Z") }));
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
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
              expect(aggregate).to.deep.include({ site, from, to, view: "aggregate", ...expectedMetrics(modelMetrics(stored)) });
              expect(aggregate.data_until).to.equal(expectedDataUntil(stored));
              for (const interval of ["day", "hour"] as const) {
                const series = await ask({ site, from, to, view: "timeseries", interval });
                expect(series.buckets).to.deep.equal(expectedBuckets(stored, from, to, interval));
              }
              for (const by of ["page", "referrer", "event_type"] as const) {
                const breakdown = await ask({ site, from, to, view: "breakdown", by, limit: String(limit) });
                expect(breakdown.rows, by).to.deep.equal(expectedBreakdown(stored, by, limit));
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
