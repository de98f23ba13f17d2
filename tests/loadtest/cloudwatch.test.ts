import { expect } from "chai";
import { aggregateValues, buildMetricDataInput, fetchMetricData, renderMetrics } from "../../scripts/loadtest/cloudwatch";
import { stubCloudWatch } from "./stub-cloudwatch";

const at = (time: string) => new Date(`2025-01-15T${time}Z`);

describe("loadtest CloudWatch metrics", () => {
  it("asks for Lambda and LiveInsight metrics with the stack's dimensions and statistics", () => {
    const input = buildMetricDataInput("dev", at("12:00:17"), at("12:01:05"));
    expect([input.StartTime, input.EndTime, input.ScanBy]).to.deep.equal([at("12:00:00"), at("12:02:00"), "TimestampAscending"]);
    const queries = input.MetricDataQueries!.map((q) => [
      q.Id,
      q.MetricStat!.Metric!.Namespace,
      q.MetricStat!.Metric!.MetricName,
      q.MetricStat!.Metric!.Dimensions,
      q.MetricStat!.Stat,
      q.MetricStat!.Period,
      q.ReturnData,
    ]);
    const fn = [{ Name: "FunctionName", Value: "LiveInsight-dev-collector" }];
    const env = [{ Name: "Environment", Value: "dev" }];
    expect(queries).to.deep.equal([
      ["invocations", "AWS/Lambda", "Invocations", fn, "Sum", 60, true],
      ["duration_avg", "AWS/Lambda", "Duration", fn, "Average", 60, true],
      ["duration_p99", "AWS/Lambda", "Duration", fn, "p99", 60, true],
      ["errors", "AWS/Lambda", "Errors", fn, "Sum", 60, true],
      ["throttles", "AWS/Lambda", "Throttles", fn, "Sum", 60, true],
      ["concurrent_executions", "AWS/Lambda", "ConcurrentExecutions", fn, "Maximum", 60, true],
      ["events_processed", "LiveInsight", "EventsProcessed", env, "Sum", 60, true],
    ]);
    for (const query of input.MetricDataQueries!) expect(query.Id).to.match(/^[a-z][a-zA-Z0-9_]*$/);
  });

  it("aligns the window to whole minutes and never makes it empty", () => {
    const window = (start: string, end: string) => {
      const input = buildMetricDataInput("dev", at(start), at(end));
      return [input.StartTime, input.EndTime];
    };
    expect(window("12:00:00", "12:00:00")).to.deep.equal([at("12:00:00"), at("12:01:00")]);
    expect(window("12:00:59.999", "12:03:00")).to.deep.equal([at("12:00:00"), at("12:03:00")]);
  });

  it("follows NextToken and merges each metric's pages in time order", async () => {
    const client = stubCloudWatch({
      first: {
        NextToken: "page-2",
        MetricDataResults: [
          { Id: "invocations", Timestamps: [at("12:01:00")], Values: [650] },
          { Id: "errors", Timestamps: [at("12:00:00")], Values: [0] },
        ],
      },
      "page-2": { MetricDataResults: [{ Id: "invocations", Timestamps: [at("12:00:00")], Values: [600] }] },
    });
    const input = buildMetricDataInput("dev", at("12:00:10"), at("12:01:40"));
    const summary = await fetchMetricData(client, "dev", input);
    expect(client.inputs.map((i) => i.NextToken)).to.deep.equal([undefined, "page-2"]);
    expect(client.inputs[1].MetricDataQueries).to.deep.equal(input.MetricDataQueries);
    expect(summary.metrics[0]).to.deep.equal({
      id: "invocations",
      label: "Lambda Invocations (count)",
      aggregate: "sum",
      value: 1250,
      datapoints: [
        { timestamp: "2025-01-15T12:00:00.000Z", value: 600 },
        { timestamp: "2025-01-15T12:01:00.000Z", value: 650 },
      ],
    });
    expect(summary.metrics.find((m) => m.id === "errors")!.value).to.equal(0);
    expect(summary.metrics.find((m) => m.id === "throttles")!.value).to.equal(null);
  });

  it("stops when CloudWatch hands back the token it was asked for", async () => {
    const client = stubCloudWatch({
      first: { NextToken: "again", MetricDataResults: [] },
      again: { NextToken: "again", MetricDataResults: [] },
    });
    await fetchMetricData(client, "dev", buildMetricDataInput("dev", at("12:00:00"), at("12:01:00")));
    expect(client.inputs.map((i) => i.NextToken)).to.deep.equal([undefined, "again"]);
  });

  it("folds each metric into one window figure: sums, worst minute, mean of minutes", () => {
    expect(aggregateValues("sum", [600, 650])).to.equal(1250);
    expect(aggregateValues("max", [21.5, 48.25, 30])).to.equal(48.25);
    expect(aggregateValues("mean", [10, 20, 60])).to.equal(30);
    expect(aggregateValues("sum", [])).to.equal(null);
  });

  it("renders a stub client's answer as a table, with 'no data' for silent metrics", async () => {
    const client = stubCloudWatch({
      first: {
        MetricDataResults: [
          // ScanBy is ascending, but the renderer must not rely on it
          { Id: "invocations", Timestamps: [at("12:01:00"), at("12:00:00")], Values: [650, 600] },
          { Id: "duration_avg", Timestamps: [at("12:00:00"), at("12:01:00")], Values: [12.5, 11.75] },
          { Id: "duration_p99", Timestamps: [at("12:00:00"), at("12:01:00")], Values: [48.25, 51] },
          { Id: "errors", Timestamps: [at("12:00:00"), at("12:01:00")], Values: [0, 1] },
          { Id: "throttles", Timestamps: [], Values: [] },
          { Id: "concurrent_executions", Timestamps: [at("12:00:00"), at("12:01:00")], Values: [7, 9] },
          { Id: "events_processed", Timestamps: [at("12:00:00"), at("12:01:00")], Values: [6000, 6500] },
        ],
      },
    });
    const summary = await fetchMetricData(client, "dev", buildMetricDataInput("dev", at("12:00:10"), at("12:01:40")));
    expect(renderMetrics(summary)).to.equal(
      [
        "CloudWatch: LiveInsight-dev-collector, Environment=dev, 2025-01-15T12:00:00.000Z to 2025-01-15T12:02:00.000Z, 60 s periods",
        "  Lambda Invocations (count)                    1250  sum              [600 650]",
        "  Lambda Duration avg (ms)                     12.13  mean of minutes  [12.50 11.75]",
        "  Lambda Duration p99 (ms)                        51  worst minute     [48.25 51]",
        "  Lambda Errors (count)                            1  sum              [0 1]",
        "  Lambda Throttles (count)                   no data  sum",
        "  Lambda ConcurrentExecutions max (count)          9  worst minute     [7 9]",
        "  LiveInsight EventsProcessed (count)          12500  sum              [6000 6500]",
      ].join("\n"),
    );
  });

  it("says why every figure is missing when CloudWatch has not published yet", async () => {
    const summary = await fetchMetricData(
      stubCloudWatch({ first: {} }),
      "dev",
      buildMetricDataInput("dev", at("12:00:00"), at("12:01:00")),
    );
    expect(renderMetrics(summary).split("\n").pop()).to.equal(
      "  (no datapoints yet: CloudWatch publishes 1-3 minutes late; re-run with a larger --cloudwatch-wait)",
    );
  });
});
