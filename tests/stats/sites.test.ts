/**
 * Two sites in one archive: every /stats view for site A counts A's events only and B's only B's,
 * on DuckDB (local mode) and through the Athena engine (real AthenaClient, Athena emulated at its
 * HTTP layer, tests/support/athena-memory.ts), against counts computed from the events alone
 * (tests/stats/model.ts). The traffic has sessions that exist under both sites with the same
 * session, user and event ids (ids are chosen by clients, so nothing stops two sites sharing one),
 * which a query that lost its site filter or deduplicated across sites would miscount.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { siteTable } from "../../functions/core/admission";
import { athenaRelation, athenaStatsEngine } from "../../functions/stats/athena";
import type { StatsEngine } from "../../functions/stats/engine";
import { duckdbStatsEngine } from "../../local/stats-engine";
import { memoryAthena } from "../support/athena-memory";
import { type Ask, statsAsker } from "./ask";
import { expectedMetrics, expectedView, type ViewParams } from "./model";
import { archiveTraffic, generateTraffic, modelMetrics, storedEvents, type TrafficEvent } from "./traffic";

const START = Date.parse("2026-11-01T00:00:00Z");
const NOW = Date.parse("2026-11-20T00:00:00Z");
const RANGE = { from: "2026-11-01", to: "2026-11-04" };
const SITES = ["site-a", "site-b"] as const;
const sites = siteTable(
  SITES.map((id) => ({ id, hosts: [`${id}.example`], allowServer: false })),
  "site-a",
);
const VIEWS: ViewParams[] = [
  { view: "aggregate" },
  { view: "timeseries", interval: "day" },
  { view: "timeseries", interval: "hour" },
  { view: "breakdown", by: "page", limit: 100 },
  { view: "breakdown", by: "referrer", limit: 100 },
  { view: "breakdown", by: "event_type", limit: 100 },
];
const asQuery = (p: ViewParams): Record<string, string> =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)])) as Record<string, string>;

/** generateTraffic's two sites, plus every third site-a session copied under site-b with the same ids. */
function twoSiteTraffic(seed: number) {
  const base = generateTraffic(seed, 90, START, 4);
  const sessionsOfA = [...new Set(base.filter((e) => e.site === "site-a").map((e) => e.session))];
  const mirroredSessions = new Set(sessionsOfA.filter((_, i) => i % 3 === 0));
  const mirrored = base.filter((e) => mirroredSessions.has(e.session)).map((e) => ({ ...e, site: "site-b" }));
  return { events: [...base, ...mirrored], mirrored };
}

/** The engines under test, each over the archive directory. */
const ENGINES: { name: string; open: (dir: string) => { engine: StatsEngine; relation?: string; close(): void } }[] = [
  {
    name: "DuckDB (local mode)",
    open: (dir) => {
      const engine = duckdbStatsEngine(dir);
      return { engine, close: () => engine.close() };
    },
  },
  {
    name: "Athena (emulated at its HTTP layer)",
    open: (dir) => {
      const athena = memoryAthena(dir, "liveinsight_test", "events", { runningPolls: 1 }, 50);
      const engine = athenaStatsEngine({
        client: athena.client(),
        workgroup: "wg",
        database: "liveinsight_test",
        table: "events",
        remainingMs: () => 25_000,
        sleep: async () => undefined,
      });
      return { engine, relation: athenaRelation("liveinsight_test", "events"), close: () => undefined };
    },
  },
];

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const count = (events: readonly TrafficEvent[], keep: (e: TrafficEvent) => boolean) => events.filter(keep).length;

describe("stats: two sites in one archive, each answered from its own events only", function () {
  this.timeout(120_000);
  const { events, mirrored } = twoSiteTraffic(20261208);
  const stored = Object.fromEntries(SITES.map((s) => [s, storedEvents(events, s, RANGE.from, RANGE.to)])) as Record<
    (typeof SITES)[number],
    TrafficEvent[]
  >;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "stats-sites-"));
    await archiveTraffic(
      dir,
      events,
      events.filter((_, i) => i % 4 === 1),
      61,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("has traffic that can tell the sites apart: shared ids under both, different totals", () => {
    expect(mirrored.length).to.be.greaterThan(20);
    const [a, b] = SITES.map((s) => modelMetrics(stored[s]));
    expect(a.pageviews).to.be.greaterThan(0);
    expect(b.pageviews).to.be.greaterThan(0);
    expect(a.pageviews).not.to.equal(b.pageviews);
  });

  for (const { name, open } of ENGINES) {
    describe(name, () => {
      let opened: ReturnType<(typeof ENGINES)[number]["open"]>;
      let ask: Ask;
      before(() => {
        opened = open(dir);
        ask = statsAsker(opened.engine, { relation: opened.relation, sites, now: NOW });
      });
      after(() => opened.close());

      it("answers every view for each site exactly as that site's events alone give", async () => {
        for (const p of VIEWS)
          for (const site of SITES) {
            const answer = await ask({ site, ...RANGE, ...asQuery(p) });
            expect(answer, `${site} ${JSON.stringify(p)}`).to.deep.include({
              site,
              ...RANGE,
              view: p.view,
              ...expectedView(stored[site], RANGE.from, RANGE.to, p),
            });
          }
      });

      it("adds up to the stack: page views per day and events per type of A and B sum to all stored events, shared sessions once per site", async () => {
        const all = [...stored["site-a"], ...stored["site-b"]];
        const [a, b] = await Promise.all(SITES.map((site) => ask({ site, ...RANGE, view: "aggregate" })));
        expect(a.pageviews + b.pageviews).to.equal(count(all, (e) => e.type === "page_view"));
        // Sessions are per site: a session id under both sites is one session of each.
        const pairs = new Set(all.map((e) => `${e.site}|${e.session}`));
        expect(a.sessions + b.sessions).to.equal(pairs.size);
        expect(new Set(all.map((e) => e.session)).size).to.be.lessThan(pairs.size);

        const [seriesA, seriesB] = await Promise.all(SITES.map((site) => ask({ site, ...RANGE, view: "timeseries", interval: "day" })));
        const perDay = seriesA.buckets.map(
          (bucket: { bucket: string; pageviews: number }, i: number) => bucket.pageviews + seriesB.buckets[i].pageviews,
        );
        expect(perDay).to.deep.equal(
          seriesA.buckets.map((bucket: { bucket: string }) =>
            count(all, (e) => e.type === "page_view" && dayOf(e.at) === bucket.bucket.slice(0, 10)),
          ),
        );

        const [typesA, typesB] = await Promise.all(
          SITES.map((site) => ask({ site, ...RANGE, view: "breakdown", by: "event_type", limit: "100" })),
        );
        const eventsOf = (rows: { value: string; events: number }[], type: string) => rows.find((r) => r.value === type)?.events ?? 0;
        for (const type of ["page_view", "click"])
          expect(eventsOf(typesA.rows, type) + eventsOf(typesB.rows, type), type).to.equal(count(all, (e) => e.type === type));
      });
    });
  }

  it("property: for any assignment of events to the two sites, A's and B's page views are each the brute-force count and sum to the total", async () => {
    const assigned = fc.integer({ min: 1, max: 1_000_000 }).chain((seed) => {
      const base = generateTraffic(seed, 25, START, 2);
      return fc.tuple(
        fc.constant(base),
        fc.array(fc.constantFrom(...SITES), { minLength: base.length, maxLength: base.length }),
        fc.integer({ min: 0, max: 3 }),
      );
    });
    await fc.assert(
      fc.asyncProperty(assigned, async ([base, siteOf, redeliverEvery]) => {
        const events = base.map((e, i) => ({ ...e, site: siteOf[i] }));
        const propertyDir = mkdtempSync(path.join(tmpdir(), "stats-sites-prop-"));
        const engine = duckdbStatsEngine(propertyDir);
        try {
          // A redelivered copy is the same event: it keeps its site.
          await archiveTraffic(
            propertyDir,
            events,
            events.filter((_, i) => i % 4 === redeliverEvery),
            37,
          );
          const ask = statsAsker(engine, { sites, now: NOW });
          // Two days of traffic, and the sessions that run past midnight into a third.
          const range = { from: "2026-11-01", to: "2026-11-03" };
          const inRange = (e: TrafficEvent) => dayOf(e.at) >= range.from && dayOf(e.at) <= range.to;
          const answers = await Promise.all(SITES.map((site) => ask({ site, ...range, view: "aggregate" })));
          SITES.forEach((site, i) => {
            const brute = count(events, (e) => e.site === site && e.type === "page_view" && inRange(e));
            expect(answers[i].pageviews, site).to.equal(brute);
            expect(answers[i], site).to.deep.include(expectedMetrics(modelMetrics(storedEvents(events, site, range.from, range.to))));
          });
          expect(answers[0].pageviews + answers[1].pageviews).to.equal(count(events, (e) => e.type === "page_view" && inRange(e)));
          expect(count(events, inRange)).to.equal(events.length);
        } finally {
          engine.close();
          rmSync(propertyDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 12 },
    );
  });
});
