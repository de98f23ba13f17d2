import { BatchWriteItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { createRealtimeReader } from "../../functions/core/realtime";
import { chunk } from "../../functions/core/store";
import { createDocumentClient } from "../../functions/shared/clients";
import { readEnv } from "../../functions/shared/env";
import { realtimeHandler } from "../../functions/shared/handlers";
import { apiEvent, lambdaContext } from "../support/captured-logs";
import { stackFunctionEnv, startDynamo, type TestDynamo } from "../support/dynalite";
import { injectFaults } from "../support/fault-injector";
import { REQUEST_LINE_FIELDS } from "../support/request-line-fields";

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

describe("realtime reader against dynalite", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  async function seed(rows: { id: string; user: string; page?: string; expiresAt: number; site?: string }[]) {
    const client = dynamo.client();
    for (const part of chunk(rows, 25)) {
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [tables.activeSessions]: part.map((r) => ({
              PutRequest: {
                Item: {
                  site_id: { S: r.site ?? "local" },
                  session_id: { S: r.id },
                  user_id: { S: r.user },
                  expires_at: { N: String(r.expiresAt) },
                  last_activity: { N: String(NOW) },
                  ...(r.page ? { current_page: { S: r.page } } : {}),
                },
              },
            })),
          },
        }),
      );
    }
  }

  it("paginates every page, drops expired rows and ranks the top 10 pages", async () => {
    const live = Math.floor(NOW / 1000) + 60;
    const rows = Array.from({ length: 47 }, (_, i) => ({
      id: `s${i}`,
      user: `u${i % 30}`,
      page: `https://e.com/p${i % 12}`,
      expiresAt: live,
    }));
    rows.push(
      ...Array.from({ length: 9 }, (_, i) => ({
        id: `old${i}`,
        user: `gone${i}`,
        page: "https://e.com/expired",
        expiresAt: Math.floor(NOW / 1000),
      })),
    );
    await seed(rows);
    const client = dynamo.client();
    const stats = injectFaults(client, {});
    const snapshot = await createRealtimeReader(
      { db: createDocumentClient(client), table: tables.activeSessions, cacheMs: 5000, maxPages: 50, pageSize: 10 },
      { now: () => NOW },
    )("local");
    expect(stats.calls.QueryCommand).to.equal(6); // 56 rows, 10 per page
    expect(snapshot.active_sessions).to.equal(47);
    expect(snapshot.active_users).to.equal(30);
    expect(snapshot.top_pages).to.have.length(10);
    expect(snapshot.top_pages.slice(0, 3)).to.deep.equal([
      { page_url: "https://e.com/p0", sessions: 4 },
      { page_url: "https://e.com/p1", sessions: 4 },
      { page_url: "https://e.com/p10", sessions: 4 },
    ]);
    expect(snapshot.top_pages.map((p) => p.page_url)).not.to.include("https://e.com/expired");
    expect(snapshot.generated_at).to.equal("2026-11-26T12:00:00.000Z");
    expect(snapshot.truncated).to.equal(undefined);
  });

  it("counts a row whose user or page is missing or not a string as a session, never as a user or page", async () => {
    const live = Math.floor(NOW / 1000) + 60;
    await seed([{ id: "s1", user: "u1", page: "https://e.com/a", expiresAt: live }]);
    const odd = {
      site_id: { S: "local" },
      session_id: { S: "s2" },
      expires_at: { N: String(live) },
      current_page: { N: "7" },
      user_id: { NULL: true },
    };
    await dynamo.client().send(new PutItemCommand({ TableName: tables.activeSessions, Item: odd }));
    const snapshot = await createRealtimeReader(
      { db: createDocumentClient(dynamo.client()), table: tables.activeSessions, cacheMs: 0, maxPages: 5 },
      { now: () => NOW },
    )("local");
    expect([snapshot.active_sessions, snapshot.active_users]).to.deep.equal([2, 1]);
    expect(snapshot.top_pages).to.deep.equal([{ page_url: "https://e.com/a", sessions: 1 }]);
  });

  it("serves one read per site per cache window to every caller and says when the page cap cut the read", async () => {
    await seed(Array.from({ length: 30 }, (_, i) => ({ id: `s${i}`, user: "u", expiresAt: Math.floor(NOW / 1000) + 60 })));
    const client = dynamo.client();
    const stats = injectFaults(client, {});
    let now = NOW;
    const read = createRealtimeReader(
      { db: createDocumentClient(client), table: tables.activeSessions, cacheMs: 5000, maxPages: 2, pageSize: 10 },
      { now: () => now },
    );
    const [a, b] = await Promise.all([read("local"), read("local")]);
    expect(a).to.equal(b);
    expect([a.active_sessions, a.truncated]).to.deep.equal([20, true]);
    now += 4999;
    await read("local");
    expect(stats.calls.QueryCommand).to.equal(2);
    const other = await read("shop");
    expect([other.site, other.active_sessions, stats.calls.QueryCommand]).to.deep.equal(["shop", 0, 3]);
    now += 1;
    await read("local");
    expect(stats.calls.QueryCommand).to.equal(5);
    expect(stats.calls.ScanCommand ?? 0).to.equal(0);
  });

  it("counts one site's visitors only, with a Query of that site's rows, and the same session id under two sites twice", async () => {
    const live = Math.floor(NOW / 1000) + 60;
    await seed([
      { id: "s1", user: "u1", page: "https://shop.test/a", expiresAt: live, site: "shop" },
      { id: "s2", user: "u2", page: "https://shop.test/b", expiresAt: live, site: "shop" },
      { id: "s1", user: "u9", page: "https://blog.test/x", expiresAt: live, site: "blog" },
    ]);
    const read = createRealtimeReader(
      { db: createDocumentClient(dynamo.client()), table: tables.activeSessions, cacheMs: 0, maxPages: 5 },
      { now: () => NOW },
    );
    const [shop, blog] = [await read("shop"), await read("blog")];
    expect([shop.site, shop.active_sessions, shop.active_users, shop.top_pages.length]).to.deep.equal(["shop", 2, 2, 2]);
    expect([blog.site, blog.active_sessions, blog.top_pages]).to.deep.equal([
      "blog",
      1,
      [{ page_url: "https://blog.test/x", sessions: 1 }],
    ]);
  });

  it("the realtime handler takes ?site=, else the default, else the only site, and answers 400 UnknownSite naming the ids", async () => {
    const live = Math.floor(Date.now() / 1000) + 600; // the handler reads the real clock
    await seed([{ id: "s1", user: "u1", expiresAt: live, site: "shop" }]);
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

  it("the realtime handler writes the request line of docs/operations.md, events 0, at INFO for a 200 and ERROR for a 503", async () => {
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
