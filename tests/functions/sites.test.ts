import { expect } from "chai";
import fc from "fast-check";
import type { Site } from "../../contracts/sites";
import type { TableNames } from "../../contracts/tables";
import { siteTable } from "../../functions/core/admission";
import { isBotUserAgent } from "../../functions/core/bots";
import { collect, realtimeAt, scanAll, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";

const NOW = Date.UTC(2026, 11, 8, 12, 0, 0);
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const HEADLESS = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";
const SITES: Site[] = [
  { id: "shop", hosts: ["shop.test", "*.shop.test"], allowServer: false },
  { id: "feed", hosts: ["feed.test"], allowServer: true },
];
const fromPage = (origin: string, userAgent = CHROME) => ({ origin, "user-agent": userAgent });
const event = (site: string | undefined, i = 0) => ({
  event_type: "page_view",
  event_id: `e${i}`,
  session_id: "s1",
  timestamp: NOW - 1000 + i,
  ...(site === undefined ? {} : { site_id: site }),
});

describe("sites and bots: who may send, and nothing written for a refusal", () => {
  let dynamo: TestDynamo;
  let tables: TableNames;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());
  beforeEach(async () => (tables = await dynamo.freshTables()));

  const depsWith = (defaultSite?: string, sites: Site[] = SITES) =>
    testDeps(dynamo.client(), tables, { sites: siteTable(sites, defaultSite) });
  async function expectNothingStored() {
    for (const table of [tables.events, tables.sessions, tables.activeSessions])
      expect(await scanAll(dynamo.client(), table), table).to.deep.equal([]);
  }

  it("accepts a page of a listed host, a subdomain under a *. host, and a server sender of an allowServer site", async () => {
    const cases: [string | undefined, Record<string, string>][] = [
      ["shop", fromPage("https://shop.test")],
      ["shop", fromPage("https://www.shop.test")],
      ["shop", { referer: "https://a.b.shop.test/page?x=1", "user-agent": CHROME }],
      ["feed", { "user-agent": "curl/8.5.0" }],
    ];
    for (const [i, [site, headers]] of cases.entries()) {
      const out = await collect(depsWith(), { events: [event(site, i)] }, NOW, headers);
      expect(out.result.statusCode, JSON.stringify(headers)).to.equal(200);
      expect([out.dropped ?? 0, out.events]).to.deep.equal([0, 1]);
    }
    expect((await scanAll(dynamo.client(), tables.events)).map((e) => e.event_id).sort()).to.deep.equal(["e0", "e1", "e2", "e3"]);
  });

  it("answers 403 OriginNotAllowed for a page of another host and for a server sender of a browser-only site", async () => {
    const cases: [Record<string, string>, string][] = [
      [
        fromPage("https://evilshop.test"),
        'The page\'s host "evilshop.test" is not a host of site "shop" (shop.test, *.shop.test), nothing was stored.',
      ],
      [fromPage("null"), 'The page\'s host (none readable) is not a host of site "shop" (shop.test, *.shop.test), nothing was stored.'],
      [
        { "user-agent": CHROME },
        'The request has neither Origin nor Referer and site "shop" does not accept server-side senders (allowServer), nothing was stored.',
      ],
    ];
    for (const [headers, message] of cases) {
      const out = await collect(depsWith(), { events: [event("shop"), event("shop", 1)] }, NOW, headers);
      expect([out.result.statusCode, out.json, out.dropped, out.dropReason, out.rejected]).to.deep.equal([
        403,
        { error: "OriginNotAllowed", message },
        2,
        "origin",
        0,
      ]);
    }
    await expectNothingStored();
  });

  it("answers 400 UnknownSite naming the known ids for an unknown id, and for a missing one without a default site", async () => {
    const unknown = await collect(depsWith(), event("blog"), NOW, fromPage("https://shop.test"));
    expect([unknown.result.statusCode, unknown.json, unknown.dropReason]).to.deep.equal([
      400,
      {
        error: "UnknownSite",
        message: 'site_id "blog" is not a site of this stack, nothing was stored (known: shop, feed).',
        details: [{ field: "site_id", problem: '"blog" is not a site of this stack (known: shop, feed)' }],
      },
      "unknown_site",
    ]);
    const missing = await collect(depsWith(), event(undefined), NOW, fromPage("https://shop.test"));
    expect([missing.result.statusCode, missing.json.error, missing.json.details]).to.deep.equal([
      400,
      "UnknownSite",
      [{ field: "site_id", problem: "is required (this stack has no defaultSite)" }],
    ]);
    await expectNothingStored();
  });

  it("gives an event without site_id the default site, which the page must still belong to", async () => {
    const ok = await collect(depsWith("shop"), event(undefined), NOW, fromPage("https://shop.test"));
    expect(ok.result.statusCode).to.equal(200);
    const foreign = await collect(depsWith("shop"), event(undefined, 1), NOW, fromPage("https://feed.test"));
    expect([foreign.result.statusCode, foreign.json.error]).to.deep.equal([403, "OriginNotAllowed"]);
  });

  it("refuses a batch mixing two sites with 400 ValidationError naming each differing event, and stores none of it", async () => {
    const out = await collect(
      depsWith("shop"),
      { events: [event("shop"), event(undefined, 1), event("feed", 2)] },
      NOW,
      fromPage("https://shop.test"),
    );
    expect([out.result.statusCode, out.json.error, out.json.details, out.rejected, out.dropped]).to.deep.equal([
      400,
      "ValidationError",
      [{ index: 2, field: "site_id", problem: 'is "feed" but event 0\'s is "shop"; one request carries one site' }],
      3,
      undefined,
    ]);
    await expectNothingStored();
  });

  it("refuses a site_id of the wrong shape as a validation error of that field", async () => {
    const out = await collect(depsWith(), {
      events: [event("shop"), { ...event("shop", 1), site_id: "Shop!" }, { ...event("shop", 2), site_id: 7 }],
    });
    expect([out.result.statusCode, out.json.details]).to.deep.equal([
      400,
      [
        { index: 1, field: "site_id", problem: "must be 3-40 characters of a-z, 0-9 or '-'" },
        { index: 2, field: "site_id", problem: "must be a string" },
      ],
    ]);
    await expectNothingStored();
  });

  it("does not fold site_id into properties", async () => {
    await collect(depsWith(), event("shop"), NOW, fromPage("https://shop.test"));
    const [stored] = await scanAll(dynamo.client(), tables.events);
    expect(stored!.properties).to.deep.equal({});
  });

  it("answers a bot or a headless browser on a listed page 200 with dropped and the reason, and stores nothing", async () => {
    for (const ua of [
      HEADLESS,
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      "Mozilla/5.0 (compatible; UptimeRobot/2.0)",
    ]) {
      const out = await collect(
        depsWith(),
        { events: [event("shop"), event("shop", 1), event("shop", 2)] },
        NOW,
        fromPage("https://shop.test", ua),
      );
      expect([out.result.statusCode, out.json, out.dropped, out.dropReason, out.events]).to.deep.equal([
        200,
        { accepted: 0, dropped: 3, reason: "bot" },
        3,
        "bot",
        0,
      ]);
    }
    await expectNothingStored();
  });

  it("does not judge a declared server sender by its User-Agent (SDKs and curl look like scripts to any bot list)", async () => {
    expect(isBotUserAgent("curl/8.5.0")).to.equal(true);
    const out = await collect(depsWith(), event("feed"), NOW, { "user-agent": "curl/8.5.0" });
    expect(out.result.statusCode).to.equal(200);
  });

  it("keeps the same session id under two sites as two sessions: own rows, own counters, own realtime counts", async () => {
    const deps = depsWith();
    const send = (site: string, i: number, page: string) =>
      collect(deps, { ...event(site, i), page_url: page }, NOW, fromPage(`https://${site}.test`));
    const shop = await send("shop", 1, "https://shop.test/a");
    const feed = await send("feed", 2, "https://feed.test/b");
    await send("shop", 3, "https://shop.test/c");
    expect([shop.json.session_id, feed.json.session_id]).to.deep.equal(["s1", "s1"]);
    const sessions = await scanAll(dynamo.client(), tables.sessions);
    expect(sessions.map((row) => [row.session_id, row.site_id, row.total_events, row.exit_page])).to.deep.equal([
      ["feed#s1", "feed", 1, "https://feed.test/b"],
      ["shop#s1", "shop", 2, "https://shop.test/c"],
    ]);
    const live = async (site: string) => (await realtimeAt(dynamo.client(), tables, NOW, site)).top_pages;
    expect([await live("feed"), await live("shop")]).to.deep.equal([
      [{ page_url: "https://feed.test/b", sessions: 1 }],
      [{ page_url: "https://shop.test/c", sessions: 1 }],
    ]);
    const events = await scanAll(dynamo.client(), tables.events);
    expect(events.map((e) => [e.session_id, e.site_id, e.event_id])).to.deep.equal([
      ["feed#s1", "feed", "e2"],
      ["shop#s1", "shop", "e1"],
      ["shop#s1", "shop", "e3"],
    ]);
  });

  it("decides the same for any order of a batch's events (one site, the same reason, nothing partial)", async () => {
    const deps = depsWith("shop");
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(["shop", undefined, "feed", "blog"], { minLength: 1 }), async (sites) => {
        const out = await collect(deps, { events: sites.map((s, i) => event(s, i)) }, NOW, fromPage("https://shop.test"));
        const resolved = new Set(sites.map((s) => s ?? "shop"));
        const expected = resolved.size > 1 ? 400 : resolved.has("blog") ? 400 : resolved.has("feed") ? 403 : 200;
        expect(out.result.statusCode, JSON.stringify(sites)).to.equal(expected);
        if (expected !== 200) expect(out.events).to.equal(0);
      }),
      { numRuns: 30 },
    );
  });
});
