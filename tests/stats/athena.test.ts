import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { athenaRelation, athenaStatsEngine, POLL } from "../../functions/stats/athena";
import { EngineUnavailableError } from "../../functions/stats/engine";
import { parseStatsQuery, type StatsQuery } from "../../functions/stats/params";
import { statsResponse } from "../../functions/stats/results";
import { statsSql } from "../../functions/stats/sql";
import { duckdbStatsEngine } from "../../local/stats-engine";
import { memoryAthena } from "../support/athena-memory";
import { archiveTraffic, generateTraffic } from "./traffic";

const START = Date.parse("2026-11-01T00:00:00Z");
const rules = { retentionDays: 90, now: Date.parse("2026-11-20T00:00:00Z") };
const DASHBOARD: Record<string, string>[] = [
  { view: "aggregate" },
  { view: "timeseries", interval: "hour" },
  { view: "breakdown", by: "page", limit: "10" },
  { view: "breakdown", by: "referrer", limit: "10" },
  { view: "breakdown", by: "event_type", limit: "3" },
];
const queryOf = (p: Record<string, string>): StatsQuery =>
  parseStatsQuery({ site: "site-a", from: "2026-11-01", to: "2026-11-04", ...p }, rules);

describe("stats: the Athena engine (real AthenaClient, Athena emulated at its HTTP layer, queries run on DuckDB)", function () {
  this.timeout(60_000);
  let dir: string;
  const relation = athenaRelation("liveinsight_test", "events");
  const sleeps: number[] = [];
  const fakeSleep = async (ms: number) => {
    sleeps.push(ms);
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "stats-athena-"));
    const events = generateTraffic(7, 80, START, 4);
    await archiveTraffic(dir, events, events.slice(0, 50));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const engineFor = (athena: ReturnType<typeof memoryAthena>, remainingMs = () => 25_000) =>
    athenaStatsEngine({
      client: athena.client(),
      workgroup: "wg",
      database: "liveinsight_test",
      table: "events",
      remainingMs,
      sleep: fakeSleep,
    });

  it("answers every dashboard view as DuckDB does locally, reading results across pages", async () => {
    const athena = memoryAthena(dir, "liveinsight_test", "events", { runningPolls: 2 }, 7);
    const engine = engineFor(athena);
    const local = duckdbStatsEngine(dir);
    try {
      for (const params of DASHBOARD) {
        const q = queryOf(params);
        expect(statsResponse(q, await engine.run(statsSql(q, relation)))).to.deep.equal(statsResponse(q, await local.run(statsSql(q))));
      }
    } finally {
      local.close();
    }
    expect(athena.calls.filter((c) => c === "GetQueryResults").length).to.be.greaterThan(DASHBOARD.length);
  });

  it("reuses results of the same text for 5 minutes (nothing scanned on a reload), then runs again", async () => {
    const athena = memoryAthena(dir, "liveinsight_test", "events");
    const engine = engineFor(athena);
    const sql = statsSql(queryOf({ view: "aggregate" }), relation);
    const first = await engine.run(sql);
    expect(engine.lastReused).to.equal(false);
    athena.advance(4 * 60_000);
    expect(await engine.run(sql)).to.deep.equal(first);
    expect(engine.lastReused).to.equal(true);
    athena.advance(2 * 60_000);
    await engine.run(sql);
    expect(engine.lastReused).to.equal(false);
    expect([...athena.executions.values()].map((e) => e.reused)).to.deep.equal([false, true, false]);
  });

  it("polls with backoff from 100 ms doubling to 1 s", async () => {
    sleeps.length = 0;
    const athena = memoryAthena(dir, "liveinsight_test", "events", { runningPolls: 6 });
    await engineFor(athena).run(statsSql(queryOf({ view: "aggregate" }), relation));
    expect(sleeps).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
    expect(POLL).to.deep.equal({ firstMs: 100, maxMs: 1000 });
  });

  it("rides out throttling and 500s on results through the SDK's retries", async () => {
    const athena = memoryAthena(dir, "liveinsight_test", "events", { throttleNext: 1, resultErrorsNext: 1 });
    const table = await engineFor(athena).run(statsSql(queryOf({ view: "aggregate" }), relation));
    expect(table.rows.length).to.equal(1);
    expect(athena.calls.slice(0, 2)).to.deep.equal(["StartQueryExecution", "StartQueryExecution"]);
    expect(athena.calls.filter((c) => c === "GetQueryResults")).to.deep.equal(["GetQueryResults", "GetQueryResults"]);
  });

  it("reports a FAILED query with Athena's reason as EngineUnavailableError", async () => {
    const athena = memoryAthena(dir, "liveinsight_test", "events", { failWith: "Query exhausted resources at this scale factor" });
    await engineFor(athena)
      .run("SELECT 1")
      .then(
        () => expect.fail("should fail"),
        (e: Error) => {
          expect(e).to.be.instanceOf(EngineUnavailableError);
          expect(e.message).to.equal("Athena query q-1 FAILED: Query exhausted resources at this scale factor");
        },
      );
  });

  it("stops a query still running when the request's time runs out, and answers within it", async () => {
    let remaining = 5_000;
    sleeps.length = 0;
    const athena = memoryAthena(dir, "liveinsight_test", "events", { hang: true });
    const engine = athenaStatsEngine({
      client: athena.client(),
      workgroup: "wg",
      database: "liveinsight_test",
      table: "events",
      remainingMs: () => remaining,
      sleep: async (ms) => {
        sleeps.push(ms);
        remaining -= ms;
      },
    });
    const error = await engine.run("SELECT 1").catch((e: Error) => e);
    expect((error as Error).message).to.equal("Athena query q-1 was still RUNNING when the request's time ran out; it was stopped");
    expect(athena.calls.at(-1)).to.equal("StopQueryExecution");
    expect(athena.executions.get("q-1")?.state).to.equal("CANCELLED");
    expect(remaining).to.be.at.least(1_500);
    expect(sleeps.reduce((a, b) => a + b, 0)).to.equal(5_000 - remaining);
  });
});
