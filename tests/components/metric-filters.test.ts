import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { accessLogFormat } from "../../components/collector-api";
import {
  ACCESS_FILTER_DIMENSIONS,
  CUSTOM_NAMESPACE,
  type CustomMetricName,
  customMetricCount,
  FILTER_DIMENSIONS,
  FUNCTION_FILTER_DIMENSIONS,
  METRIC_FILTERS,
  type MetricFilterDef,
} from "../../components/metrics";
import { evaluateMetricFilter, extractMetricValue, matchesFilterPattern, parseFilterPattern } from "../support/filter-pattern";

/**
 * Collector log lines and the datapoint each metric filter must publish for them (a metric absent
 * from `publishes` must publish nothing). Shaped exactly like the contract's request line; replace
 * `line` with lines captured from the real function and keep the expectations in step.
 */
interface LogFixture {
  readonly name: string;
  readonly line: string;
  readonly publishes: Partial<Record<CustomMetricName, number>>;
}

const COLLECTOR_LOG_FIXTURES: readonly LogFixture[] = [
  {
    name: "200, one event, new session, cold start",
    line: '{"timestamp":"2025-01-15T10:00:00.000Z","level":"INFO","message":"request completed","service":"collector","environment":"dev","request_id":"req-1","cold_start":true,"events":1,"rejected":0,"sessions":1,"sessions_created":1,"processing_time_ms":12,"status":200}',
    publishes: { EventsProcessed: 1, SessionsCreated: 1 },
  },
  {
    name: "200, batch of 3 into known sessions",
    line: '{"timestamp":"2025-01-15T10:00:01.000Z","level":"INFO","message":"request completed","service":"collector","environment":"dev","request_id":"req-2","cold_start":false,"events":3,"rejected":0,"sessions":2,"sessions_created":0,"processing_time_ms":8,"status":200}',
    publishes: { EventsProcessed: 3 },
  },
  {
    name: "400 validation error rejecting 2 events",
    line: '{"timestamp":"2025-01-15T10:00:02.000Z","level":"WARN","message":"request completed","service":"collector","environment":"dev","request_id":"req-3","cold_start":false,"events":0,"rejected":2,"sessions":0,"sessions_created":0,"processing_time_ms":1,"status":400,"error_name":"ValidationError","error_message":"events[1].event_type is required"}',
    publishes: { EventsRejected: 2 },
  },
  {
    name: "400 malformed JSON (the body counts as one rejected event, as the collector logs it)",
    line: '{"timestamp":"2025-01-15T10:00:03.000Z","level":"WARN","message":"request completed","service":"collector","environment":"dev","request_id":"req-4","cold_start":false,"events":0,"rejected":1,"sessions":0,"sessions_created":0,"processing_time_ms":0,"status":400,"error_name":"InvalidJSON","error_message":"Body is not valid JSON"}',
    publishes: { EventsRejected: 1 },
  },
  {
    name: "405 wrong method (no events either way)",
    line: '{"timestamp":"2025-01-15T10:00:03.500Z","level":"WARN","message":"request completed","service":"collector","environment":"dev","request_id":"req-4b","cold_start":false,"events":0,"rejected":0,"sessions":0,"sessions_created":0,"processing_time_ms":0,"status":405,"error_name":"MethodNotAllowed","error_message":"Use POST"}',
    publishes: {},
  },
  {
    name: "503 storage failure after storing some events",
    line: '{"timestamp":"2025-01-15T10:00:04.000Z","level":"ERROR","message":"request completed","service":"collector","environment":"dev","request_id":"req-5","cold_start":false,"events":2,"rejected":0,"sessions":1,"sessions_created":1,"processing_time_ms":2950,"status":503,"error_name":"StorageUnavailable","error_message":"DynamoDB unavailable after retries"}',
    publishes: { SessionsCreated: 1, ServerErrors: 1 },
  },
  {
    name: "realtime request line (other service: only the per-function filters count it)",
    line: '{"timestamp":"2025-01-15T10:00:05.000Z","level":"ERROR","message":"request completed","service":"realtime","environment":"dev","request_id":"req-6","cold_start":false,"events":0,"rejected":0,"sessions":0,"sessions_created":0,"processing_time_ms":40,"status":500,"error_name":"Error","error_message":"scan failed"}',
    publishes: { ServerErrors: 1 },
  },
  {
    name: "collector 200 answering a bot: 3 events dropped, none stored",
    line: '{"timestamp":"2025-01-15T10:00:05.500Z","level":"INFO","message":"request completed","service":"collector","environment":"dev","request_id":"req-6b","cold_start":false,"events":0,"rejected":0,"sessions":0,"sessions_created":0,"dropped":3,"drop_reason":"bot","processing_time_ms":1,"status":200}',
    publishes: { EventsDropped: 3 },
  },
  {
    name: "collector 403 for a page of another host: 1 event dropped",
    line: '{"timestamp":"2025-01-15T10:00:05.600Z","level":"WARN","message":"request completed","service":"collector","environment":"dev","request_id":"req-6c","cold_start":false,"events":0,"rejected":0,"sessions":0,"sessions_created":0,"dropped":1,"drop_reason":"origin","processing_time_ms":0,"status":403,"error_name":"ClientError","error_message":"The page host is not a host of site"}',
    publishes: { EventsDropped: 1 },
  },
  {
    name: "another collector JSON line that is not the request summary",
    line: '{"timestamp":"2025-01-15T10:00:06.000Z","level":"ERROR","message":"unprocessed items retried","service":"collector","environment":"dev","request_id":"req-7","events":5,"processing_time_ms":3}',
    publishes: {},
  },
  {
    name: "Lambda platform line",
    line: "REPORT RequestId: 3f1c0a4e-1111-2222-3333-444455556666\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB",
    publishes: {},
  },
];

/** The first fixture line whose JSON satisfies `test` (by content, so the array can be swapped). */
function lineWhere(test: (entry: Record<string, unknown>) => boolean): string {
  for (const fixture of COLLECTOR_LOG_FIXTURES) {
    try {
      if (test(JSON.parse(fixture.line) as Record<string, unknown>)) return fixture.line;
    } catch {
      // not JSON: never what these tests look for
    }
  }
  throw new Error("no fixture line fits; the fixtures must keep a 200, a 400 and a 5xx collector line");
}

/** The line with fields changed (undefined removes a field). */
const withFields = (line: string, changes: Record<string, unknown>): string => JSON.stringify({ ...JSON.parse(line), ...changes });

const isCollector = (e: Record<string, unknown>) => e.service === "collector" && e.message === "request completed";

const filterFor = (metricName: CustomMetricName): MetricFilterDef => {
  const found = METRIC_FILTERS.find((f) => f.metricName === metricName);
  if (!found) throw new Error(`no filter for ${metricName}`);
  return found;
};

/** The filters on the functions' own log groups (the access-log filter is tested below). */
const FUNCTION_FILTERS = METRIC_FILTERS.filter((f) => !f.sources.includes("access"));

/** The dimensions a datapoint of `filter` carries for a fixture line, written out per dimension set. */
function expectedDimensions(filter: MetricFilterDef, line: string): Record<string, string> {
  if (filter.dimensions === FUNCTION_FILTER_DIMENSIONS) return { Environment: "dev", Function: JSON.parse(line).service };
  return { Environment: "dev" };
}

describe("collector metric filters", () => {
  it("define the collector's event metrics of docs/operations.md, the per-function ServerErrors and the access-log 429s, nothing an AWS metric answers", () => {
    expect(METRIC_FILTERS.map((f) => [f.metricName, f.value, f.unit, f.sources.join("+")])).to.deep.equal([
      ["EventsProcessed", "$.events", "Count", "collector"],
      ["EventsRejected", "$.rejected", "Count", "collector"],
      ["SessionsCreated", "$.sessions_created", "Count", "collector"],
      ["EventsDropped", "$.dropped", "Count", "collector"],
      ["ServerErrors", "1", "Count", "collector+realtime"],
      ["ThrottledRequests", "1", "Count", "access"],
    ]);
    expect(CUSTOM_NAMESPACE).to.equal("LiveInsight");
    expect(FILTER_DIMENSIONS).to.deep.equal({ Environment: "$.environment" });
    expect(FUNCTION_FILTER_DIMENSIONS).to.deep.equal({ Environment: "$.environment", Function: "$.service" });
    expect(ACCESS_FILTER_DIMENSIONS).to.deep.equal({ ApiId: "$.apiId" });
  });

  it("bills one custom metric per filter and source (no dimension takes more than one value per source), as docs/operations.md says", () => {
    expect(customMetricCount()).to.equal(METRIC_FILTERS.reduce((n, f) => n + f.sources.length, 0));
    for (const f of METRIC_FILTERS)
      expect(Object.values(f.dimensions), f.metricName).to.satisfy((v: string[]) =>
        v.every((x) => ["$.environment", "$.service", "$.apiId"].includes(x)),
      );
    const docs = readFileSync(path.join(__dirname, "../../docs/operations.md"), "utf8");
    expect(docs).to.contain(`**${customMetricCount()} custom metrics** per stack`);
    for (const filter of METRIC_FILTERS) expect(docs, filter.metricName).to.contain(`| \`${filter.metricName}\``);
  });

  for (const filter of FUNCTION_FILTERS) {
    describe(filter.metricName, () => {
      for (const fixture of COLLECTOR_LOG_FIXTURES) {
        const expected = fixture.publishes[filter.metricName];
        const behaviour = expected === undefined ? "publishes nothing" : `publishes ${expected} with its dimensions`;
        it(`${behaviour} for: ${fixture.name}`, () => {
          const result = evaluateMetricFilter(filter, fixture.line);
          if (expected === undefined) {
            expect(result.value, JSON.stringify(result)).to.equal(undefined);
          } else {
            expect(result).to.deep.equal({ matched: true, value: expected, dimensions: expectedDimensions(filter, fixture.line) });
          }
        });
      }
    });
  }

  it("ThrottledRequests counts the access log's 429s and nothing else", () => {
    // A line exactly as the stage's access-log format renders it: every value a quoted string, "-" when absent.
    const access = (status: string) =>
      accessLogFormat().replace(/\$context\.[A-Za-z.]+/g, (v) => ({ "$context.apiId": "abc123", "$context.status": status })[v] ?? "-");
    const filter = filterFor("ThrottledRequests");
    expect(evaluateMetricFilter(filter, access("429"))).to.deep.equal({ matched: true, value: 1, dimensions: { ApiId: "abc123" } });
    for (const status of ["200", "400", "503", "4290"])
      expect(evaluateMetricFilter(filter, access(status)).matched, status).to.equal(false);
    for (const fixture of COLLECTOR_LOG_FIXTURES) expect(matchesFilterPattern(filter.pattern, fixture.line), fixture.name).to.equal(false);
  });

  it("each filter both matches and rejects at least one fixture", () => {
    for (const filter of FUNCTION_FILTERS) {
      const outcomes = COLLECTOR_LOG_FIXTURES.map((f) => matchesFilterPattern(filter.pattern, f.line));
      expect(outcomes, filter.metricName).to.include(true).and.to.include(false);
    }
  });

  it("EventsProcessed does not count a 400 line even if it carried an events count", () => {
    const line = withFields(
      lineWhere((e) => isCollector(e) && e.status === 400),
      { events: 2 },
    );
    expect(matchesFilterPattern(filterFor("EventsProcessed").pattern, line)).to.equal(false);
  });

  it("ServerErrors counts 5xx answers of either function, whatever the line's level", () => {
    const errorLine = lineWhere((e) => isCollector(e) && e.level === "ERROR");
    const pattern = filterFor("ServerErrors").pattern;
    expect(matchesFilterPattern(pattern, withFields(errorLine, { level: "WARN" }))).to.equal(true);
    expect(matchesFilterPattern(pattern, withFields(errorLine, { status: 499 }))).to.equal(false);
    expect(matchesFilterPattern(pattern, withFields(errorLine, { service: "realtime", status: 500 }))).to.equal(true);
  });

  it("publishes no datapoint for a line without environment (the dimension comes from the line)", () => {
    const line = withFields(
      lineWhere((e) => isCollector(e) && e.status === 200),
      { environment: undefined },
    );
    const result = evaluateMetricFilter(filterFor("EventsProcessed"), line);
    expect(result).to.deep.equal({ matched: true });
  });

  it("publishes no datapoint when a counted field is a string instead of a number", () => {
    const ok = lineWhere((e) => isCollector(e) && e.status === 200);
    const line = withFields(ok, { events: String(JSON.parse(ok).events) });
    expect(evaluateMetricFilter(filterFor("EventsProcessed"), line).value).to.equal(undefined);
  });

  it("every pattern fits the 1024-character limit of a metric filter", () => {
    for (const filter of METRIC_FILTERS) expect(filter.pattern.length, filter.metricName).to.be.at.most(1024);
  });
});

describe("filter-pattern evaluator", () => {
  const line = JSON.stringify({
    a: "x",
    b: 3,
    c: 0,
    s: "UpdateTrail",
    t: true,
    f: false,
    n: null,
    num: "200",
    nested: { list: [{ k: "v0" }, { k: "v1" }] },
  });
  const matches = (pattern: string, l = line): boolean => matchesFilterPattern(pattern, l);

  it("evaluates && of a string and a numeric comparison", () => {
    expect(matches('{ $.a = "x" && $.b > 0 }')).to.equal(true);
    expect(matches('{ $.a = "x" && $.c > 0 }')).to.equal(false);
  });

  it("compares strings with = and !=, quoted or bare", () => {
    expect(matches('{ $.a = "x" }')).to.equal(true);
    expect(matches("{ $.a = x }")).to.equal(true);
    expect(matches('{ $.a != "x" }')).to.equal(false);
    expect(matches('{ $.a != "y" }')).to.equal(true);
  });

  it("compares numbers with every operator", () => {
    const cases: [string, boolean][] = [
      ["$.b = 3", true],
      ["$.b != 3", false],
      ["$.b < 3", false],
      ["$.b <= 3", true],
      ["$.b > 2.5", true],
      ["$.b >= 4", false],
      ["$.c = 0", true],
      ["$.b > -1", true],
    ];
    for (const [expr, expected] of cases) expect(matches(`{ ${expr} }`), expr).to.equal(expected);
  });

  it("never compares across types: a number literal needs a JSON number, a string literal a JSON string", () => {
    expect(matches("{ $.num = 200 }")).to.equal(false);
    expect(matches('{ $.num = "200" }')).to.equal(true);
    expect(matches('{ $.b = "3" }')).to.equal(false);
  });

  it("treats = * as 'present' and * inside a string as a wildcard", () => {
    expect(matches("{ $.b = * }")).to.equal(true);
    expect(matches('{ $.a = "*" }')).to.equal(true);
    expect(matches("{ $.missing = * }")).to.equal(false);
    expect(matches('{ $.s = "Update*" }')).to.equal(true);
    expect(matches('{ $.s = "*Trail" }')).to.equal(true);
    expect(matches('{ $.s = "Delete*" }')).to.equal(false);
    expect(matches('{ $.s != "Delete*" }')).to.equal(true);
  });

  it("fails every comparison on a missing field, != included; NOT EXISTS tests for absence", () => {
    expect(matches('{ $.missing != "x" }')).to.equal(false);
    expect(matches("{ $.missing < 5 }")).to.equal(false);
    expect(matches("{ $.missing NOT EXISTS }")).to.equal(true);
    expect(matches("{ $.a NOT EXISTS }")).to.equal(false);
  });

  it("supports IS TRUE, IS FALSE and IS NULL", () => {
    expect(matches("{ $.t IS TRUE }")).to.equal(true);
    expect(matches("{ $.t IS FALSE }")).to.equal(false);
    expect(matches("{ $.f IS FALSE }")).to.equal(true);
    expect(matches("{ $.n IS NULL }")).to.equal(true);
    expect(matches("{ $.a IS NULL }")).to.equal(false);
    expect(matches("{ $.missing IS NULL }")).to.equal(false);
  });

  it("gives && precedence over || and honours parentheses", () => {
    expect(matches('{ $.a = "y" && $.b = 3 || $.c = 0 }')).to.equal(true);
    expect(matches('{ $.a = "y" && ($.b = 3 || $.c = 0) }')).to.equal(false);
    expect(matches('{ ($.a = "y" || $.b = 3) && $.c = 0 }')).to.equal(true);
  });

  it("follows nested fields and array indexes", () => {
    expect(matches('{ $.nested.list[1].k = "v1" }')).to.equal(true);
    expect(matches('{ $.nested.list[0].k = "v1" }')).to.equal(false);
    expect(matches('{ $.nested.list[5].k = "v1" }')).to.equal(false);
  });

  it("matches only log events that are a whole JSON object", () => {
    expect(matches('{ $.a = "x" }', `2025-01-15T10:00:00.000Z\treq\tINFO\t${line}`)).to.equal(false);
    expect(matches('{ $.a = "x" }', '[{"a":"x"}]')).to.equal(false);
    expect(matches('{ $.a = "x" }', "not json")).to.equal(false);
  });

  it("rejects syntax it does not understand instead of guessing", () => {
    for (const bad of [
      '$.a = "x"',
      '{ $.a = "x"',
      '{ $.a > "x" }',
      "{ $.a = %x.*% }",
      '{ $.a = "x" } extra',
      "{ a = 1 }",
      "{ $.a IS MAYBE }",
      "{ }",
    ]) {
      expect(() => parseFilterPattern(bad), bad).to.throw();
    }
  });

  it("extracts metric values from literals and numeric selectors only", () => {
    expect(extractMetricValue("1", line)).to.equal(1);
    expect(extractMetricValue("$.b", line)).to.equal(3);
    expect(extractMetricValue("$.num", line)).to.equal(undefined);
    expect(extractMetricValue("$.missing", line)).to.equal(undefined);
    expect(() => extractMetricValue("b", line)).to.throw(/number or a \$\. selector/);
  });

  it("reports dimensions and value of a published datapoint", () => {
    expect(evaluateMetricFilter({ pattern: "{ $.b > 0 }", value: "$.b", dimensions: { Name: "$.a" } }, line)).to.deep.equal({
      matched: true,
      value: 3,
      dimensions: { Name: "x" },
    });
    expect(evaluateMetricFilter({ pattern: "{ $.b > 5 }", value: "$.b" }, line)).to.deep.equal({ matched: false });
  });
});
