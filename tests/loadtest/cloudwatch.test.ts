import { GetMetricDataCommand, type GetMetricDataInput, type GetMetricDataOutput } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import {
  aggregateValues,
  alignWindow,
  buildMetricDataInput,
  fetchMetricData,
  type MetricDataClient,
  metricSpecs,
  renderMetrics,
  summarizeMetrics,
} from "../../scripts/loadtest/cloudwatch";

const TARGET = { functionName: "LiveInsight-dev-collector", environment: "dev" };
const at = (time: string) => new Date(`2025-01-15T${time}Z`);

/** Answers from a fixed list of pages keyed by the NextToken it is asked for; records every input. */
function stubClient(pages: Record<string, GetMetricDataOutput>): MetricDataClient & { inputs: GetMetricDataInput[] } {
  const inputs: GetMetricDataInput[] = [];
  return {
    inputs,
    async send(command: GetMetricDataCommand) {
      expect(command).to.be.instanceOf(GetMetricDataCommand);
      inputs.push(command.input);
      const page = pages[command.input.NextToken ?? "first"];
      if (!page) throw new Error(`unexpected NextToken ${command.input.NextToken}`);
      return page;
    },
  };
}

describe("loadtest CloudWatch metrics", () => {
  it("asks for Lambda and LiveInsight metrics with the right dimensions and statistics", () => {
    const input = buildMetricDataInput(metricSpecs(TARGET), at("12:00:17"), at("12:01:05"));
    expect(input.StartTime).to.deep.equal(at("12:00:00"));
    expect(input.EndTime).to.deep.equal(at("12:02:00"));
    expect(input.ScanBy).to.equal("TimestampAscending");
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
      ["processing_time_p99", "LiveInsight", "ProcessingTime", env, "p99", 60, true],
    ]);
    for (const query of input.MetricDataQueries!) expect(query.Id).to.match(/^[a-z][a-zA-Z0-9_]*$/);
  });

  it("aligns the window to whole periods and never makes it empty", () => {
    expect(alignWindow(at("12:00:00"), at("12:00:00"))).to.deep.equal({ start: at("12:00:00"), end: at("12:01:00") });
    expect(alignWindow(at("12:00:59.999"), at("12:03:00"))).to.deep.equal({ start: at("12:00:00"), end: at("12:03:00") });
    expect(alignWindow(at("12:07:10"), at("12:08:20"), 300)).to.deep.equal({ start: at("12:05:00"), end: at("12:10:00") });
  });

  it("follows NextToken and merges each metric's pages in order", async () => {
    const client = stubClient({
      first: {
        NextToken: "page-2",
        MetricDataResults: [
          { Id: "invocations", Timestamps: [at("12:00:00")], Values: [600], StatusCode: "PartialData" },
          { Id: "errors", Timestamps: [at("12:00:00")], Values: [0], StatusCode: "PartialData" },
        ],
      },
      "page-2": {
        MetricDataResults: [{ Id: "invocations", Timestamps: [at("12:01:00")], Values: [650], StatusCode: "Complete" }],
      },
    });
    const input = buildMetricDataInput(metricSpecs(TARGET), at("12:00:10"), at("12:01:40"));
    const results = await fetchMetricData(client, input);
    expect(client.inputs.map((i) => i.NextToken)).to.deep.equal([undefined, "page-2"]);
    expect(client.inputs[1].MetricDataQueries).to.equal(input.MetricDataQueries);
    expect(results).to.deep.equal([
      { Id: "invocations", Timestamps: [at("12:00:00"), at("12:01:00")], Values: [600, 650], StatusCode: "Complete" },
      { Id: "errors", Timestamps: [at("12:00:00")], Values: [0], StatusCode: "PartialData" },
    ]);
  });

  it("gives up with a clear error when pages never end", async () => {
    const client = stubClient({
      first: { NextToken: "again", MetricDataResults: [] },
      again: { NextToken: "again", MetricDataResults: [] },
    });
    const error = await fetchMetricData(client, buildMetricDataInput(metricSpecs(TARGET), at("12:00:00"), at("12:01:00")), 3).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).to.equal("GetMetricData still returned a NextToken after 3 pages; the window is too large.");
  });

  it("folds each metric into one window figure: sums, worst minute, mean of minutes", () => {
    expect(aggregateValues("sum", [600, 650])).to.equal(1250);
    expect(aggregateValues("max", [21.5, 48.25, 30])).to.equal(48.25);
    expect(aggregateValues("mean", [10, 20, 60])).to.equal(30);
    expect(aggregateValues("sum", [])).to.equal(null);
  });

  it("renders a stub client's answer as a table, with 'no data' for silent metrics", async () => {
    const specs = metricSpecs(TARGET);
    const client = stubClient({
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
    const input = buildMetricDataInput(specs, at("12:00:10"), at("12:01:40"));
    const metrics = summarizeMetrics(specs, await fetchMetricData(client, input));
    expect(metrics[0]).to.deep.equal({
      id: "invocations",
      label: "Lambda Invocations",
      unit: "count",
      aggregate: "sum",
      value: 1250,
      datapoints: [
        { timestamp: "2025-01-15T12:00:00.000Z", value: 600 },
        { timestamp: "2025-01-15T12:01:00.000Z", value: 650 },
      ],
    });
    const text = renderMetrics({
      function_name: TARGET.functionName,
      environment: "dev",
      start: "2025-01-15T12:00:00.000Z",
      end: "2025-01-15T12:02:00.000Z",
      period_s: 60,
      metrics,
    });
    expect(text).to.equal(
      [
        "CloudWatch: LiveInsight-dev-collector, Environment=dev, 2025-01-15T12:00:00.000Z to 2025-01-15T12:02:00.000Z, 60 s periods",
        "  Lambda Invocations (count)                    1250  sum              [600 650]",
        "  Lambda Duration avg (ms)                     12.13  mean of minutes  [12.50 11.75]",
        "  Lambda Duration p99 (ms)                        51  worst minute     [48.25 51]",
        "  Lambda Errors (count)                            1  sum              [0 1]",
        "  Lambda Throttles (count)                   no data  sum",
        "  Lambda ConcurrentExecutions max (count)          9  worst minute     [7 9]",
        "  LiveInsight EventsProcessed (count)          12500  sum              [6000 6500]",
        "  LiveInsight ProcessingTime p99 (ms)        no data  worst minute",
      ].join("\n"),
    );
  });

  it("says why every figure is missing when CloudWatch has not published yet", () => {
    const metrics = summarizeMetrics(metricSpecs(TARGET), []);
    const text = renderMetrics({ function_name: "f", environment: "dev", start: "s", end: "e", period_s: 60, metrics });
    expect(text.split("\n").pop()).to.equal(
      "  (no datapoints yet: CloudWatch publishes 1-3 minutes late; re-run with a larger --cloudwatch-wait)",
    );
  });
});
