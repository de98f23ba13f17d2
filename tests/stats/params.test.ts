import { expect } from "chai";
import { siteTable } from "../../functions/core/admission";
import { ClientError } from "../../functions/core/errors";
import { parseStatsQuery } from "../../functions/stats/params";

const rules = { retentionDays: 30, now: Date.parse("2026-12-08T12:00:00Z") };
const base = { site: "local", from: "2026-12-01", to: "2026-12-07" };

function problem(query: Record<string, string>, r: Parameters<typeof parseStatsQuery>[1] = rules) {
  try {
    parseStatsQuery(query, r);
  } catch (error) {
    expect(error).to.be.instanceOf(ClientError);
    const e = error as ClientError;
    expect(e.statusCode).to.equal(400);
    return { field: e.details?.[0].field, message: e.message };
  }
  throw new Error("expected a 400");
}

describe("stats: query parameters", () => {
  it("defaults to the aggregate view and a breakdown to the top 10", () => {
    expect(parseStatsQuery(base, rules)).to.deep.equal({ ...base, view: "aggregate" });
    expect(parseStatsQuery({ ...base, view: "breakdown", by: "referrer" }, rules)).to.deep.equal({
      ...base,
      view: "breakdown",
      by: "referrer",
      limit: 10,
    });
    expect(parseStatsQuery({ ...base, view: "timeseries", interval: "hour" }, rules)).to.deep.equal({
      ...base,
      view: "timeseries",
      interval: "hour",
    });
  });

  const cases: [string, Record<string, string>, string, string][] = [
    ["a missing site", { from: base.from, to: base.to }, "site", 'Query parameter "site" is required.'],
    ["a site with a quote", { ...base, site: "a'b" }, "site", 'Query parameter "site" must be a site id ([a-z0-9-], 3 to 40 characters).'],
    ["a day that does not exist", { ...base, from: "2026-02-30" }, "from", 'Query parameter "from" must be a UTC day as YYYY-MM-DD.'],
    ["from after to", { ...base, from: "2026-12-08" }, "from", 'Query parameter "from" must not be after "to" (2026-12-07).'],
    ["an unknown view", { ...base, view: "funnel" }, "view", 'Query parameter "view" must be one of aggregate, timeseries, breakdown.'],
    [
      "a timeseries without interval",
      { ...base, view: "timeseries" },
      "interval",
      'Query parameter "interval" is required with view=timeseries (day or hour).',
    ],
    [
      "a week interval",
      { ...base, view: "timeseries", interval: "week" },
      "interval",
      'Query parameter "interval" must be one of day, hour.',
    ],
    [
      "a breakdown without by",
      { ...base, view: "breakdown" },
      "by",
      'Query parameter "by" is required with view=breakdown (page, referrer or event_type).',
    ],
    [
      "limit 0",
      { ...base, view: "breakdown", by: "page", limit: "0" },
      "limit",
      'Query parameter "limit" must be a whole number from 1 to 100.',
    ],
    [
      "limit 101",
      { ...base, view: "breakdown", by: "page", limit: "101" },
      "limit",
      'Query parameter "limit" must be a whole number from 1 to 100.',
    ],
    ["limit on an aggregate", { ...base, limit: "5" }, "limit", 'Query parameter "limit" applies only to view=breakdown.'],
    [
      "an unknown parameter",
      { ...base, sort: "x" },
      "sort",
      'Query parameter "sort" is not a parameter of /stats (use site, from, to, view, interval, by, limit).',
    ],
    [
      "a range longer than the retention",
      { site: "local", from: "2026-11-08", to: "2026-12-08" },
      "to",
      'Query parameter "to" makes a range of 31 days, longer than the retention of 30 days (eventRetentionDays).',
    ],
    [
      "a start before the retention",
      { site: "local", from: "2026-11-08", to: "2026-11-09" },
      "from",
      'Query parameter "from" is before 2026-11-09, the oldest day the archive keeps (eventRetentionDays 30).',
    ],
  ];
  for (const [what, query, field, message] of cases)
    it(`refuses ${what} with a 400 naming ${field}`, () => expect(problem(query)).to.deep.equal({ field, message }));

  it("reads the stack's site table: unknown → 400 UnknownSite naming the ids; absent → the default, else the only site, else 400", () => {
    const two = [
      { id: "shop", hosts: ["shop.example"], allowServer: false },
      { id: "blog", hosts: ["blog.example"], allowServer: false },
    ];
    const unknown = () => parseStatsQuery(base, { ...rules, sites: siteTable(two) });
    expect(unknown).to.throw(ClientError, 'site "local" is not a site of this stack (known: shop, blog).');
    try {
      unknown();
    } catch (error) {
      expect((error as ClientError).code).to.equal("UnknownSite");
      expect((error as ClientError).details?.[0].field).to.equal("site");
    }
    const { site: _, ...noSite } = base;
    expect(parseStatsQuery(noSite, { ...rules, sites: siteTable(two, "blog") }).site).to.equal("blog");
    expect(parseStatsQuery(noSite, { ...rules, sites: siteTable([two[0]!]) }).site).to.equal("shop");
    expect(() => parseStatsQuery(noSite, { ...rules, sites: siteTable(two) })).to.throw(
      ClientError,
      "Name the site to report on: GET /stats?site=<id> (known: shop, blog).",
    );
    expect(parseStatsQuery({ ...base, site: "blog" }, { ...rules, sites: siteTable(two) }).site).to.equal("blog");
  });

  it("accepts exactly the retention's length ending today", () => {
    expect(parseStatsQuery({ site: "local", from: "2026-11-09", to: "2026-12-08" }, rules).from).to.equal("2026-11-09");
  });
});
