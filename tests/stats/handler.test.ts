import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { expect } from "chai";
import { dashboardPage, gzippedSize } from "../../components/dashboard-asset";
import { DASHBOARD_BUDGET_GZ_BYTES } from "../../contracts/stats";
import { siteTable } from "../../functions/core/admission";
import type { RealtimeSnapshot } from "../../functions/core/realtime";
import { bearerToken, cachedKey, keysMatch } from "../../functions/stats/auth";
import { EngineUnavailableError, type StatsEngine } from "../../functions/stats/engine";
import { statsHandler } from "../../functions/stats/handler";
import { pageWithSites, SITES_ELEMENT_ID, SITES_SLOT } from "../../functions/stats/page";

const KEY = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5";
const queries: string[] = [];
const engine: StatsEngine = {
  async run(sql) {
    queries.push(sql);
    return {
      columns: ["bucket", "pageviews", "visitors", "sessions", "bounced_sessions", "duration_ms_total", "data_until"],
      rows: [["local", "3", "2", "2", "1", "1000", "2026-12-07 10:00:00.000"]],
    };
  },
};

function setup(over: Partial<Parameters<typeof statsHandler>[1]> = {}) {
  const lines: string[] = [];
  const handler = statsHandler(
    "test",
    {
      engine,
      key: async () => KEY,
      rules: () => ({ retentionDays: 30, now: Date.parse("2026-12-08T00:00:00Z") }),
      readRealtime: async () => ({
        site: "local",
        active_sessions: 4,
        active_users: 3,
        top_pages: [],
        generated_at: "2026-12-08T00:00:00.000Z",
      }),
      page: { app: `<html>${SITES_SLOT}app</html>`, login: "<html>login</html>" },
      ...over,
    },
    (line) => lines.push(line),
  );
  const call = (path: string, headers: Record<string, string> = {}, query: Record<string, string> = {}, method = "GET") =>
    handler(
      {
        rawPath: path,
        headers,
        queryStringParameters: query,
        requestContext: { http: { method }, requestId: "r" },
      } as unknown as APIGatewayProxyEventV2,
      { awsRequestId: "a" } as Context,
    );
  return { call, lines };
}

const range = { site: "local", from: "2026-12-01", to: "2026-12-07" };

describe("stats: handler and key", () => {
  it("answers 401 with a Bearer challenge for a missing, wrong, or differently long key, and never runs a query", async () => {
    const { call, lines } = setup();
    queries.length = 0;
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: `Bearer ${KEY.slice(0, -1)}x` },
      { authorization: `Bearer ${KEY}extra` },
      { authorization: `Basic ${KEY}` },
    ]) {
      const result = await call("/stats", headers, range);
      expect(result.statusCode).to.equal(401);
      expect(result.headers).to.include({ "www-authenticate": 'Bearer realm="liveinsight-stats"', "cache-control": "no-store" });
      expect(JSON.parse(String(result.body)).error).to.equal("Unauthorized");
    }
    expect(queries).to.deep.equal([]);
    expect(lines.join("\n")).not.to.include(KEY);
  });

  it("serves the key form as the 401 body of /dashboard and the page only with the key", async () => {
    const { call } = setup();
    const without = await call("/dashboard");
    expect([without.statusCode, without.body, without.headers?.["content-type"]]).to.deep.equal([
      401,
      "<html>login</html>",
      "text/html; charset=utf-8",
    ]);
    const withKey = await call("/dashboard", { authorization: `bearer ${KEY}` });
    expect([withKey.statusCode, withKey.body]).to.deep.equal([
      200,
      `<html><script type="application/json" id="${SITES_ELEMENT_ID}">{"ids":[]}</script>app</html>`,
    ]);
    expect(String(withKey.headers?.["content-security-policy"])).to.include("default-src 'none'");
  });

  it("sends no CORS header on any answer and refuses other methods with 405", async () => {
    const { call } = setup();
    const answers = [
      await call("/stats", { authorization: `Bearer ${KEY}`, origin: "https://evil.example" }, range),
      await call("/stats", {}, range),
      await call("/stats", {}, {}, "OPTIONS"),
    ];
    for (const a of answers) expect(Object.keys(a.headers ?? {}).filter((h) => h.startsWith("access-control"))).to.deep.equal([]);
    expect(answers[2].statusCode).to.equal(405);
  });

  it("answers the aggregate from the engine's text cells, with data_until", async () => {
    const { call } = setup();
    const result = await call("/stats", { authorization: `Bearer ${KEY}` }, range);
    expect(JSON.parse(String(result.body))).to.deep.equal({
      ...range,
      view: "aggregate",
      data_until: "2026-12-07T10:00:00.000Z",
      pageviews: 3,
      visitors: 2,
      sessions: 2,
      bounced_sessions: 1,
      bounce_rate: 0.5,
      mean_session_duration_ms: 500,
    });
  });

  it("answers 400 naming the parameter after the key check, 503 when the engine fails, the live count on /stats/realtime", async () => {
    const failing = setup({ engine: { run: async () => Promise.reject(new EngineUnavailableError("athena down")) } });
    const bad = await failing.call("/stats", { authorization: `Bearer ${KEY}` }, { ...range, view: "nope" });
    expect([bad.statusCode, JSON.parse(String(bad.body)).details]).to.deep.equal([
      400,
      [{ field: "view", problem: "must be one of aggregate, timeseries, breakdown" }],
    ]);
    const down = await failing.call("/stats", { authorization: `Bearer ${KEY}` }, range);
    expect([down.statusCode, JSON.parse(String(down.body)).error]).to.deep.equal([503, "StatsUnavailable"]);
    expect(failing.lines.at(-1)).to.include('"error_message":"athena down"');
    const live = await failing.call("/stats/realtime", { authorization: `Bearer ${KEY}` }, { site: "local" });
    expect(JSON.parse(String(live.body)).active_users).to.equal(3);
  });

  it("reads a Bearer token per RFC 6750 and compares keys of any length", () => {
    expect(bearerToken(`Bearer ${KEY}`)).to.equal(KEY);
    expect(bearerToken(`bearer  ${KEY}`)).to.equal(KEY);
    expect(bearerToken(`Bearer ${KEY} x`)).to.equal(undefined);
    expect(bearerToken(undefined)).to.equal(undefined);
    expect([keysMatch(KEY, KEY), keysMatch(KEY, `${KEY}a`), keysMatch("", KEY)]).to.deep.equal([true, false, false]);
  });

  it("caches the key for 60 s, re-reads it after (rotation), never caches a failed read", async () => {
    let now = 0;
    const reads: string[] = [];
    let next: string | Error = KEY;
    const key = cachedKey(
      async () => {
        reads.push(String(now));
        if (next instanceof Error) throw next;
        return next;
      },
      { now: () => now },
    );
    expect(await key()).to.equal(KEY);
    next = `${KEY}-rotated`;
    now = 59_999;
    expect(await key()).to.equal(KEY);
    now = 60_000;
    expect(await key()).to.equal(`${KEY}-rotated`);
    next = new Error("throttled");
    now = 200_000;
    await key().then(
      () => expect.fail("should throw"),
      (e: Error) => expect(e.message).to.equal("throttled"),
    );
    next = KEY;
    expect(await key()).to.equal(KEY);
    expect(reads).to.deep.equal(["0", "60000", "200000", "200000"]);
  });

  it("builds the dashboard within its gzip budget, with no URL to another origin", () => {
    const page = dashboardPage();
    expect(gzippedSize(page.app)).to.be.at.most(DASHBOARD_BUDGET_GZ_BYTES);
    for (const html of [page.app, page.login]) {
      expect(html).not.to.match(/<(script|link|img)[^>]+(src|href)=/i);
      expect(html).not.to.match(/https?:\/\/(?!www\.w3\.org)/);
    }
  });

  describe("one site per answer: /stats/realtime and the page's site list follow the stack's sites", () => {
    const site = (id: string) => ({ id, hosts: [`${id}.example`], allowServer: false });
    const snapshotOf = (id: string): RealtimeSnapshot => ({
      site: id,
      active_sessions: id.length,
      active_users: id.length - 1,
      top_pages: [],
      generated_at: "2026-12-08T00:00:00.000Z",
    });
    function withSites(ids: string[], defaultSite?: string) {
      const asked: string[] = [];
      const table = siteTable(ids.map(site), defaultSite);
      const { call } = setup({
        page: dashboardPage(),
        rules: () => ({ retentionDays: 30, sites: table, now: Date.parse("2026-12-08T00:00:00Z") }),
        readRealtime: async (id) => {
          asked.push(id);
          return snapshotOf(id);
        },
      });
      const live = async (query: Record<string, string> = {}) => {
        const result = await call("/stats/realtime", { authorization: `Bearer ${KEY}` }, query);
        return [result.statusCode, JSON.parse(String(result.body))];
      };
      return { call, live, asked };
    }

    it("answers the live count of the site named, else the default, else the only site", async () => {
      const two = withSites(["site-a", "site-bb"], "site-bb");
      expect(await two.live({ site: "site-a" })).to.deep.equal([200, snapshotOf("site-a")]);
      expect(await two.live({ site: "site-bb" })).to.deep.equal([200, snapshotOf("site-bb")]);
      expect(await two.live()).to.deep.equal([200, snapshotOf("site-bb")]);
      expect(two.asked).to.deep.equal(["site-a", "site-bb", "site-bb"]);
      const one = withSites(["solo"]);
      expect(await one.live()).to.deep.equal([200, snapshotOf("solo")]);
    });

    it("answers 400 UnknownSite naming the field site (unknown id, or none implied) and reads nothing", async () => {
      const two = withSites(["site-a", "site-b"]);
      expect(await two.live({ site: "site-c" })).to.deep.equal([
        400,
        {
          error: "UnknownSite",
          message: 'site "site-c" is not a site of this stack (known: site-a, site-b).',
          details: [{ field: "site", problem: '"site-c" is not a site of this stack (known: site-a, site-b)' }],
        },
      ]);
      expect(await two.live()).to.deep.equal([
        400,
        {
          error: "UnknownSite",
          message: "Name the site whose visitors to count: GET /stats/realtime?site=<id> (known: site-a, site-b).",
          details: [{ field: "site", problem: "is required (known: site-a, site-b)" }],
        },
      ]);
      expect(two.asked).to.deep.equal([]);
    });

    it("answers 400 InvalidParameter for a malformed site or another parameter, after the key check", async () => {
      const two = withSites(["site-a", "site-b"], "site-a");
      const [status, body] = await two.live({ site: "A!" });
      expect([status, body.error, body.details]).to.deep.equal([
        400,
        "InvalidParameter",
        [{ field: "site", problem: "must be a site id ([a-z0-9-], 3 to 40 characters)" }],
      ]);
      const [otherStatus, other] = await two.live({ site: "site-a", from: "2026-12-01" });
      expect([otherStatus, other.message]).to.deep.equal([400, 'Query parameter "from" is not a parameter of /stats/realtime (use site).']);
      const anonymous = await two.call("/stats/realtime", {}, { site: "nope!" });
      expect(anonymous.statusCode).to.equal(401);
      expect(two.asked).to.deep.equal([]);
    });

    it("answers /stats for the default site when site is absent, and 400 UnknownSite for another id", async () => {
      const two = withSites(["site-a", "site-b"], "site-b");
      const absent = await two.call("/stats", { authorization: `Bearer ${KEY}` }, { from: range.from, to: range.to });
      expect(JSON.parse(String(absent.body)).site).to.equal("site-b");
      expect(queries.at(-1)).to.include(`"site_id" = 'site-b'`);
      const unknown = await two.call("/stats", { authorization: `Bearer ${KEY}` }, { ...range, site: "site-c" });
      expect([unknown.statusCode, JSON.parse(String(unknown.body)).details[0].field]).to.deep.equal([400, "site"]);
    });

    it("serves the page with every site id and the implied one, in the built dashboard's slot", async () => {
      const built = dashboardPage().app;
      const { call } = withSites(["site-a", "site-b", "site-c"], "site-b");
      const served = await call("/dashboard", { authorization: `Bearer ${KEY}` });
      const embedded = new RegExp(`<script type="application/json" id="${SITES_ELEMENT_ID}">([^<]*)</script>`).exec(String(served.body));
      expect(JSON.parse(embedded![1])).to.deep.equal({ ids: ["site-a", "site-b", "site-c"], implied: "site-b" });
      expect(served.body).to.equal(built.replace(SITES_SLOT, embedded![0]));
      const noDefault = await withSites(["site-a", "site-b"]).call("/dashboard", { authorization: `Bearer ${KEY}` });
      expect(String(noDefault.body)).to.include('{"ids":["site-a","site-b"]}');
    });

    it("refuses to serve a page without exactly one slot, naming the builder", () => {
      const problem = `the dashboard page must contain ${SITES_SLOT} exactly once (components/dashboard-asset.ts writes it)`;
      expect(() => pageWithSites("<html></html>", { ids: ["a"] })).to.throw(problem);
      expect(() => pageWithSites(SITES_SLOT + SITES_SLOT, { ids: ["a"] })).to.throw(problem);
      expect(pageWithSites(`a${SITES_SLOT}b`, { ids: ["x</script>"] })).to.equal(
        `a<script type="application/json" id="${SITES_ELEMENT_ID}">{"ids":["x\\u003c/script>"]}</script>b`,
      );
    });
  });
});
