import { expect } from "chai";
import { ACTIVE_WINDOW_MINUTES, MAX_SLOTS_READ, MINUTE_MS } from "../../contracts/realtime";
import type { TableNames } from "../../contracts/tables";
import { siteTable } from "../../functions/core/admission";
import { createRealtimeReader, type RealtimeSnapshot } from "../../functions/core/realtime";
import { createDocumentClient } from "../../functions/shared/clients";
import { readEnv } from "../../functions/shared/env";
import { realtimeHandler } from "../../functions/shared/handlers";
import { apiEvent, lambdaContext } from "../support/captured-logs";
import { collect, scanAll, testDeps } from "../support/collector";
import { stackFunctionEnv, startDynamo, type TestDynamo } from "../support/dynalite";
import { injectFaults } from "../support/fault-injector";
import { REQUEST_LINE_FIELDS } from "../support/request-line-fields";

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const page = (p: string) => `https://e.com/${p}`;
const SITES = [
  { id: "shop", hosts: ["shop.test"], allowServer: true },
  { id: "blog", hosts: ["blog.test"], allowServer: true },
];

describe("realtime counters against dynalite", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  const view = (session: string, user: string, at: number, p?: string, site?: string) => ({
    event_type: p ? "page_view" : "heartbeat",
    event_id: `e-${session}-${at}-${p ?? "hb"}`,
    session_id: session,
    user_id: user,
    timestamp: at,
    ...(p ? { page_url: page(p) } : {}),
    ...(site ? { site_id: site } : {}),
  });
  /** Sends until a 200, as the tracker does: a lost response or a throttled write is answered 503 and sent again. */
  const send = async (events: object[], now = NOW, client = dynamo.client()) => {
    const deps = testDeps(client, tables, { sites: siteTable(SITES, "shop") });
    for (let attempt = 0; attempt < 20; attempt++) {
      const out = await collect(deps, { events }, now + attempt * 1000);
      if (out.result.statusCode === 200) return out;
      expect(out.result.statusCode, out.result.body).to.equal(503);
    }
    throw new Error("no 200 in 20 attempts");
  };
  const reader = (now: () => number, shards = 1, client = dynamo.client()) =>
    createRealtimeReader({ db: createDocumentClient(client), table: tables.activeSessions, cacheMs: 0, shards }, { now });
  const counts = (s: RealtimeSnapshot) => [s.active_sessions, s.active_users, s.top_pages];

  it("counts sessions, users and current pages from the counters, ranking pages by sessions then URL", async () => {
    await send([view("s1", "u1", NOW - 3 * MINUTE_MS, "a"), view("s2", "u1", NOW - 2 * MINUTE_MS, "b")]);
    await send([view("s3", "u2", NOW - MINUTE_MS, "b"), view("s4", "u3", NOW - 10 * MINUTE_MS)]);
    await send([view("s1", "u1", NOW - 1000, "c")]);
    const snapshot = await reader(() => NOW)("shop");
    expect(snapshot).to.deep.equal({
      site: "shop",
      active_sessions: 4,
      active_users: 3,
      top_pages: [
        { page_url: page("b"), sessions: 2 },
        { page_url: page("c"), sessions: 1 },
      ],
      generated_at: "2026-11-26T12:00:00.000Z",
    });
  });

  it("keeps a session active through the 30th minute after its last activity's minute and drops it in the 31st", async () => {
    const last = NOW - 17_000; // 11:59:43
    await send([view("s1", "u1", last, "a")]);
    const minuteStart = Math.floor(last / MINUTE_MS) * MINUTE_MS;
    const at = (ms: number) => reader(() => ms)("shop").then(counts);
    const live = [1, 1, [{ page_url: page("a"), sessions: 1 }]];
    expect(await at(minuteStart + ACTIVE_WINDOW_MINUTES * MINUTE_MS - 1)).to.deep.equal(live);
    expect(await at(minuteStart + ACTIVE_WINDOW_MINUTES * MINUTE_MS)).to.deep.equal([0, 0, []]);
  });

  it("reads at most 7 items per snapshot, in one BatchGetItem, at any number of sessions", async () => {
    for (let batch = 0; batch < 3; batch++)
      await send(Array.from({ length: 40 }, (_, i) => view(`b${batch}s${i}`, `u${i}`, NOW - (i % 35) * MINUTE_MS, `p${i % 12}`)));
    const client = dynamo.client();
    const stats = injectFaults(client, {});
    const keys: number[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { RequestItems?: Record<string, { Keys: unknown[] }> };
        keys.push(...Object.values(input.RequestItems ?? {}).map((r) => r.Keys.length));
        return next(args);
      },
      { step: "initialize", name: "countKeys" },
    );
    const snapshot = await reader(() => NOW, 1, client)("shop");
    // i = 0..29 and 35..39 are 0..29 minutes back; u0..u29 and u35..u39 have them.
    expect(snapshot.active_sessions).to.equal(3 * 35);
    expect(snapshot.active_users).to.equal(35);
    expect(stats.calls).to.deep.equal({ BatchGetItemCommand: 1 });
    expect(keys[0]).to.be.at.most(MAX_SLOTS_READ);
    expect(MAX_SLOTS_READ).to.equal(7);
  });

  it("writes no counter for a heartbeat in the same minute on the same page, and moves on a new minute", async () => {
    // NOW is 12:00:00, the first minute of a 6-minute slot: the moves below stay in one bucket item.
    await send([view("s1", "u1", NOW + 10_000, "a")], NOW + 10_000);
    const client = dynamo.client();
    const writes: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const table = (args.input as { TableName?: string }).TableName;
        if (table === tables.activeSessions) writes.push(context.commandName as string);
        return next(args);
      },
      { step: "initialize", name: "countCounterWrites" },
    );
    await send([view("s1", "u1", NOW + 15_000)], NOW + 15_000, client);
    expect(writes).to.deep.equal([]);
    await send([view("s1", "u1", NOW + 70_000)], NOW + 70_000, client);
    // the user's record: read, start, apply, commit, clean; the session's: apply, clean (its start and commit are on Sessions)
    expect(writes.sort()).to.deep.equal(["GetItemCommand", ...Array(6).fill("UpdateItemCommand")]);
    expect(counts(await reader(() => NOW + 70_000)("shop"))).to.deep.equal([1, 1, [{ page_url: page("a"), sessions: 1 }]]);
  });

  it("counts one site's visitors only, and the same session id under two sites as two sessions", async () => {
    await send([view("s1", "u1", NOW - 1000, "a", "shop"), view("s2", "u2", NOW - 1000, "b", "shop")]);
    await send([view("s1", "u9", NOW - 1000, "x", "blog")]);
    const read = reader(() => NOW);
    expect(counts(await read("shop"))).to.deep.equal([
      2,
      2,
      [
        { page_url: page("a"), sessions: 1 },
        { page_url: page("b"), sessions: 1 },
      ],
    ]);
    expect(counts(await read("blog"))).to.deep.equal([1, 1, [{ page_url: page("x"), sessions: 1 }]]);
    expect(counts(await read("news"))).to.deep.equal([0, 0, []]);
  });

  it("stays exact when every counter write's response is lost once after it landed", async () => {
    const client = dynamo.client({ maxAttempts: 1 });
    const faults = injectFaults(client, { seed: 3, failAfterWriteRate: 0.5, commands: ["UpdateItemCommand", "GetItemCommand"] });
    await send([view("s1", "u1", NOW - 5 * MINUTE_MS, "a"), view("s2", "u2", NOW - 4 * MINUTE_MS, "b")], NOW, client);
    for (let i = 0; i < 6; i++)
      await send([view("s1", "u1", NOW - 3 * MINUTE_MS + i * MINUTE_MS, `p${i % 2}`)], NOW + i * MINUTE_MS, client);
    expect(faults.failedAfterWrite).to.be.greaterThan(5);
    const snapshot = await reader(() => NOW + 6 * MINUTE_MS)("shop");
    expect(counts(snapshot)).to.deep.equal([
      2,
      2,
      [
        { page_url: page("b"), sessions: 1 },
        { page_url: page("p1"), sessions: 1 },
      ],
    ]);
    const tokens = (await scanAll(dynamo.client(), tables.activeSessions)).flatMap((item) =>
      Object.keys(item).filter((k) => k.startsWith("t:")),
    );
    expect(tokens).to.deep.equal([]);
  });

  it("reads every shard and counts the same as unsharded", async () => {
    const events = Array.from({ length: 30 }, (_, i) => view(`s${i}`, `u${i % 7}`, NOW - (i % 9) * MINUTE_MS, `p${i % 4}`));
    const sharded = testDeps(dynamo.client(), tables, { realtimeShards: 3 });
    expect((await collect(sharded, { events }, NOW)).result.statusCode).to.equal(200);
    const keys = (await scanAll(dynamo.client(), tables.activeSessions)).map((i) => String(i.counter_key));
    expect(keys.filter((k) => /^local#\d+#[12]$/.test(k)).length).to.be.greaterThan(0);
    const snapshot = await reader(() => NOW, 3)("local");
    expect(counts(snapshot).slice(0, 2)).to.deep.equal([30, 7]);
    expect(snapshot.top_pages.map((p) => p.sessions)).to.deep.equal([8, 8, 7, 7]);
  });

  it("serves one read per site per cache window to every caller; a failed read is not cached", async () => {
    await send([view("s1", "u1", NOW - 1000, "a")]);
    const client = dynamo.client();
    const stats = injectFaults(client, {});
    let now = NOW;
    const read = createRealtimeReader(
      { db: createDocumentClient(client), table: tables.activeSessions, cacheMs: 5000, shards: 1 },
      { now: () => now },
    );
    const [a, b] = await Promise.all([read("shop"), read("shop")]);
    expect(a).to.equal(b);
    now += 4999;
    await read("shop");
    expect(stats.calls.BatchGetItemCommand).to.equal(1);
    await read("blog");
    now += 1;
    await read("shop");
    expect(stats.calls).to.deep.equal({ BatchGetItemCommand: 3 });
  });
});

describe("realtime handler", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  it("takes ?site=, else the default, else the only site, and answers 400 UnknownSite naming the ids", async () => {
    const deps = testDeps(dynamo.client(), tables, { sites: siteTable(SITES, "shop") });
    const now = Date.now(); // the handler reads the real clock
    const body = { events: [{ event_type: "page_view", session_id: "s1", user_id: "u1", timestamp: now, page_url: "https://shop.test/" }] };
    expect((await collect(deps, body, now)).result.statusCode).to.equal(200);
    const sites = (list: string, def = "") =>
      readEnv(
        stackFunctionEnv(tables, {
          DYNAMODB_ENDPOINT: dynamo.endpoint,
          SITES: JSON.stringify(list.split(",").map((id) => ({ id, hosts: [`${id}.test`] }))),
          DEFAULT_SITE: def,
        }),
        ["activeSessions"],
      );
    const get = (query?: Record<string, string>) => ({ ...apiEvent("GET", undefined), rawPath: "/realtime", queryStringParameters: query });
    const answer = async (env: ReturnType<typeof sites>, query?: Record<string, string>) => {
      const out = await realtimeHandler(env, createDocumentClient(dynamo.client()), () => {})(get(query), lambdaContext("rt"));
      return [out.statusCode, JSON.parse(out.body as string)];
    };
    const [okStatus, ok] = await answer(sites("shop,blog"), { site: "shop" });
    expect([okStatus, ok.site, ok.active_sessions]).to.deep.equal([200, "shop", 1]);
    expect((await answer(sites("shop"), undefined))[1].site).to.equal("shop");
    expect((await answer(sites("blog,shop", "shop"), undefined))[1].site).to.equal("shop");
    expect(await answer(sites("shop,blog"), undefined)).to.deep.equal([
      400,
      {
        error: "UnknownSite",
        message: "Name the site whose visitors to count: GET /realtime?site=<id> (known: shop, blog).",
        details: [{ field: "site", problem: "is required (known: shop, blog)" }],
      },
    ]);
    expect(await answer(sites("shop,blog"), { site: "news" })).to.deep.equal([
      400,
      {
        error: "UnknownSite",
        message: 'site "news" is not a site of this stack (known: shop, blog).',
        details: [{ field: "site", problem: '"news" is not a site of this stack (known: shop, blog)' }],
      },
    ]);
  });

  it("writes the request line of docs/operations.md, events 0, at INFO for a 200 and ERROR for a 503", async () => {
    const lines: string[] = [];
    const env = readEnv(stackFunctionEnv(tables, { ENVIRONMENT: "dev", DYNAMODB_ENDPOINT: dynamo.endpoint }), ["activeSessions"]);
    const healthy = realtimeHandler(env, createDocumentClient(dynamo.client()), (l) => lines.push(l));
    const broken = dynamo.client({ maxAttempts: 1 });
    injectFaults(broken, { serverErrorRate: 1 });
    const failing = realtimeHandler(env, createDocumentClient(broken), (l) => lines.push(l));
    const get = { ...apiEvent("GET", undefined), rawPath: "/realtime" };
    expect((await healthy(get, lambdaContext("rt-1"))).statusCode).to.equal(200);
    expect((await failing(get, lambdaContext("rt-2"))).statusCode).to.equal(503);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed).to.have.length(2);
    const fields = REQUEST_LINE_FIELDS;
    expect(Object.keys(parsed[0])).to.deep.equal(fields);
    expect(Object.keys(parsed[1])).to.deep.equal([...fields, "error_name", "error_message"]);
    const pick = (l: Record<string, unknown>) => [
      l.level,
      l.message,
      l.service,
      l.environment,
      l.request_id,
      l.events,
      l.rejected,
      l.status,
    ];
    expect(parsed.map(pick)).to.deep.equal([
      ["INFO", "request completed", "realtime", "dev", "rt-1", 0, 0, 200],
      ["ERROR", "request completed", "realtime", "dev", "rt-2", 0, 0, 503],
    ]);
    expect(parsed[1].error_name).to.equal("InternalServerError");
  });
});
