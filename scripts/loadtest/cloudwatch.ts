// CloudWatch figures for the load test's window on a deployed stack: what Lambda and the
// collector's own metric filters saw while we were pushing. The query and the rendering are pure
// functions; only fetchMetricData talks to a client, and tests hand it a stub.
import { GetMetricDataCommand, type GetMetricDataInput, type GetMetricDataOutput, type MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { CUSTOM_NAMESPACE, type CustomMetricName, DIMENSIONS } from "../../contracts/metrics";

export interface CloudWatchTarget {
  functionName: string;
  environment: string;
}

/** How one metric's per-period values fold into one number for the whole window. */
export type WindowAggregate = "sum" | "max" | "mean";

export interface MetricSpec {
  id: string; // GetMetricData query id: must start lowercase, [a-zA-Z0-9_]
  label: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
  unit: string;
  aggregate: WindowAggregate;
}

export const PERIOD_SECONDS = 60; // Lambda publishes 1-minute metrics; finer periods return nothing

export function metricSpecs(target: CloudWatchTarget): MetricSpec[] {
  const lambda = (id: string, label: string, metricName: string, stat: string, unit: string, aggregate: WindowAggregate): MetricSpec => ({
    id,
    label,
    namespace: "AWS/Lambda",
    metricName,
    dimensions: { FunctionName: target.functionName },
    stat,
    unit,
    aggregate,
  });
  const custom = (
    id: string,
    label: string,
    metricName: CustomMetricName,
    stat: string,
    unit: string,
    aggregate: WindowAggregate,
  ): MetricSpec => ({
    id,
    label,
    namespace: CUSTOM_NAMESPACE,
    metricName,
    dimensions: { [DIMENSIONS.environment]: target.environment },
    stat,
    unit,
    aggregate,
  });
  return [
    lambda("invocations", "Lambda Invocations", "Invocations", "Sum", "count", "sum"),
    // Mean of per-minute averages: GetMetricData gives no sample counts to weight them by.
    lambda("duration_avg", "Lambda Duration avg", "Duration", "Average", "ms", "mean"),
    // Percentiles cannot be summed or averaged; the worst minute is the honest single number.
    lambda("duration_p99", "Lambda Duration p99", "Duration", "p99", "ms", "max"),
    lambda("errors", "Lambda Errors", "Errors", "Sum", "count", "sum"),
    lambda("throttles", "Lambda Throttles", "Throttles", "Sum", "count", "sum"),
    lambda("concurrent_executions", "Lambda ConcurrentExecutions max", "ConcurrentExecutions", "Maximum", "count", "max"),
    custom("events_processed", "LiveInsight EventsProcessed", "EventsProcessed", "Sum", "count", "sum"),
    custom("processing_time_p99", "LiveInsight ProcessingTime p99", "ProcessingTime", "p99", "ms", "max"),
  ];
}

/** Widens [start, end] to whole periods: CloudWatch rounds unaligned bounds and may drop the edges. */
export function alignWindow(start: Date, end: Date, periodS = PERIOD_SECONDS): { start: Date; end: Date } {
  const periodMs = periodS * 1000;
  const alignedStart = Math.floor(start.getTime() / periodMs) * periodMs;
  const alignedEnd = Math.max(alignedStart + periodMs, Math.ceil(end.getTime() / periodMs) * periodMs);
  return { start: new Date(alignedStart), end: new Date(alignedEnd) };
}

export function buildMetricDataInput(specs: readonly MetricSpec[], start: Date, end: Date, periodS = PERIOD_SECONDS): GetMetricDataInput {
  const window = alignWindow(start, end, periodS);
  return {
    StartTime: window.start,
    EndTime: window.end,
    ScanBy: "TimestampAscending",
    MetricDataQueries: specs.map((spec) => ({
      Id: spec.id,
      Label: spec.label,
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: spec.namespace,
          MetricName: spec.metricName,
          Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: periodS,
        Stat: spec.stat,
      },
    })),
  };
}

/** The one method we need; a CloudWatchClient fits, and so does a test stub. */
export interface MetricDataClient {
  send(command: GetMetricDataCommand): Promise<GetMetricDataOutput>;
  /** frees the SDK's keep-alive sockets so the CLI exits right after printing */
  destroy?(): void;
}

/** Follows NextToken until the last page and merges each query's pages into one result. */
export async function fetchMetricData(client: MetricDataClient, input: GetMetricDataInput, maxPages = 50): Promise<MetricDataResult[]> {
  const merged = new Map<string, MetricDataResult>();
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const output = await client.send(new GetMetricDataCommand({ ...input, NextToken: nextToken }));
    for (const result of output.MetricDataResults ?? []) {
      const id = result.Id ?? "";
      const known = merged.get(id);
      if (!known) {
        merged.set(id, { ...result, Timestamps: [...(result.Timestamps ?? [])], Values: [...(result.Values ?? [])] });
        continue;
      }
      known.Timestamps!.push(...(result.Timestamps ?? []));
      known.Values!.push(...(result.Values ?? []));
      known.StatusCode = result.StatusCode ?? known.StatusCode;
    }
    nextToken = output.NextToken;
    if (!nextToken) return [...merged.values()];
  }
  throw new Error(`GetMetricData still returned a NextToken after ${maxPages} pages; the window is too large.`);
}

export interface MetricSummary {
  id: string;
  label: string;
  unit: string;
  aggregate: WindowAggregate;
  value: number | null; // null: no datapoint in the window
  datapoints: { timestamp: string; value: number }[];
}

export interface CloudWatchSummary {
  function_name: string;
  environment: string;
  start: string;
  end: string;
  period_s: number;
  metrics: MetricSummary[];
}

export function summarizeMetrics(specs: readonly MetricSpec[], results: readonly MetricDataResult[]): MetricSummary[] {
  const byId = new Map(results.map((result) => [result.Id, result]));
  return specs.map((spec) => {
    const result = byId.get(spec.id);
    const values = result?.Values ?? [];
    const timestamps = result?.Timestamps ?? [];
    const datapoints = values
      .map((value, i) => ({ timestamp: new Date(timestamps[i]).toISOString(), value }))
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    return {
      id: spec.id,
      label: spec.label,
      unit: spec.unit,
      aggregate: spec.aggregate,
      value: aggregateValues(spec.aggregate, values),
      datapoints,
    };
  });
}

export function aggregateValues(aggregate: WindowAggregate, values: readonly number[]): number | null {
  if (values.length === 0) return null;
  if (aggregate === "sum") return values.reduce((sum, value) => sum + value, 0);
  if (aggregate === "max") return Math.max(...values);
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

const AGGREGATE_NOTE: Record<WindowAggregate, string> = { sum: "sum", max: "worst minute", mean: "mean of minutes" };

export function renderMetrics(summary: CloudWatchSummary): string {
  const lines = [
    `CloudWatch: ${summary.function_name}, Environment=${summary.environment}, ${summary.start} to ${summary.end}, ${summary.period_s} s periods`,
  ];
  const labelWidth = Math.max(...summary.metrics.map((metric) => `${metric.label} (${metric.unit})`.length));
  for (const metric of summary.metrics) {
    const name = `${metric.label} (${metric.unit})`.padEnd(labelWidth);
    const value = metric.value === null ? "no data" : formatMetric(metric.value);
    const perPeriod = metric.datapoints.map((point) => formatMetric(point.value)).join(" ");
    lines.push(
      `  ${name}  ${value.padStart(9)}  ${AGGREGATE_NOTE[metric.aggregate].padEnd(15)}  ${perPeriod ? `[${perPeriod}]` : ""}`.trimEnd(),
    );
  }
  if (summary.metrics.every((metric) => metric.value === null)) {
    lines.push("  (no datapoints yet: CloudWatch publishes 1-3 minutes late; re-run with a larger --cloudwatch-wait)");
  }
  return lines.join("\n");
}

function formatMetric(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : 2);
}
