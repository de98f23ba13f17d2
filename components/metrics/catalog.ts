/**
 * The one catalog of metric definitions that alarms and dashboard widgets share. Pure data.
 *
 * Generic `V` is the type of a dimension value: `pulumi.Input<string>` when the component builds
 * alarms from not-yet-known resource names, `string` for tests and for the dashboard body. Values
 * of type V are only placed into dimension maps, never inspected, so the same builders serve both.
 */

import { CUSTOM_NAMESPACE, type CustomMetricName, DIMENSIONS } from "../../contracts/metrics";
import { TABLE_SCHEMAS } from "../../contracts/tables";

export type Stat = "Sum" | "Average" | "Maximum" | "Minimum" | "SampleCount" | "p50" | "p90" | "p99";

export interface MetricDef<V = string> {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, V>>;
  readonly stat: Stat;
  readonly label: string;
}

/** The resources Observability watches. */
export interface MonitoredResources<V = string> {
  readonly stack: string;
  readonly collectorFunctionName: V;
  readonly realtimeFunctionName: V;
  readonly apiId: V;
  readonly apiStageName: V;
  /** In TABLE_SCHEMAS order: Events, Sessions, ActiveSessions. */
  readonly tableNames: readonly V[];
  /** Reserved concurrency by function label; -1 or absent = unreserved (no concurrency-share alarm). */
  readonly reservedConcurrency?: Readonly<Partial<Record<FunctionLabel, number>>>;
  /** The history archive's functions and failure queue (components/history-archive.ts); absent: no archive metrics. */
  readonly archive?: ArchiveResources<V>;
  /** The stats function (components/stats-api.ts); absent: no stats metrics. */
  readonly statsFunctionName?: V;
}

export interface ArchiveResources<V = string> {
  readonly archiverFunctionName: V;
  readonly compactionFunctionName: V;
  readonly failureQueueName: V;
}

export interface Percentiles<V> {
  readonly p50: MetricDef<V>;
  readonly p90: MetricDef<V>;
  readonly p99: MetricDef<V>;
}

function percentiles<V>(base: Omit<MetricDef<V>, "stat">): Percentiles<V> {
  const at = (stat: "p50" | "p90" | "p99"): MetricDef<V> => ({ ...base, stat, label: `${base.label} ${stat}` });
  return { p50: at("p50"), p90: at("p90"), p99: at("p99") };
}

/** One AWS/Lambda metric of a function (dimension FunctionName). */
function lambdaMetric<V>(functionName: V, metricName: string, stat: Stat, label: string): MetricDef<V> {
  return { namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: functionName }, stat, label };
}

/** A function's Lambda Duration at p50/p90/p99. */
function lambdaDuration<V>(functionName: V, label: string): Percentiles<V> {
  return percentiles<V>({ namespace: "AWS/Lambda", metricName: "Duration", dimensions: { FunctionName: functionName }, label });
}

/** `service` of the function's request line, i.e. the `Function` dimension of its custom metrics. */
export type FunctionLabel = "Collector" | "Realtime";

export function lambdaMetrics<V>(label: FunctionLabel, functionName: V, stack: string) {
  const m = (metricName: string, stat: Stat, l: string) => lambdaMetric(functionName, metricName, stat, l);
  const own = (metricName: CustomMetricName, l: string): MetricDef<string> => ({
    namespace: CUSTOM_NAMESPACE,
    metricName,
    dimensions: { [DIMENSIONS.environment]: stack, [DIMENSIONS.function]: label.toLowerCase() },
    stat: "Sum",
    label: l,
  });
  return {
    label,
    invocations: m("Invocations", "Sum", "Invocations"),
    errors: m("Errors", "Sum", "Errors"),
    duration: lambdaDuration(functionName, "Duration"),
    throttles: m("Throttles", "Sum", "Throttles"),
    concurrency: m("ConcurrentExecutions", "Maximum", "Concurrent executions"),
    /** From the function's own request lines (metric filter): Lambda's Errors misses the 5xx a handler answers itself. */
    serverErrors: own("ServerErrors", "5xx answers (request lines)"),
  };
}

/** HTTP API (v2) metrics: namespace AWS/ApiGateway, dimensions ApiId + Stage. */
export function apiMetrics<V>(apiId: V, stage: V) {
  const dimensions = { ApiId: apiId, Stage: stage };
  const m = (metricName: string, label: string): MetricDef<V> => ({
    namespace: "AWS/ApiGateway",
    metricName,
    dimensions,
    stat: "Sum",
    label,
  });
  return {
    requests: m("Count", "Requests"),
    clientErrors: m("4xx", "4xx"),
    serverErrors: m("5xx", "5xx"),
    latency: percentiles<V>({ namespace: "AWS/ApiGateway", metricName: "Latency", dimensions, label: "Latency" }),
    /** From the access log (metric filter): AWS/ApiGateway has no 429 metric for HTTP APIs. */
    throttled: {
      namespace: CUSTOM_NAMESPACE,
      metricName: "ThrottledRequests",
      dimensions: { [DIMENSIONS.apiId]: apiId },
      stat: "Sum",
      label: "429 throttled",
    } as MetricDef<V>,
  };
}

export function tableMetrics<V>(label: string, tableName: V) {
  const m = (metricName: string, l: string): MetricDef<V> => ({
    namespace: "AWS/DynamoDB",
    metricName,
    dimensions: { TableName: tableName },
    stat: "Sum",
    label: l,
  });
  return {
    label,
    consumedRead: m("ConsumedReadCapacityUnits", "Consumed read units"),
    consumedWrite: m("ConsumedWriteCapacityUnits", "Consumed write units"),
    readThrottles: m("ReadThrottleEvents", "Read throttle events"),
    writeThrottles: m("WriteThrottleEvents", "Write throttle events"),
  };
}

/** Custom metrics carry the stack as a plain string: it is known at program time. */
export function customMetrics(stack: string) {
  const m = (metricName: CustomMetricName, label: string): MetricDef<string> => ({
    namespace: CUSTOM_NAMESPACE,
    metricName,
    dimensions: { [DIMENSIONS.environment]: stack },
    stat: "Sum",
    label,
  });
  return {
    eventsProcessed: m("EventsProcessed", "Events processed"),
    eventsRejected: m("EventsRejected", "Events rejected"),
    sessionsCreated: m("SessionsCreated", "Sessions created"),
    /** All drop reasons in one metric; the dashboard's Logs Insights widget splits them by drop_reason. */
    eventsDropped: m("EventsDropped", "Events dropped"),
  };
}

/**
 * The archive's metrics. IteratorAge is the stream mapping's lag: the age of the last record of
 * each batch when it reached the archiver (Lambda Developer Guide, "Types of metrics for Lambda
 * functions": https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
 * ApproximateNumberOfMessagesVisible is the failure queue's depth (Amazon SQS Developer Guide,
 * "Available CloudWatch metrics for Amazon SQS":
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
 */
export function archiveMetrics<V>(a: ArchiveResources<V>) {
  const fn = lambdaMetric<V>;
  return {
    iteratorAge: fn(a.archiverFunctionName, "IteratorAge", "Maximum", "Archive lag (IteratorAge, ms)"),
    archiverInvocations: fn(a.archiverFunctionName, "Invocations", "Sum", "Archiver invocations"),
    archiverErrors: fn(a.archiverFunctionName, "Errors", "Sum", "Archiver errors"),
    compactionInvocations: fn(a.compactionFunctionName, "Invocations", "Sum", "Compaction invocations"),
    compactionErrors: fn(a.compactionFunctionName, "Errors", "Sum", "Compaction errors"),
    compactionDuration: fn(a.compactionFunctionName, "Duration", "Maximum", "Compaction duration (ms)"),
    failureQueueDepth: {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: a.failureQueueName },
      stat: "Maximum",
      label: "Failed archive batches waiting",
    } as MetricDef<V>,
  };
}

/**
 * The stats function's AWS/Lambda metrics only: it writes no request lines the metric filters
 * read, so it costs its alarms and nothing per metric. Its timeouts (29 s, API Gateway's limit)
 * count in Errors.
 */
export function statsMetrics<V>(functionName: V) {
  const m = (metricName: string, stat: Stat, label: string) => lambdaMetric(functionName, metricName, stat, label);
  return {
    invocations: m("Invocations", "Sum", "Stats invocations"),
    errors: m("Errors", "Sum", "Stats errors"),
    throttles: m("Throttles", "Sum", "Stats throttles"),
    duration: lambdaDuration(functionName, "Stats duration"),
  };
}

/** Table labels (for alarm names and titles), by position in MonitoredResources.tableNames. */
export const TABLE_LABELS: readonly string[] = TABLE_SCHEMAS.map((s) => s.logicalName);

/** The one catalog of metrics; alarms and dashboard widgets both draw from it. */
export function metricCatalog<V>(r: MonitoredResources<V>) {
  return {
    api: apiMetrics(r.apiId, r.apiStageName),
    functions: [lambdaMetrics("Collector", r.collectorFunctionName, r.stack), lambdaMetrics("Realtime", r.realtimeFunctionName, r.stack)],
    custom: customMetrics(r.stack),
    tables: r.tableNames.map((name, i) => tableMetrics(TABLE_LABELS[i] ?? `Table${i}`, name)),
    archive: r.archive === undefined ? undefined : archiveMetrics(r.archive),
    stats: r.statsFunctionName === undefined ? undefined : statsMetrics(r.statsFunctionName),
  };
}

export type MetricCatalog<V> = ReturnType<typeof metricCatalog<V>>;
