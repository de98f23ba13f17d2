// CloudWatch figures for the load test's window on a deployed stack: what Lambda and the
// collector's own metric filters saw while we were pushing. Only fetchMetricData talks to a
// client (the SDK's paginator); tests hand it a CloudWatchClient whose send is a stub.
import { type CloudWatchClient, type GetMetricDataInput, paginateGetMetricData } from "@aws-sdk/client-cloudwatch";
import { CUSTOM_NAMESPACE, type CustomMetricName, DIMENSIONS } from "../../contracts/metrics";
import { functionName } from "../../contracts/names";

/** How one metric's per-period values fold into one number for the whole window. */
type Aggregate = "sum" | "max" | "mean";

type Spec = [id: string, label: string, metric: string, stat: string, unit: string, aggregate: Aggregate];

const LAMBDA: Spec[] = [
  ["invocations", "Lambda Invocations", "Invocations", "Sum", "count", "sum"],
  // Mean of per-minute averages: GetMetricData gives no sample counts to weight them by.
  ["duration_avg", "Lambda Duration avg", "Duration", "Average", "ms", "mean"],
  // Percentiles cannot be summed or averaged; the worst minute is the honest single number.
  ["duration_p99", "Lambda Duration p99", "Duration", "p99", "ms", "max"],
  ["errors", "Lambda Errors", "Errors", "Sum", "count", "sum"],
  ["throttles", "Lambda Throttles", "Throttles", "Sum", "count", "sum"],
  ["concurrent_executions", "Lambda ConcurrentExecutions max", "ConcurrentExecutions", "Maximum", "count", "max"],
];
const CUSTOM: [string, string, CustomMetricName, string, string, Aggregate][] = [
  ["events_processed", "LiveInsight EventsProcessed", "EventsProcessed", "Sum", "count", "sum"],
];

/** An API Gateway URL names its region (<id>.execute-api.<region>.amazonaws.com); else undefined: the SDK's usual lookup. */
export const regionOf = (url: string): string | undefined => /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];

export const PERIOD_SECONDS = 60; // Lambda publishes 1-minute metrics; finer periods return nothing

/** The stack's queries over [start, end] widened to whole periods: CloudWatch rounds unaligned bounds and may drop the edges. */
export function buildMetricDataInput(stack: string, start: Date, end: Date): GetMetricDataInput {
  const periodMs = PERIOD_SECONDS * 1000;
  const startMs = Math.floor(start.getTime() / periodMs) * periodMs;
  const query =
    (namespace: string, dimension: [string, string]) =>
    ([id, label, metric, stat]: Spec) => ({
      Id: id,
      Label: label,
      ReturnData: true,
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: metric, Dimensions: [{ Name: dimension[0], Value: dimension[1] }] },
        Period: PERIOD_SECONDS,
        Stat: stat,
      },
    });
  return {
    StartTime: new Date(startMs),
    EndTime: new Date(Math.max(startMs + periodMs, Math.ceil(end.getTime() / periodMs) * periodMs)),
    ScanBy: "TimestampAscending",
    MetricDataQueries: [
      ...LAMBDA.map(query("AWS/Lambda", ["FunctionName", functionName(stack, "collector")])),
      ...CUSTOM.map(query(CUSTOM_NAMESPACE, [DIMENSIONS.environment, stack])),
    ],
  };
}

export type CloudWatchSummary = Awaited<ReturnType<typeof fetchMetricData>>;

/** Reads every page and folds each metric into one figure for the window, keeping its per-period values. */
export async function fetchMetricData(client: CloudWatchClient, stack: string, input: GetMetricDataInput) {
  const specs = [...LAMBDA, ...CUSTOM];
  const points = new Map(specs.map(([id]) => [id, [] as { timestamp: string; value: number }[]]));
  for await (const page of paginateGetMetricData({ client, stopOnSameToken: true }, { ...input })) {
    for (const { Id, Timestamps = [], Values = [] } of page.MetricDataResults ?? []) {
      points.get(Id!)?.push(...Values.map((value, i) => ({ timestamp: new Date(Timestamps[i]).toISOString(), value })));
    }
  }
  const metrics = specs.map(([id, label, , , unit, aggregate]) => {
    const datapoints = points.get(id)!.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    return {
      id,
      label: `${label} (${unit})`,
      aggregate,
      value: aggregateValues(
        aggregate,
        datapoints.map((p) => p.value),
      ),
      datapoints,
    };
  });
  const window = { start: input.StartTime!.toISOString(), end: input.EndTime!.toISOString(), period_s: PERIOD_SECONDS };
  return { function_name: functionName(stack, "collector"), environment: stack, ...window, metrics };
}

export function aggregateValues(aggregate: Aggregate, values: readonly number[]): number | null {
  if (values.length === 0) return null;
  if (aggregate === "max") return Math.max(...values);
  const sum = values.reduce((total, value) => total + value, 0);
  return aggregate === "sum" ? sum : sum / values.length;
}

const AGGREGATE_NOTE: Record<Aggregate, string> = { sum: "sum", max: "worst minute", mean: "mean of minutes" };

export function renderMetrics(summary: CloudWatchSummary): string {
  const { function_name, environment, start, end, period_s, metrics } = summary;
  const lines = [`CloudWatch: ${function_name}, Environment=${environment}, ${start} to ${end}, ${period_s} s periods`];
  const width = Math.max(...metrics.map((metric) => metric.label.length));
  for (const metric of metrics) {
    const value = metric.value === null ? "no data" : formatMetric(metric.value);
    const perPeriod = metric.datapoints.length ? `[${metric.datapoints.map((point) => formatMetric(point.value)).join(" ")}]` : "";
    lines.push(
      `  ${metric.label.padEnd(width)}  ${value.padStart(9)}  ${AGGREGATE_NOTE[metric.aggregate].padEnd(15)}  ${perPeriod}`.trimEnd(),
    );
  }
  if (metrics.every((metric) => metric.value === null)) {
    lines.push("  (no datapoints yet: CloudWatch publishes 1-3 minutes late; re-run with a larger --cloudwatch-wait)");
  }
  return lines.join("\n");
}

const formatMetric = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : 2));
