/**
 * End to end, without AWS: an injected storage failure (fault injector around the real dynalite
 * client, through the real handler composition Lambda runs) → the request lines the handler
 * really writes → the real metric filter patterns (evaluated by tests/support/filter-pattern.ts)
 * → per-period datapoints → the real alarm expression and "M of N" rule. Proves the 5xx-rate
 * alarm fires on a storage outage while Lambda's Errors metric stays 0. The AWS/Lambda metrics the
 * expression also reads are what Lambda publishes for the same invocations: Invocations counts every
 * invocation, successful or not, Errors those that threw (Lambda Developer Guide, "Types of metrics
 * for Lambda functions": https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { expect } from "chai";
import { accessLogFormat } from "../../components/collector-api";
import { type AlarmSpec, type AlarmThresholds, buildAlarmSpecs, METRIC_FILTERS, type MonitoredResources } from "../../components/metrics";
import { createDocumentClient } from "../../functions/shared/clients";
import { collectorHandler, realtimeHandler } from "../../functions/shared/handlers";
import { readStackConfig } from "../bench/stacks";
import { apiEvent, lambdaContext } from "../support/captured-logs";
import { functionEnvOn, useDynamo } from "../support/dynalite";
import { injectFaults } from "../support/fault-injector";
import { evaluateMetricFilter } from "../support/filter-pattern";
import { alarmState, evaluateMetricMath } from "../support/metric-math";

type Handler = (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type Source = "collector" | "realtime";

const STACK = "prod";
// The committed prod thresholds (1 %, 3 of 5): the alarm under test is the one that would be deployed.
const THRESHOLDS: AlarmThresholds = readStackConfig(STACK).alarmThresholds;
const RESOURCES: MonitoredResources = {
  stack: STACK,
  collectorFunctionName: "LiveInsight-prod-collector",
  realtimeFunctionName: "LiveInsight-prod-realtime",
  apiId: "api1",
  apiStageName: "$default",
  tableNames: ["LiveInsight-prod-Events", "LiveInsight-prod-Sessions", "LiveInsight-prod-ActiveSessions"],
};

const canonical = (metricName: string, dims: Record<string, unknown>) =>
  `${metricName}|${Object.entries(dims)
    .map(([k, v]) => `${k}=${String(v)}`)
    .sort()
    .join(",")}`;

const FUNCTION_NAMES: Record<Source, string> = { collector: RESOURCES.collectorFunctionName, realtime: RESOURCES.realtimeFunctionName };

/**
 * Sum per metric + dimensions of what the filters of `source` publish for one period's lines, and
 * of what AWS/Lambda publishes for the period's invocations (`invoked`, of which `thrown` threw).
 */
function datapoints(lines: string[], source: Source | "access", invoked = 0, thrown = 0): Map<string, number> {
  const sums = new Map<string, number>();
  if (source !== "access" && invoked > 0) {
    const fn = { FunctionName: FUNCTION_NAMES[source] };
    sums.set(canonical("Invocations", fn), invoked);
    sums.set(canonical("Errors", fn), thrown);
  }
  for (const filter of METRIC_FILTERS.filter((f) => f.sources.includes(source))) {
    for (const line of lines) {
      const r = evaluateMetricFilter(filter, line);
      if (r.value === undefined) continue;
      const key = canonical(filter.metricName, r.dimensions!);
      sums.set(key, (sums.get(key) ?? 0) + r.value);
    }
  }
  return sums;
}

/** The alarm's value in each period, computed with its own expression from the filters' datapoints. */
function alarmSeries(spec: AlarmSpec, periods: Map<string, number>[]): number[] {
  if (spec.kind !== "math") throw new Error(`${spec.name} is not a metric-math alarm`);
  return periods.map((sums) => {
    const values = Object.fromEntries(spec.inputs.map((i) => [i.id, sums.get(canonical(i.metric.metricName, i.metric.dimensions)) ?? NaN]));
    return evaluateMetricMath(spec.expression.expression, values);
  });
}

const specNamed = (name: string) => {
  const spec = buildAlarmSpecs(RESOURCES, THRESHOLDS, readStackConfig(STACK).diagnosticAlarms).find((s) => s.name === name);
  if (!spec) throw new Error(`no alarm ${name}`);
  return spec;
};

describe("storage outage → request lines → metric filters → 5xx-rate alarm (end to end)", () => {
  const suite = useDynamo();

  function handlers(failing: boolean, lines: string[]): { collector: Handler; realtime: Handler } {
    const env = functionEnvOn(suite, { ENVIRONMENT: STACK, AWS_MAX_ATTEMPTS: "2" });
    const client = suite.dynamo.client({ maxAttempts: 2 });
    if (failing) injectFaults(client, { serverErrorRate: 1 });
    const sink = (line: string) => lines.push(line);
    return {
      collector: collectorHandler(env, createDocumentClient(client), sink) as Handler,
      realtime: realtimeHandler(env, createDocumentClient(client), sink) as Handler,
    };
  }

  /** One period: `count` requests through the handler; returns the lines and how many invocations threw. */
  async function period(source: Source, failing: boolean, count: number, tag: string) {
    const lines: string[] = [];
    const h = handlers(failing, lines)[source];
    let thrown = 0;
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const event =
        source === "collector"
          ? apiEvent(
              "POST",
              JSON.stringify({ event_type: "page_view", session_id: `${tag}-s${i}`, event_id: `${tag}-e${i}`, page_url: "https://e.com/" }),
            )
          : { ...apiEvent("GET", undefined), rawPath: "/realtime" };
      try {
        statuses.push((await h(event, lambdaContext(`${tag}-${i}`))).statusCode ?? 0);
      } catch {
        thrown++;
      }
    }
    return { lines, thrown, statuses };
  }

  for (const [source, label] of [
    ["collector", "Collector"],
    ["realtime", "Realtime"],
  ] as const) {
    it(`${label}: three failing minutes of five raise ${label}-ErrorRate to ALARM, while Lambda Errors stays 0`, async () => {
      const plan = [false, false, true, true, true];
      const runs = [];
      for (const [i, failing] of plan.entries()) runs.push(await period(source, failing, 4, `${source}-${i}`));
      expect(runs.map((r) => r.statuses)).to.deep.equal(plan.map((f) => Array(4).fill(f ? 503 : 200)));
      // Every failure was answered, none thrown: Lambda's Errors metric would read 0 in every period.
      expect(runs.map((r) => r.thrown)).to.deep.equal([0, 0, 0, 0, 0]);
      for (const r of runs) expect(r.lines).to.have.length(4);

      const spec = specNamed(`LiveInsight-${STACK}-${label}-ErrorRate`);
      const series = alarmSeries(
        spec,
        runs.map((r) => datapoints(r.lines, source, r.statuses.length + r.thrown, r.thrown)),
      );
      expect(series).to.deep.equal([0, 0, 100, 100, 100]);
      expect(series.filter((v) => v > spec.threshold)).to.have.length(3);
      expect(alarmState(spec, series)).to.equal("ALARM");
      // Before the outage, or with one failing minute only, it stays OK.
      expect(alarmState(spec, series.slice(0, 3))).to.equal("OK");
      // Lambda Errors alone could not have seen it: no invocation threw, so the alarm's errors input reads 0.
      const errors = spec.kind === "math" ? spec.inputs.find((i) => i.metric.metricName === "Errors") : undefined;
      expect(errors?.metric.dimensions).to.deep.equal({ FunctionName: FUNCTION_NAMES[source] });
      const alone = runs.map((r) =>
        datapoints([], source, r.statuses.length, r.thrown).get(canonical("Errors", errors!.metric.dimensions)),
      );
      expect(alone).to.deep.equal([0, 0, 0, 0, 0]);
    });
  }

  it("crashes that write no request line (Lambda Errors) raise the same failure-rate alarm", () => {
    const spec = specNamed(`LiveInsight-${STACK}-Collector-ErrorRate`);
    // 20 invocations a minute; in the last three, 5 of them time out (no line, counted by Errors only).
    const okLine = JSON.stringify({ message: "request completed", service: "collector", environment: STACK, status: 200, events: 1 });
    const minute = (crashed: number) => datapoints(Array(20 - crashed).fill(okLine), "collector", 20, crashed);
    const series = alarmSeries(spec, [0, 0, 5, 5, 5].map(minute));
    expect(series).to.deep.equal([0, 0, 25, 25, 25]);
    expect(alarmState(spec, series)).to.equal("ALARM");
    expect(alarmState(spec, alarmSeries(spec, [0, 0, 0, 0, 5].map(minute)))).to.equal("OK");
  });

  it("one 503 among 200 requests stays under the 1 % threshold (0.5 %), two among 100 exceed it", async () => {
    const spec = specNamed(`LiveInsight-${STACK}-Collector-ErrorRate`);
    const ok = await period("collector", false, 4, "mix-ok");
    const bad = await period("collector", true, 1, "mix-bad");
    const okLine = ok.lines[0]!;
    const badLine = bad.lines[0]!;
    const rate = (okCount: number, badCount: number) =>
      alarmSeries(spec, [
        datapoints([...Array(okCount).fill(okLine), ...Array(badCount).fill(badLine)], "collector", okCount + badCount),
      ])[0];
    expect(rate(199, 1)).to.equal(0.5);
    expect(rate(98, 2)).to.equal(2);
    expect(rate(100, 0)).to.equal(0); // no ServerErrors datapoint at all: FILL makes it 0, not missing
    expect(rate(0, 0)).to.equal(0); // no traffic
  });

  it("stage throttling: 429s in the access log raise Api-Throttled once a period holds more than the threshold", () => {
    const spec = specNamed(`LiveInsight-${STACK}-Api-Throttled`);
    if (spec.kind !== "metric") throw new Error("Api-Throttled is a single-metric alarm");
    const line = (status: string) =>
      accessLogFormat().replace(/\$context\.[A-Za-z.]+/g, (v) => ({ "$context.apiId": "api1", "$context.status": status })[v] ?? "-");
    const minute = (throttled: number) => [...Array(throttled).fill(line("429")), ...Array(50).fill(line("200"))];
    const series = [0, 2, 11, 40, 12].map(
      (n) => datapoints(minute(n), "access").get(canonical(spec.metric.metricName, spec.metric.dimensions)) ?? NaN,
    );
    expect(series).to.deep.equal([NaN, 2, 11, 40, 12]);
    expect(spec.threshold).to.equal(THRESHOLDS.apiThrottledRequests);
    expect(alarmState(spec, series)).to.equal("ALARM"); // 11, 40, 12 > 10 in 3 of 5
    expect(alarmState(spec, [NaN, 2, 11, 40, 3])).to.equal("OK");
  });
});
