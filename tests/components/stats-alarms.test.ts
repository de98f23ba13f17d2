import { expect } from "chai";
import { type AlarmSpec, buildAlarmSpecs, type MonitoredResources } from "../../components/metrics";
import { DEFAULT_ALARM_THRESHOLDS } from "../../config";
import { CUSTOM_NAMESPACE } from "../../contracts/metrics";
import { QA_RESOURCES, qaDashboard } from "./qa-stack";

const BASE = QA_RESOURCES;
const WITH_STATS: MonitoredResources<string> = { ...BASE, statsFunctionName: "LiveInsight-qa-stats" };
const T = { ...DEFAULT_ALARM_THRESHOLDS, functionErrors: 2, functionThrottles: 7, evaluationPeriods: 5, datapointsToAlarm: 3 };

const byKey = (specs: AlarmSpec[], key: string) => specs.find((s) => s.key === key)!;
const lambdaMetric = (metricName: string, stat: string, label: string) => ({
  namespace: "AWS/Lambda",
  metricName,
  dimensions: { FunctionName: "LiveInsight-qa-stats" },
  stat,
  label,
});

describe("stats function alarms and widgets (components/metrics, from the catalog)", () => {
  it("adds exactly the stats Errors and Throttles alarms when the stack has a stats function, and none without", () => {
    const without = buildAlarmSpecs(BASE, T, false).map((s) => s.key);
    const withStats = buildAlarmSpecs(WITH_STATS, T, false).map((s) => s.key);
    expect(withStats.filter((k) => !without.includes(k))).to.deep.equal(["stats-errors", "stats-throttles"]);
    expect(without.filter((k) => k.startsWith("stats-"))).to.deep.equal([]);
  });

  it("alarms on the stats function's AWS/Lambda Errors with the stack's functionErrors threshold, idle = healthy", () => {
    expect(byKey(buildAlarmSpecs(WITH_STATS, T, false), "stats-errors")).to.deep.equal({
      key: "stats-errors",
      name: "LiveInsight-qa-Stats-Errors",
      description: "Stats Lambda Errors: crashes, timeouts (sum) above 2 in 3 of 5 periods of 60 s (stack qa).",
      threshold: 2,
      comparisonOperator: "GreaterThanThreshold",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      diagnostic: false,
      kind: "metric",
      metric: lambdaMetric("Errors", "Sum", "Stats errors"),
    });
  });

  it("alarms on the stats function's Throttles with functionThrottles", () => {
    expect(byKey(buildAlarmSpecs(WITH_STATS, T, false), "stats-throttles")).to.deep.include({
      name: "LiveInsight-qa-Stats-Throttles",
      threshold: 7,
      treatMissingData: "notBreaching",
      // Created without diagnosticAlarms: no 5xx-rate alarm watches the stats API.
      diagnostic: false,
      metric: lambdaMetric("Throttles", "Sum", "Stats throttles"),
    });
  });

  it("uses no custom metric for the stats function (it costs its two alarms only)", () => {
    const stats = buildAlarmSpecs(WITH_STATS, T, false).filter((s) => s.key.startsWith("stats-"));
    const namespaces = stats.flatMap((s) => (s.kind === "metric" ? [s.metric.namespace] : s.inputs.map((i) => i.metric.namespace)));
    expect(namespaces).to.deep.equal(["AWS/Lambda", "AWS/Lambda"]);
    expect(namespaces).not.to.include(CUSTOM_NAMESPACE);
  });

  it("draws a stats section: invocations and errors with the Errors threshold, throttles, p50/p99 duration", () => {
    const body = qaDashboard(WITH_STATS, T);
    const heading = body.widgets.findIndex((w) => "markdown" in w.properties && w.properties.markdown.startsWith("## Stats function"));
    expect(heading).to.be.greaterThan(-1);
    const graphs = body.widgets.slice(heading + 1, heading + 4).map((w) => w.properties as any);
    expect(graphs.map((g) => g.title)).to.deep.equal(["Stats invocations / errors", "Stats throttles", "Stats duration (ms)"]);
    expect(graphs[0].annotations.horizontal).to.deep.equal([
      { label: "LiveInsight-qa-Stats-Errors > 2", value: 2, color: "#d62728", fill: "above" },
    ]);
    expect(graphs[2].annotations).to.equal(undefined);
    expect(graphs[2].metrics.map((m: unknown[]) => m.at(-1))).to.deep.include.members([
      { label: "Stats duration p50", stat: "p50" },
      { label: "Stats duration p99", stat: "p99" },
    ]);
    const without = qaDashboard(BASE, T);
    expect(without.widgets.some((w) => "markdown" in w.properties && w.properties.markdown.startsWith("## Stats"))).to.equal(false);
  });
});
