import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { expect } from "chai";
import { dashboardPage, gzippedSize } from "../../components/dashboard-asset";
import { DASHBOARD_BUDGET_GZ_BYTES } from "../../contracts/stats";
import { bearerToken, cachedKey, keysMatch } from "../../functions/stats/auth";
import { EngineUnavailableError, type StatsEngine } from "../../functions/stats/engine";
import { statsHandler } from "../../functions/stats/handler";

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
      page: { app: "<html>app</html>", login: "<html>login</html>" },
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
    expect([withKey.statusCode, withKey.body]).to.deep.equal([200, "<html>app</html>"]);
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
    const live = await failing.call("/stats/realtime", { authorization: `Bearer ${KEY}` });
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
});
