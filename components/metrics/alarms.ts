/**
 * The alarm specifications of a stack, as plain data: which metric (or metric-math expression),
 * which threshold, "M of N" evaluation and missing-data handling. The component turns each into
 * a CloudWatch alarm; the dashboard draws each threshold on the widget that plots its metric.
 *
 * Symptom alarms page: what a client or the archive feels (errors, latency, lost events, lag).
 * Diagnostic alarms watch causes a symptom alarm already covers (a throttled table shows up as
 * 503s in the error rate) and exist only with liveinsight:diagnosticAlarms; the dashboard plots
 * their metrics either way. CloudWatch bills each metric an alarm reads, metric math included
 * (aws.amazon.com/cloudwatch/pricing), so folding two signals into one expression saves an alarm,
 * not money: fewer metrics do.
 */
import { alarmName } from "../../contracts/names";
import { type MetricCatalog, type MetricDef, type MonitoredResources, metricCatalog } from "./catalog";
import type { AlarmThresholds } from "./thresholds";

interface AlarmCommon {
  /** Stable key, used for the Pulumi child name and to find the alarm's widget. */
  readonly key: string;
  /** AWS alarm name: `LiveInsight-<stack>-<Resource>-<Metric>`. */
  readonly name: string;
  readonly description: string;
  readonly threshold: number;
  readonly comparisonOperator: "GreaterThanThreshold";
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** notBreaching for counts and rates (no traffic is healthy), missing for latencies. */
  readonly treatMissingData: "notBreaching" | "missing";
  /** A cause some symptom alarm already covers: created only with liveinsight:diagnosticAlarms. */
  readonly diagnostic: boolean;
}

export interface MetricAlarmSpec<V = string> extends AlarmCommon {
  readonly kind: "metric";
  // `| string`: custom metrics carry the stack name, a plain string, whatever V is.
  readonly metric: MetricDef<V | string>;
}

export interface MathInput<V = string> {
  readonly id: string;
  readonly metric: MetricDef<V | string>;
}

export interface MathAlarmSpec<V = string> extends AlarmCommon {
  readonly kind: "math";
  readonly expression: { readonly id: string; readonly expression: string; readonly label: string };
  readonly inputs: readonly MathInput<V>[];
}

export type AlarmSpec<V = string> = MetricAlarmSpec<V> | MathAlarmSpec<V>;

/** What SNS accepts as an e-mail endpoint of the alarm topic, checked by config.ts and by Observability alike. */
export const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export { alarmName } from "../../contracts/names";

/**
 * `IF` keeps the rate defined (0) in a period with a denominator of 0 instead of dividing by zero.
 * `FILL(…, 0)`: a metric filter with dimensions cannot have a default value, so a period without
 * a single 5xx has no ServerErrors datapoint at all; it counts as 0, not as a missing rate.
 */
export function rateExpression(numeratorId: string, denominatorId: string): string {
  return `IF(${denominatorId} > 0, 100 * FILL(${numeratorId}, 0) / ${denominatorId}, 0)`;
}

/** `WriteThrottleEvents` → `write-throttle-events`: Pulumi child names and alarm keys. */
export function kebab(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/**
 * A function's failed answers as % of its invocations: 5xx it answered itself (request lines) plus
 * invocations that threw (Lambda Errors: crashes, timeouts, out of memory, which write no line).
 * The two are disjoint and Invocations counts both (Lambda Developer Guide, "Types of metrics for
 * Lambda functions": https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
 */
export function failureRateExpression(answeredId: string, thrownId: string, invocationsId: string): string {
  return `IF(${invocationsId} > 0, 100 * (FILL(${answeredId}, 0) + FILL(${thrownId}, 0)) / ${invocationsId}, 0)`;
}

type AlarmShape<V> =
  | { kind: "metric"; metric: MetricDef<V | string> }
  | { kind: "math"; numerator: MathInput<V>; denominator: MathInput<V>; label: string }
  | { kind: "failures"; answered: MathInput<V>; thrown: MathInput<V>; invocations: MathInput<V>; label: string }
  | { kind: "share"; parts: MathInput<V>[]; rest: MathInput<V>; label: string };

/**
 * The parts' sum as % of parts + rest, 0 in a period without any. FILL(…, 0) for each: a filter
 * with dimensions publishes nothing in a period without a match (see rateExpression).
 */
export function shareExpression(partIds: readonly string[], restId: string): string {
  const parts = partIds.map((id) => `FILL(${id}, 0)`).join(" + ");
  return `IF((${parts} + FILL(${restId}, 0)) > 0, 100 * (${parts}) / (${parts} + FILL(${restId}, 0)), 0)`;
}

interface AlarmDraft<V> {
  resource: string;
  metric: string;
  shape: AlarmShape<V>;
  threshold: number;
  missing: "notBreaching" | "missing";
  what: string;
  /** Replaces the stack's "M of N" for an alarm whose metric has one datapoint per occurrence (a daily job). */
  evaluation?: { evaluationPeriods: number; datapointsToAlarm: number };
  /** Set for a cause a symptom alarm covers (see the file comment). */
  diagnostic?: true;
}

function makeAlarm<V>(r: MonitoredResources<V>, t: AlarmThresholds, d: AlarmDraft<V>): AlarmSpec<V> {
  const { evaluationPeriods, datapointsToAlarm } = d.evaluation ?? t;
  const common: AlarmCommon = {
    key: `${kebab(d.resource)}-${kebab(d.metric)}`,
    name: alarmName(r.stack, d.resource, d.metric),
    description: `${d.what} above ${d.threshold} in ${datapointsToAlarm} of ${evaluationPeriods} periods of ${t.periodSeconds} s (stack ${r.stack}).`,
    threshold: d.threshold,
    comparisonOperator: "GreaterThanThreshold",
    period: t.periodSeconds,
    evaluationPeriods,
    datapointsToAlarm,
    treatMissingData: d.missing,
    diagnostic: d.diagnostic === true,
  };
  if (d.shape.kind === "metric") return { ...common, kind: "metric", metric: d.shape.metric };
  if (d.shape.kind === "failures") {
    const { answered, thrown, invocations, label } = d.shape;
    const expression = failureRateExpression(answered.id, thrown.id, invocations.id);
    return { ...common, kind: "math", expression: { id: "rate", expression, label }, inputs: [answered, thrown, invocations] };
  }
  if (d.shape.kind === "share") {
    const { parts, rest, label } = d.shape;
    const expression = shareExpression(
      parts.map((p) => p.id),
      rest.id,
    );
    return { ...common, kind: "math", expression: { id: "share", expression, label }, inputs: [...parts, rest] };
  }
  return {
    ...common,
    kind: "math",
    expression: { id: "rate", expression: rateExpression(d.shape.numerator.id, d.shape.denominator.id), label: d.shape.label },
    inputs: [d.shape.numerator, d.shape.denominator],
  };
}

const metric = <V>(m: MetricDef<V | string>): AlarmShape<V> => ({ kind: "metric", metric: m });

function functionDrafts<V>(r: MonitoredResources<V>, t: AlarmThresholds, fn: MetricCatalog<V>["functions"][number]): AlarmDraft<V>[] {
  const label = fn.label;
  const p99 = label === "Collector" ? t.collectorP99DurationMs : t.realtimeP99DurationMs;
  const drafts: AlarmDraft<V>[] = [
    // What a client saw, whichever way it failed. Lambda's Errors alone stays 0 through a DynamoDB
    // outage (the handlers answer 503 themselves); the request lines alone miss crashes.
    {
      resource: label,
      metric: "ErrorRate",
      threshold: t.collectorErrorRatePercent,
      missing: "notBreaching",
      what: `${label} failure rate ((5xx answers from its request lines + Lambda Errors) / AWS/Lambda Invocations, %)`,
      shape: {
        kind: "failures",
        answered: { id: "serverErrors", metric: fn.serverErrors },
        thrown: { id: "errors", metric: fn.errors },
        invocations: { id: "invocations", metric: fn.invocations },
        label: `${label} failure rate (%)`,
      },
    },
    // Api-P99Latency is the symptom: it includes the integration's duration.
    {
      resource: label,
      metric: "P99Duration",
      shape: metric(fn.duration.p99),
      threshold: p99,
      missing: "missing",
      what: `${label} p99 duration (ms)`,
      diagnostic: true,
    },
    // A throttled invocation reaches the client as a 5xx of the API, which Api-5xxRate counts (Lambda
    // Developer Guide, "Handling Lambda errors with an API Gateway API":
    // https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html); the concurrency alarm warns before.
    {
      resource: label,
      metric: "Throttles",
      shape: metric(fn.throttles),
      threshold: t.functionThrottles,
      missing: "notBreaching",
      what: `${label} throttles (sum)`,
      diagnostic: true,
    },
  ];
  // Lambda throttles a function at its reservation; the alarm fires before that, while there is room to raise it.
  const reserved = r.reservedConcurrency?.[label] ?? -1;
  if (reserved > 0) {
    drafts.push({
      resource: label,
      metric: "ConcurrentExecutions",
      shape: metric(fn.concurrency),
      threshold: (reserved * t.concurrencyPercent) / 100,
      missing: "notBreaching",
      what: `${label} concurrent executions (maximum; ${t.concurrencyPercent} % of its reserved ${reserved})`,
    });
  }
  return drafts;
}

function apiDrafts<V>(t: AlarmThresholds, c: MetricCatalog<V>): AlarmDraft<V>[] {
  const rate = (id: string, m: MetricDef<V>, label: string): AlarmShape<V> => ({
    kind: "math",
    numerator: { id, metric: m },
    denominator: { id: "requests", metric: c.api.requests },
    label,
  });
  return [
    {
      resource: "Api",
      metric: "5xxRate",
      shape: rate("serverErrors", c.api.serverErrors, "API 5xx rate (%)"),
      threshold: t.api5xxRatePercent,
      missing: "notBreaching",
      what: "API 5xx rate (5xx / Count, %)",
    },
    // The 4xx that lose events have their own alarms (EventsRejected, DroppedShare, Throttled).
    {
      resource: "Api",
      metric: "4xxRate",
      shape: rate("clientErrors", c.api.clientErrors, "API 4xx rate (%)"),
      threshold: t.api4xxRatePercent,
      missing: "notBreaching",
      what: "API 4xx rate (4xx / Count, %)",
      diagnostic: true,
    },
    {
      resource: "Api",
      metric: "Throttled",
      shape: metric(c.api.throttled),
      threshold: t.apiThrottledRequests,
      missing: "notBreaching",
      what: "API 429 answers from stage throttling (sum)",
    },
    {
      resource: "Api",
      metric: "P99Latency",
      shape: metric(c.api.latency.p99),
      threshold: t.apiP99LatencyMs,
      missing: "missing",
      what: "API p99 latency (ms)",
    },
  ];
}

/** A single occurrence is the signal: one failed compaction run, one batch in the failure queue. */
const ANY_ONE = { evaluationPeriods: 1, datapointsToAlarm: 1 };

function archiveDrafts<V>(t: AlarmThresholds, a: NonNullable<MetricCatalog<V>["archive"]>): AlarmDraft<V>[] {
  return [
    {
      resource: "Archive",
      metric: "IteratorAge",
      shape: metric(a.iteratorAge),
      threshold: t.archiveIteratorAgeMs,
      // No records, no datapoint: an idle stream has no lag.
      missing: "notBreaching",
      what: "Archive lag: the archiver's stream IteratorAge (maximum, ms)",
    },
    {
      resource: "Archive",
      metric: "FailedBatches",
      shape: metric(a.failureQueueDepth),
      // Any message is a batch the archiver gave up on: its records are missing from the archive until replayed.
      threshold: 0,
      missing: "notBreaching",
      what: "Failed archive batches in the failure queue (ApproximateNumberOfMessagesVisible, maximum)",
      evaluation: ANY_ONE,
    },
    {
      resource: "Archiver",
      metric: "Errors",
      shape: metric(a.archiverErrors),
      threshold: t.functionErrors,
      missing: "notBreaching",
      what: "Archiver Lambda Errors: crashes, timeouts (sum)",
    },
    {
      resource: "Compaction",
      metric: "Errors",
      shape: metric(a.compactionErrors),
      threshold: t.functionErrors,
      missing: "notBreaching",
      what: "Compaction Lambda Errors: a failed daily run (sum)",
      evaluation: ANY_ONE,
    },
  ];
}

/** The stats function: crashes and timeouts, and throttles, as the other functions (thresholds shared). */
function statsDrafts<V>(t: AlarmThresholds, s: NonNullable<MetricCatalog<V>["stats"]>): AlarmDraft<V>[] {
  return [
    {
      resource: "Stats",
      metric: "Errors",
      shape: metric(s.errors),
      threshold: t.functionErrors,
      missing: "notBreaching",
      what: "Stats Lambda Errors: crashes, timeouts (sum)",
    },
    {
      resource: "Stats",
      metric: "Throttles",
      shape: metric(s.throttles),
      threshold: t.functionThrottles,
      missing: "notBreaching",
      // A symptom here, unlike the collector's and realtime's: no 5xx-rate alarm watches the stats API.
      what: "Stats throttles (sum)",
    },
  ];
}

/** The alarms a stack creates: the symptom alarms, and the diagnostic ones when `diagnosticAlarms` is set. */
export function buildAlarmSpecs<V>(r: MonitoredResources<V>, t: AlarmThresholds, diagnosticAlarms: boolean): AlarmSpec<V>[] {
  return alarmCatalog(r, t).filter((spec) => diagnosticAlarms || !spec.diagnostic);
}

/** Every alarm a stack can have (diagnostic ones included), in a stable order. */
export function alarmCatalog<V>(r: MonitoredResources<V>, t: AlarmThresholds): AlarmSpec<V>[] {
  const c = metricCatalog(r);
  const drafts: AlarmDraft<V>[] = [...c.functions.flatMap((fn) => functionDrafts(r, t, fn)), ...apiDrafts(t, c)];
  for (const table of c.tables) {
    for (const [m, rw] of [
      [table.readThrottles, "read"],
      [table.writeThrottles, "write"],
    ] as const) {
      drafts.push({
        resource: table.label,
        metric: m.metricName,
        shape: metric(m),
        threshold: t.tableThrottleEvents,
        missing: "notBreaching",
        what: `${table.label} table ${rw} throttle events (sum)`,
        // Throttled reads and writes the SDK cannot retry away end as 503s: the functions' error rates.
        diagnostic: true,
      });
    }
  }
  drafts.push(
    {
      resource: "Collector",
      metric: "EventsRejected",
      shape: metric<V>(c.custom.eventsRejected),
      threshold: t.eventsRejected,
      missing: "notBreaching",
      what: "Events the collector refused with a 4xx (EventsRejected, sum)",
    },
    {
      resource: "Collector",
      metric: "DroppedShare",
      shape: {
        kind: "share",
        parts: [{ id: "dropped", metric: c.custom.eventsDropped }],
        rest: { id: "processed", metric: c.custom.eventsProcessed },
        label: "Dropped share (%)",
      },
      threshold: t.droppedSharePercent,
      missing: "notBreaching",
      what: "Share of arriving events dropped as bots, foreign pages or unknown sites (EventsDropped / (EventsProcessed + EventsDropped), %)",
    },
  );
  if (c.archive) drafts.push(...archiveDrafts(t, c.archive));
  if (c.stats) drafts.push(...statsDrafts(t, c.stats));
  return drafts.map((d) => makeAlarm(r, t, d));
}
