import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { handleCollect } from "../../functions/core/collect";
import { successorSessionId } from "../../functions/core/ids";
import {
  collect,
  fixedClock,
  getSession,
  placementCalls,
  postEvents,
  realtimeAt,
  scanAll,
  sessionEvents,
  testDeps,
} from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const MIN = 60_000;

describe("collector core against dynalite", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  const reader = () => dynamo.client();

  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  it("stores one event with every field typed as sent and answers with its ids", async () => {
    const deps = testDeps(dynamo.client(), tables);
    const out = await collect(
      deps,
      {
        event_type: "page_view",
        event_id: "e1",
        session_id: "s1",
        user_id: "u1",
        timestamp: NOW - 1000,
        page_url: "https://shop.example/a",
        referrer: "https://search.example/",
        properties: { n: 3, ok: true },
        plan: "pro",
      },
      NOW,
    );
    expect(out.result.statusCode).to.equal(200);
    expect(out.json).to.deep.equal({ message: "Event processed successfully", event_id: "e1", session_id: "s1" });
    expect(await scanAll(reader(), tables.events)).to.deep.equal([
      {
        session_id: "local#s1",
        event_key: `${NOW - 1000}#e1`,
        site_id: "local",
        event_id: "e1",
        event_type: "page_view",
        user_id: "u1",
        timestamp: NOW - 1000,
        received_at: NOW,
        expires_at: Math.floor((NOW - 1000) / 1000) + 30 * 86400,
        page_url: "https://shop.example/a",
        referrer: "https://search.example/",
        user_agent: "test-agent/1.0",
        ip_prefix: "198.51.100.0/24",
        properties: { n: 3, ok: true, plan: "pro" },
      },
    ]);
    expect(await getSession(reader(), tables.sessions, "s1")).to.deep.equal({
      session_id: "local#s1",
      site_id: "local",
      user_id: "u1",
      start_time: NOW - 1000,
      last_activity: NOW - 1000,
      duration_ms: 0,
      entry_page: "https://shop.example/a",
      exit_page: "https://shop.example/a",
      referrer: "https://search.example/",
      user_agent: "test-agent/1.0",
      ip_prefix: "198.51.100.0/24",
      total_events: 1,
      page_views: 1,
      expires_at: Math.floor((NOW - 1000) / 1000) + 30 * 86400,
      entry_key: `${NOW - 1000}#e1`,
      exit_key: `${NOW - 1000}#e1`,
      // what the realtime counters hold for the session: its last activity's minute and current page
      rt_minute: Math.floor((NOW - 1000) / MIN),
      rt_page: "https://shop.example/a",
    });
    const live = await realtimeAt(reader(), tables, NOW);
    expect([live.active_sessions, live.active_users, live.top_pages]).to.deep.equal([
      1,
      1,
      [{ page_url: "https://shop.example/a", sessions: 1 }],
    ]);
    expect([out.events, out.sessions, out.sessionsCreated]).to.deep.equal([1, 1, 1]);
  });

  it("mints user, session and event ids in the documented formats", async () => {
    const out = await collect(testDeps(dynamo.client(), tables), { events: [{ event_type: "click" }, { event_type: "click" }] }, NOW);
    expect(out.json).to.deep.equal({
      message: "Events processed successfully",
      accepted: 2,
      event_ids: ["evt_20261126_120000_00000003", "evt_20261126_120000_00000004"],
      session_ids: [`sess_${NOW}_00000002`, `sess_${NOW}_00000002`],
    });
    const [item] = await scanAll(reader(), tables.events);
    expect(item.user_id).to.equal("user_00000001");
  });

  it("writes nothing at all when one event of a batch is invalid", async () => {
    const out = await collect(
      testDeps(dynamo.client(), tables),
      { events: [{ event_type: "page_view", session_id: "s" }, { event_type: "bad type" }] },
      NOW,
    );
    expect(out.result.statusCode).to.equal(400);
    expect(out.json.details).to.deep.equal([
      { index: 1, field: "event_type", problem: "must match ^[a-z][a-z0-9_]{0,63}$ (for example page_view)" },
    ]);
    for (const table of Object.values(tables)) expect(await scanAll(reader(), table)).to.deep.equal([]);
  });

  it("keeps one stored event when a request with event_id and timestamp is retried", async () => {
    const deps = testDeps(dynamo.client(), tables);
    const body = { event_type: "click", event_id: "e-retry", timestamp: NOW - 5000, session_id: "s-retry" };
    await collect(deps, body, NOW);
    await collect(deps, body, NOW + 2000);
    expect((await scanAll(reader(), tables.events)).map((e) => e.event_key)).to.deep.equal([`${NOW - 5000}#e-retry`]);
  });

  it("coalesces a 10-event request for 2 sessions into 1 BatchWriteItem and 2 UpdateItem calls (+1 BatchGetItem of the chains' future markers, + the realtime moves)", async () => {
    const client = dynamo.client();
    const stats = placementCalls(client, tables);
    const events = Array.from({ length: 10 }, (_, i) => ({
      event_type: i % 3 ? "click" : "page_view",
      session_id: i < 6 ? "sa" : "sb",
      timestamp: NOW - 10_000 + i,
      page_url: `https://e.com/${i}`,
    }));
    const out = await collect(testDeps(client, tables), { events }, NOW);
    expect(out.result.statusCode).to.equal(200);
    expect(stats).to.deep.equal({ BatchGetItemCommand: 1, BatchWriteItemCommand: 1, UpdateItemCommand: 2 });
    const a = await getSession(reader(), tables.sessions, "sa");
    expect([a?.total_events, a?.page_views, a?.duration_ms, a?.entry_page, a?.exit_page]).to.deep.equal([
      6,
      2,
      5,
      "https://e.com/0",
      "https://e.com/5",
    ]);
    expect((await scanAll(reader(), tables.events)).length).to.equal(10);
  });

  it("extends a session within 30 minutes: counters add up, start_time stays, duration follows", async () => {
    const deps = testDeps(dynamo.client(), tables);
    await collect(
      deps,
      {
        events: [
          { event_type: "page_view", session_id: "s", timestamp: NOW - 20 * MIN, page_url: "https://e.com/in" },
          { event_type: "click", session_id: "s", timestamp: NOW - 19 * MIN },
        ],
      },
      NOW,
    );
    const out = await collect(deps, { event_type: "page_view", session_id: "s", timestamp: NOW - MIN, page_url: "https://e.com/out" }, NOW);
    expect(out.sessionsCreated).to.equal(0);
    const session = await getSession(reader(), tables.sessions, "s");
    expect(session).to.include({
      start_time: NOW - 20 * MIN,
      last_activity: NOW - MIN,
      duration_ms: 19 * MIN,
      total_events: 3,
      page_views: 2,
      entry_page: "https://e.com/in",
      exit_page: "https://e.com/out",
    });
  });

  it("rolls a session over after 30 idle minutes: new minted id returned, events moved, retries land on the same new session", async () => {
    const deps = testDeps(dynamo.client(), tables);
    await collect(
      deps,
      { event_type: "page_view", session_id: "s-old", user_id: "u", timestamp: NOW - 40 * MIN, page_url: "https://e.com/1" },
      NOW,
    );
    const second = {
      events: [
        {
          event_type: "page_view",
          event_id: "e2",
          session_id: "s-old",
          user_id: "u",
          timestamp: NOW - 5 * MIN,
          page_url: "https://e.com/2",
        },
        { event_type: "click", event_id: "e3", session_id: "s-old", user_id: "u", timestamp: NOW - 4 * MIN },
      ],
    };
    const out = await collect(deps, second, NOW);
    const rolled = successorSessionId("s-old", NOW - 40 * MIN);
    expect(rolled).to.match(/^sess_\d{13}_[0-9a-f]{8}$/);
    expect(out.json.session_ids).to.deep.equal([rolled, rolled]);
    expect(out.sessionsCreated).to.equal(1);
    expect(await getSession(reader(), tables.sessions, rolled)).to.include({
      start_time: NOW - 5 * MIN,
      last_activity: NOW - 4 * MIN,
      duration_ms: MIN,
      total_events: 2,
      page_views: 1,
    });
    const retry = await collect(deps, second, NOW + 1000);
    expect(retry.json.session_ids).to.deep.equal([rolled, rolled]);
    expect((await sessionEvents(reader(), tables.events, "s-old")).map((e) => e.event_id)).to.deep.equal(["evt_20261126_120000_00000001"]);
    expect((await sessionEvents(reader(), tables.events, rolled)).map((e) => [e.event_id, e.session_id])).to.deep.equal([
      ["e2", `local#${rolled}`],
      ["e3", `local#${rolled}`],
    ]);
    expect(await getSession(reader(), tables.sessions, "s-old")).to.include({ total_events: 1, last_activity: NOW - 40 * MIN });
    // The old session's minute is past every window still read: only the successor is counted.
    expect((await realtimeAt(reader(), tables, NOW + 1000)).active_sessions).to.equal(1);
    expect((await getSession(reader(), tables.sessions, rolled))?.rt_minute).to.equal(Math.floor((NOW - 4 * MIN) / MIN));
    expect((await getSession(reader(), tables.sessions, "s-old"))?.rt_minute).to.equal(undefined);
  });

  it("splits one request's events at a 30-minute gap into two sessions", async () => {
    const out = await collect(
      testDeps(dynamo.client(), tables),
      {
        events: [
          { event_type: "page_view", event_id: "a", session_id: "s", timestamp: NOW - 50 * MIN },
          { event_type: "page_view", event_id: "b", session_id: "s", timestamp: NOW - 10 * MIN },
        ],
      },
      NOW,
    );
    const second = successorSessionId("s", NOW - 50 * MIN);
    expect(out.json.session_ids).to.deep.equal(["s", second]);
    expect([out.sessions, out.sessionsCreated]).to.deep.equal([2, 2]);
    expect((await realtimeAt(reader(), tables, NOW)).active_sessions).to.equal(1);
    expect((await getSession(reader(), tables.sessions, second))?.rt_minute).to.equal(Math.floor((NOW - 10 * MIN) / MIN));
  });

  it("replaces a timestamp outside [now − 7 days, now + 5 min] by server time and keeps the client's", async () => {
    await collect(
      testDeps(dynamo.client(), tables),
      {
        events: [
          { event_type: "click", event_id: "old", session_id: "s", timestamp: NOW - 8 * 86400_000 },
          { event_type: "click", event_id: "future", session_id: "s", timestamp: NOW + 6 * MIN },
          { event_type: "click", event_id: "edge", session_id: "s", timestamp: NOW + 5 * MIN },
        ],
      },
      NOW,
    );
    const stored = (await scanAll(reader(), tables.events)).filter((e) => e.session_id === "local#s");
    // The key keeps the client's timestamp (docs/api.md), so a retry lands on the same item.
    expect(stored.map((e) => [e.event_key, e.timestamp, e.client_timestamp])).to.deep.equal([
      [`${NOW - 8 * 86400_000}#old`, NOW, NOW - 8 * 86400_000],
      [`${NOW + 5 * MIN}#edge`, NOW + 5 * MIN, undefined],
      [`${NOW + 6 * MIN}#future`, NOW, NOW + 6 * MIN],
    ]);
  });

  // The request's sourceIp is the client address the adapter resolved (docs/api.md; tests/functions/client-ip.test.ts).
  for (const [name, sourceIp, prefix] of [
    ["IPv4 source", "198.51.100.23", "198.51.100.0/24"],
    ["IPv6", "2001:db8:1:2:3:4:5:6", "2001:db8:1::/48"],
    ["compressed IPv6", "2001:db8::1", "2001:db8::/48"],
    ["IPv4-mapped IPv6", "::ffff:192.0.2.9", "192.0.2.0/24"],
  ] as const) {
    it(`stores only the network of the client address (${name}), never a forged X-Forwarded-For`, async () => {
      const request = {
        ...postEvents({ event_type: "click", session_id: "s" }, { "x-forwarded-for": "203.0.113.77, 10.0.0.1" }),
        sourceIp,
      };
      await handleCollect(request, testDeps(dynamo.client(), tables), fixedClock(NOW));
      const [event] = await scanAll(reader(), tables.events);
      const session = await getSession(reader(), tables.sessions, "s");
      expect([event.ip_prefix, session?.ip_prefix]).to.deep.equal([prefix, prefix]);
      const everything = JSON.stringify([event, session]);
      for (const full of ["198.51.100.23", "203.0.113.77", "2001:db8:1:2:3:4:5:6", "192.0.2.9"]) expect(everything).not.to.include(full);
    });
  }
});
