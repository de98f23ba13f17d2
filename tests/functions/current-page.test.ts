/**
 * The realtime counters agree with the Sessions row (issue 17 §6, issue 21): each request moves
 * the session's counted page and minute to its row's `exit_page` and last activity, so the page
 * GET /realtime counts is the session's exit page whatever order page views and heartbeats arrive
 * in (docs/sessions.md, invariant 5).
 */
import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { collect, getSession, realtimeAt, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;
const page = (p: string) => `https://shop.example/${p}`;

describe("current page: the realtime counters agree with the Sessions row's latest page", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  const send = (body: unknown) => collect(testDeps(dynamo.client(), tables), body, NOW);
  const view = (id: string, ts: number, p: string) => ({
    event_type: "page_view",
    event_id: id,
    session_id: "s",
    timestamp: ts,
    page_url: page(p),
  });
  const beat = (id: string, ts: number) => ({ event_type: "heartbeat", event_id: id, session_id: "s", timestamp: ts });
  /** The row's exit page and last activity, the marker of what the counters hold, and the pages GET /realtime counts. */
  async function live() {
    const session = await getSession(dynamo.client(), tables.sessions, "s");
    const snapshot = await realtimeAt(dynamo.client(), tables, NOW);
    return {
      exit: session?.exit_page,
      last: session?.last_activity,
      rows: [[session?.rt_page, (session?.rt_minute as number) * MIN]],
      pages: snapshot.top_pages.map((p) => [p.page_url, p.sessions]),
    };
  }
  const at = (p: string, ms: number) => ({ rows: [[page(p), Math.floor(ms / MIN) * MIN]], pages: [[page(p), 1]] });

  it("shows a retried page view that arrives after a later heartbeat", async () => {
    expect((await send(beat("hb", NOW - MIN))).result.statusCode).to.equal(200);
    expect((await send(view("pv", NOW - 2 * MIN, "a"))).result.statusCode).to.equal(200);
    expect(await live()).to.deep.equal({ exit: page("a"), last: NOW - MIN, ...at("a", NOW - MIN) });
  });

  it("keeps the later page when a batch carries a late page view and a newer heartbeat", async () => {
    await send(view("a", NOW - 3 * MIN, "a"));
    await send({ events: [view("b", NOW - 4 * MIN, "b"), beat("hb", NOW - MIN)] });
    expect(await live()).to.deep.equal({ exit: page("a"), last: NOW - MIN, ...at("a", NOW - MIN) });
  });

  it("moves the page on when a late page view is later than the exit page but not the last activity", async () => {
    await send({ events: [view("a", NOW - 5 * MIN, "a"), beat("hb", NOW - MIN)] });
    await send(view("b", NOW - 3 * MIN, "b"));
    expect(await live()).to.deep.equal({ exit: page("b"), last: NOW - MIN, ...at("b", NOW - MIN) });
  });

  it("lands on the latest state when snapshots of one session race", async () => {
    await send(beat("hb0", NOW - 10 * MIN));
    await Promise.all([send(view("x", NOW - 9 * MIN, "x")), send(view("y", NOW - 8 * MIN, "y")), send(beat("hb1", NOW - 7 * MIN))]);
    expect(await live()).to.deep.equal({ exit: page("y"), last: NOW - 7 * MIN, ...at("y", NOW - 7 * MIN) });
  });
});
