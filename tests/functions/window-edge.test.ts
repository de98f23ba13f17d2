/**
 * An event whose attempts see its timestamp on different sides of the window's edges (the server
 * clock advanced between a lost response and the retry) is stored exactly once, in one session,
 * with one effective time (docs/sessions.md, "Window edge"; issue 17 §1).
 */
import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { FUTURE_EDGE_MARGIN_MS, PAST_EDGE_MARGIN_MS } from "../../functions/core/pins";
import { LIMITS } from "../../functions/core/validate";
import { collect, getSession, placementCalls, storedEvents, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { injectFaults } from "../support/fault-injector";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
const PAST_EDGE = NOW - LIMITS.pastWindowMs;
const FUTURE_EDGE = NOW + LIMITS.futureWindowMs;

describe("window-edge retries: one item per event, whichever side of an edge each attempt sees", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  const deps = () => testDeps(dynamo.client(), tables);
  const stored = async () =>
    // Stored under the site-scoped key `local#s` (docs/sites.md); compared as the bare id.
    (await storedEvents(dynamo.client(), tables.events)).map((e) => [
      String(e.session_id).replace("local#", ""),
      e.event_key,
      e.timestamp,
      e.client_timestamp,
    ]);
  const click = (ts: number, id = "e") => ({ event_type: "click", event_id: id, session_id: "s", timestamp: ts });

  it("stores once at the client time when the first attempt was inside and the retry days later is outside", async () => {
    const ts = NOW - 5 * DAY;
    expect((await collect(deps(), click(ts), NOW)).json.session_id).to.equal("s");
    const retry = await collect(deps(), click(ts), NOW + 3 * DAY); // the first response was lost
    expect([retry.result.statusCode, retry.json.session_id]).to.deep.equal([200, "s"]);
    expect(await stored()).to.deep.equal([["s", `${ts}#e`, ts, undefined]]);
    expect(await getSession(dynamo.client(), tables.sessions, "s")).to.include({ start_time: ts, last_activity: ts, total_events: 2 });
  });

  it("keeps the session row true when the inside attempt failed after its session write and the outside retry comes later", async () => {
    const ts = NOW - 5 * DAY;
    const client = dynamo.client({ maxAttempts: 1 });
    injectFaults(client, { throttleRate: 1, commands: ["BatchWriteItemCommand"] });
    expect((await collect(testDeps(client, tables), click(ts), NOW)).result.statusCode).to.equal(503);
    expect(await stored()).to.deep.equal([]);
    expect((await collect(deps(), click(ts), NOW + 3 * DAY)).result.statusCode).to.equal(200);
    expect(await stored()).to.deep.equal([["s", `${ts}#e`, ts, undefined]]);
    expect(await getSession(dynamo.client(), tables.sessions, "s")).to.include({ start_time: ts, last_activity: ts });
  });

  it("takes server time for an out-of-window event no earlier attempt stored, even when its chain exists", async () => {
    await collect(deps(), click(NOW - 8 * DAY + 10 * MIN, "other"), NOW - 8 * DAY + 10 * MIN);
    const ts = NOW - 8 * DAY;
    expect((await collect(deps(), click(ts), NOW)).result.statusCode).to.equal(200);
    expect((await collect(deps(), click(ts), NOW + MIN)).result.statusCode).to.equal(200);
    const mine = (await stored()).filter((e) => e[1] === `${ts}#e`);
    expect(mine.map((e) => e.slice(1))).to.deep.equal([[`${ts}#e`, NOW, ts]]);
  });

  it("pins an attempt just inside the past edge, so racing attempts either side of it agree", async () => {
    const ts = PAST_EDGE + 20_000;
    expect(ts).to.be.below(PAST_EDGE + PAST_EDGE_MARGIN_MS);
    const answers = await Promise.all([NOW, NOW + 30_000, NOW + 40_000].map((at) => collect(deps(), click(ts), at)));
    expect(answers.map((a) => a.result.statusCode)).to.deep.equal([200, 200, 200]);
    const rows = await stored();
    expect(rows).to.have.length(1);
    expect(rows[0].slice(0, 2)).to.deep.equal(["s", `${ts}#e`]);
  });

  it("stores once at the first server time when the first attempt was past the future bound and the retry is inside", async () => {
    const ts = FUTURE_EDGE + MIN; // a clock six minutes fast
    expect((await collect(deps(), click(ts), NOW)).result.statusCode).to.equal(200);
    const retry = await collect(deps(), click(ts), NOW + 20 * MIN);
    expect(retry.result.statusCode).to.equal(200);
    expect(await stored()).to.deep.equal([["s", `${ts}#e`, NOW, ts]]);
    expect(await getSession(dynamo.client(), tables.sessions, "s")).to.include({ start_time: NOW, last_activity: NOW });
  });

  it("agrees on one effective time when attempts race across the future bound", async () => {
    const ts = FUTURE_EDGE - 10_000;
    expect(ts).to.be.above(FUTURE_EDGE - FUTURE_EDGE_MARGIN_MS);
    const answers = await Promise.all([NOW - 30_000, NOW, NOW - 20_000].map((at) => collect(deps(), click(ts), at)));
    expect(answers.map((a) => a.result.statusCode)).to.deep.equal([200, 200, 200]);
    const rows = await stored();
    expect(rows).to.have.length(1);
    const [[, , effective, client]] = rows;
    expect(effective === ts ? client : [effective, client]).to.deep.equal(effective === ts ? undefined : [NOW - 30_000, ts]);
  });

  it("reads no pins for in-window events of a chain without a future marker, and only the marker", async () => {
    const client = dynamo.client();
    const stats = placementCalls(client, tables);
    await collect(testDeps(client, tables), { events: [click(NOW - MIN, "a"), click(NOW - 2 * MIN, "b")] }, NOW);
    // the marker read, then the common case: one session update, one batch of events (and the counters' moves)
    expect(stats).to.deep.equal({ BatchGetItemCommand: 1, UpdateItemCommand: 1, BatchWriteItemCommand: 1 });
  });
});
