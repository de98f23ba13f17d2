/**
 * Everything the Observability component knows about metrics, as plain data and pure functions:
 * the metric filters that turn collector log lines into custom metrics, the one catalog of metric
 * definitions that alarms and dashboard widgets share, the alarm specifications, and the dashboard
 * body. No Pulumi imports: tests and tools call these without mocks, and the component only turns
 * their output into resources.
 *
 * Generic `V` is the type of a dimension value: `pulumi.Input<string>` when the component builds
 * alarms from not-yet-known resource names, `string` for tests and for the dashboard body. Values
 * of type V are only placed into dimension maps, never inspected, so the same builders serve both.
 */
import { TABLE_SCHEMAS } from "../functions/shared/schema";

/** Namespace of the custom metrics the metric filters publish. */
export const CUSTOM_NAMESPACE = "LiveInsight";

/**
 * Alarm thresholds (stack config `liveinsight:alarmThresholds`, merged over defaults by config.ts).
 * Each threshold is the highest acceptable value: an alarm fires when a period's value exceeds it
 * (GreaterThanThreshold) in `datapointsToAlarm` of the last `evaluationPeriods` periods.
 */
export interface AlarmThresholds {
  /** Errors / Invocations * 100 per period; applies to both functions. */
  collectorErrorRatePercent: number;
  /** p99 of the collector's Duration per period, in ms. */
  collectorP99DurationMs: number;
  /** Sum of Throttles per period, each function (0 = alarm on any throttle). */
  functionThrottles: number;
  /** 5xx / Count * 100 per period, HTTP API stage. */
  api5xxRatePercent: number;
  /** p99 of the API's Latency per period, in ms. */
  apiP99LatencyMs: number;
  /** Sum of ReadThrottleEvents, and of WriteThrottleEvents, per period, each table. */
  tableThrottleEvents: number;
  /** Sum of LiveInsight ProcessingErrors per period. */
  processingErrors: number;
  /** Period of every alarm and dashboard graph, in seconds (a multiple of 60). */
  periodSeconds: number;
  /** N of "M of N". */
  evaluationPeriods: number;
  /** M of "M of N". */
  datapointsToAlarm: number;
}

/**
 * Problems AWS would reject or that make an alarm meaningless; empty when the thresholds are usable.
 * Exported so config.ts can report them against the stack file too.
 */
export function thresholdProblems(t: AlarmThresholds): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(t)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      problems.push(`alarmThresholds.${key} must be a number >= 0; got ${JSON.stringify(value)}`);
    }
  }
  if (!(Number.isInteger(t.periodSeconds) && t.periodSeconds >= 60 && t.periodSeconds % 60 === 0)) {
    problems.push(`alarmThresholds.periodSeconds must be a positive multiple of 60; got ${t.periodSeconds}`);
  }
  if (!(Number.isInteger(t.evaluationPeriods) && t.evaluationPeriods >= 1)) {
    problems.push(`alarmThresholds.evaluationPeriods must be an integer >= 1; got ${t.evaluationPeriods}`);
  }
  if (!(Number.isInteger(t.datapointsToAlarm) && t.datapointsToAlarm >= 1 && t.datapointsToAlarm <= t.evaluationPeriods)) {
    problems.push(
      `alarmThresholds.datapointsToAlarm must be an integer between 1 and evaluationPeriods (${t.evaluationPeriods}); got ${t.datapointsToAlarm}`,
    );
  }
  // CloudWatch evaluates at most one day of data per alarm.
  if (t.periodSeconds * t.evaluationPeriods > 86_400) {
    problems.push(`alarmThresholds.periodSeconds * evaluationPeriods must not exceed 86400 s (one day); got ${t.periodSeconds * t.evaluationPeriods}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Metric filters: collector log lines → custom metrics
// ---------------------------------------------------------------------------------------------

export type CustomMetricName = "EventsProcessed" | "EventsRejected" | "SessionsCreated" | "ProcessingTime" | "ProcessingErrors";

export interface MetricFilterDef {
  readonly metricName: CustomMetricName;
  readonly pattern: string;
  /** Metric value: a `$.` selector into the line, or a literal. */
  readonly value: string;
  readonly unit: "Count" | "Milliseconds";
}

/**
 * The Environment dimension comes from the line itself: a metric filter can only take dimension
 * values from the log event, so the functions write `environment` = stack name into every line.
 * (A filter with dimensions cannot also have a defaultValue, which is why none is set.)
 */
export const FILTER_DIMENSIONS: Readonly<Record<string, string>> = { Environment: "$.environment" };

// Only the collector's per-request summary line feeds metrics; any other JSON the function might
// write (or Lambda's own START/END/REPORT text lines) never matches.
const REQUEST_LINE = `$.service = "collector" && $.message = "request completed"`;

export const METRIC_FILTERS: readonly MetricFilterDef[] = [
  // Only a 200 stores every event of its request; counting 503s too would count the client's retry twice.
  { metricName: "EventsProcessed", pattern: `{ ${REQUEST_LINE} && $.status = 200 && $.events > 0 }`, value: "$.events", unit: "Count" },
  { metricName: "EventsRejected", pattern: `{ ${REQUEST_LINE} && $.rejected > 0 }`, value: "$.rejected", unit: "Count" },
  { metricName: "SessionsCreated", pattern: `{ ${REQUEST_LINE} && $.sessions_created > 0 }`, value: "$.sessions_created", unit: "Count" },
  { metricName: "ProcessingTime", pattern: `{ ${REQUEST_LINE} && $.processing_time_ms >= 0 }`, value: "$.processing_time_ms", unit: "Milliseconds" },
  // One per request that ended in a 5xx (the collector logs those, and only those, at ERROR).
  { metricName: "ProcessingErrors", pattern: `{ ${REQUEST_LINE} && $.level = "ERROR" }`, value: "1", unit: "Count" },
];

// ---------------------------------------------------------------------------------------------
// The metric catalog shared by alarms and widgets
// ---------------------------------------------------------------------------------------------

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

export function lambdaMetrics<V>(label: "Collector" | "Realtime", functionName: V) {
  const m = (metricName: string, stat: Stat, l: string): MetricDef<V> => ({
    namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: functionName }, stat, label: l,
  });
  return {
    label,
    invocations: m("Invocations", "Sum", "Invocations"),
    errors: m("Errors", "Sum", "Errors"),
    duration: percentiles<V>({ namespace: "AWS/Lambda", metricName: "Duration", dimensions: { FunctionName: functionName }, label: "Duration" }),
    throttles: m("Throttles", "Sum", "Throttles"),
    concurrency: m("ConcurrentExecutions", "Maximum", "Concurrent executions"),
  };
}

/** HTTP API (v2) metrics: namespace AWS/ApiGateway, dimensions ApiId + Stage. */
export function apiMetrics<V>(apiId: V, stage: V) {
  const dimensions = { ApiId: apiId, Stage: stage };
  const m = (metricName: string, label: string): MetricDef<V> => ({ namespace: "AWS/ApiGateway", metricName, dimensions, stat: "Sum", label });
  return {
    requests: m("Count", "Requests"),
    clientErrors: m("4xx", "4xx"),
    serverErrors: m("5xx", "5xx"),
    latency: percentiles<V>({ namespace: "AWS/ApiGateway", metricName: "Latency", dimensions, label: "Latency" }),
  };
}

export function tableMetrics<V>(label: string, tableName: V) {
  const m = (metricName: string, l: string): MetricDef<V> => ({
    namespace: "AWS/DynamoDB", metricName, dimensions: { TableName: tableName }, stat: "Sum", label: l,
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
  const m = (metricName: CustomMetricName, label: string, stat: Stat = "Sum"): MetricDef<string> => ({
    namespace: CUSTOM_NAMESPACE, metricName, dimensions: { Environment: stack }, stat, label,
  });
  return {
    eventsProcessed: m("EventsProcessed", "Events processed"),
    eventsRejected: m("EventsRejected", "Events rejected"),
    sessionsCreated: m("SessionsCreated", "Sessions created"),
    processingTime: percentiles<string>({ namespace: CUSTOM_NAMESPACE, metricName: "ProcessingTime", dimensions: { Environment: stack }, label: "Processing time" }),
    processingErrors: m("ProcessingErrors", "Processing errors"),
  };
}

/** Table labels (for alarm names and titles), by position in MonitoredResources.tableNames. */
export const TABLE_LABELS: readonly string[] = TABLE_SCHEMAS.map((s) => s.logicalName);

/** The one catalog of metrics; alarms and dashboard widgets both draw from it. */
export function metricCatalog<V>(r: MonitoredResources<V>) {
  return {
    api: apiMetrics(r.apiId, r.apiStageName),
    functions: [lambdaMetrics("Collector", r.collectorFunctionName), lambdaMetrics("Realtime", r.realtimeFunctionName)],
    custom: customMetrics(r.stack),
    tables: r.tableNames.map((name, i) => tableMetrics(TABLE_LABELS[i] ?? `Table${i}`, name)),
  };
}

export type MetricCatalog<V> = ReturnType<typeof metricCatalog<V>>;

// ---------------------------------------------------------------------------------------------
// Alarm specifications
// ---------------------------------------------------------------------------------------------

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

export function alarmName(stack: string, resource: string, metric: string): string {
  return `LiveInsight-${stack}-${resource}-${metric}`;
}

/** `IF` keeps the rate defined (0) in a period with a denominator of 0 instead of dividing by zero. */
export function rateExpression(numeratorId: string, denominatorId: string): string {
  return `IF(${denominatorId} > 0, 100 * ${numeratorId} / ${denominatorId}, 0)`;
}

/** `WriteThrottleEvents` → `write-throttle-events`: Pulumi child names and alarm keys. */
export function kebab(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

type AlarmShape<V> =
  | { kind: "metric"; metric: MetricDef<V | string> }
  | { kind: "math"; numerator: MathInput<V>; denominator: MathInput<V>; label: string };

function makeAlarm<V>(
  r: MonitoredResources<V>, t: AlarmThresholds, resource: string, metric: string,
  shape: AlarmShape<V>, threshold: number, treatMissingData: "notBreaching" | "missing", what: string,
): AlarmSpec<V> {
  const common: AlarmCommon = {
    key: `${kebab(resource)}-${kebab(metric)}`,
    name: alarmName(r.stack, resource, metric),
    description: `${what} above ${threshold} in ${t.datapointsToAlarm} of ${t.evaluationPeriods} periods of ${t.periodSeconds} s (stack ${r.stack}).`,
    threshold,
    comparisonOperator: "GreaterThanThreshold",
    period: t.periodSeconds,
    evaluationPeriods: t.evaluationPeriods,
    datapointsToAlarm: t.datapointsToAlarm,
    treatMissingData,
  };
  if (shape.kind === "metric") return { ...common, kind: "metric", metric: shape.metric };
  return {
    ...common,
    kind: "math",
    expression: { id: "rate", expression: rateExpression(shape.numerator.id, shape.denominator.id), label: shape.label },
    inputs: [shape.numerator, shape.denominator],
  };
}

function functionAlarms<V>(r: MonitoredResources<V>, t: AlarmThresholds, c: MetricCatalog<V>): AlarmSpec<V>[] {
  const specs: AlarmSpec<V>[] = [];
  for (const fn of c.functions) {
    // Every function gets an error-rate alarm (the stack policy requires one per function); the
    // contract has one error-rate threshold, so it applies to both.
    specs.push(makeAlarm(r, t, fn.label, "ErrorRate", {
      kind: "math",
      numerator: { id: "errors", metric: fn.errors },
      denominator: { id: "invocations", metric: fn.invocations },
      label: `${fn.label} error rate (%)`,
    }, t.collectorErrorRatePercent, "notBreaching", `${fn.label} error rate (Errors / Invocations, %)`));
    if (fn.label === "Collector") {
      specs.push(makeAlarm(r, t, fn.label, "P99Duration", { kind: "metric", metric: fn.duration.p99 },
        t.collectorP99DurationMs, "missing", "Collector p99 duration (ms)"));
    }
    specs.push(makeAlarm(r, t, fn.label, "Throttles", { kind: "metric", metric: fn.throttles },
      t.functionThrottles, "notBreaching", `${fn.label} throttles (sum)`));
  }
  return specs;
}

/** Every alarm of a stack, in a stable order. */
export function buildAlarmSpecs<V>(r: MonitoredResources<V>, t: AlarmThresholds): AlarmSpec<V>[] {
  const c = metricCatalog(r);
  const specs = functionAlarms(r, t, c);
  specs.push(makeAlarm(r, t, "Api", "5xxRate", {
    kind: "math",
    numerator: { id: "serverErrors", metric: c.api.serverErrors },
    denominator: { id: "requests", metric: c.api.requests },
    label: "API 5xx rate (%)",
  }, t.api5xxRatePercent, "notBreaching", "API 5xx rate (5xx / Count, %)"));
  specs.push(makeAlarm(r, t, "Api", "P99Latency", { kind: "metric", metric: c.api.latency.p99 },
    t.apiP99LatencyMs, "missing", "API p99 latency (ms)"));
  for (const table of c.tables) {
    specs.push(makeAlarm(r, t, table.label, "ReadThrottleEvents", { kind: "metric", metric: table.readThrottles },
      t.tableThrottleEvents, "notBreaching", `${table.label} table read throttle events (sum)`));
    specs.push(makeAlarm(r, t, table.label, "WriteThrottleEvents", { kind: "metric", metric: table.writeThrottles },
      t.tableThrottleEvents, "notBreaching", `${table.label} table write throttle events (sum)`));
  }
  specs.push(makeAlarm(r, t, "Collector", "ProcessingErrors", { kind: "metric", metric: c.custom.processingErrors },
    t.processingErrors, "notBreaching", "Collector requests that ended in a 5xx (ProcessingErrors, sum)"));
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Dashboard body
// ---------------------------------------------------------------------------------------------

export function dashboardName(stack: string): string {
  return `LiveInsight-${stack}`;
}

export function dashboardConsoleUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(name)}`;
}

/** One entry of a metric widget's `metrics` array (CloudWatch dashboard body format). */
export type DashboardMetric = (string | Record<string, unknown>)[];

export interface HorizontalAnnotation {
  readonly label: string;
  readonly value: number;
  readonly color: string;
  readonly fill: "above";
}

export interface MetricWidgetProperties {
  readonly title: string;
  readonly region: string;
  readonly view: "timeSeries";
  readonly stacked: false;
  readonly period: number;
  readonly metrics: DashboardMetric[];
  readonly annotations?: { readonly horizontal: HorizontalAnnotation[] };
  readonly yAxis?: { readonly left: { readonly min: number; readonly label?: string } };
}

export interface DashboardWidget {
  readonly type: "metric" | "text";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: MetricWidgetProperties | { readonly markdown: string };
}

export interface DashboardBody {
  readonly start: string;
  readonly periodOverride: "inherit";
  readonly widgets: DashboardWidget[];
}

/** Plain, resolved values: everything the dashboard body depends on. */
export interface DashboardView {
  readonly region: string;
  readonly resources: MonitoredResources<string>;
  readonly thresholds: AlarmThresholds;
}

type Series = { metric: MetricDef<string>; id?: string; visible?: boolean; yAxis?: "right" } | { expression: string; id: string; label: string };

interface GraphDraft {
  readonly title: string;
  readonly series: Series[];
  readonly alarms: AlarmSpec<string>[];
  readonly unit?: string;
}

interface Section {
  readonly heading: string;
  readonly graphs: GraphDraft[];
}

function metricEntry(series: Series): DashboardMetric {
  if ("expression" in series) return [{ expression: series.expression, label: series.label, id: series.id }];
  const { namespace, metricName, dimensions, stat, label } = series.metric;
  const render: Record<string, unknown> = { stat, label };
  if (series.id !== undefined) render.id = series.id;
  if (series.visible !== undefined) render.visible = series.visible;
  if (series.yAxis !== undefined) render.yAxis = series.yAxis;
  return [namespace, metricName, ...Object.entries(dimensions).flat(), render];
}

/** A math alarm's series exactly as the alarm computes them; the inputs are hidden. */
function mathSeries(spec: AlarmSpec<string>): Series[] {
  if (spec.kind !== "math") throw new Error(`Alarm ${spec.name} is not a metric-math alarm`);
  return [
    ...spec.inputs.map((input) => ({ metric: input.metric, id: input.id, visible: false })),
    { expression: spec.expression.expression, id: spec.expression.id, label: spec.expression.label },
  ];
}

/** One threshold line per distinct threshold; alarms sharing one (a table's read and write throttles) share the line. */
function thresholdLines(alarms: AlarmSpec<string>[]): HorizontalAnnotation[] {
  const values = [...new Set(alarms.map((a) => a.threshold))];
  return values.map((value) => ({
    label: `${alarms.filter((a) => a.threshold === value).map((a) => a.name).join(" / ")} > ${value}`,
    value,
    color: "#d62728",
    fill: "above",
  }));
}

function apiSection(c: MetricCatalog<string>, alarm: (key: string) => AlarmSpec<string>): Section {
  return {
    heading: "API",
    graphs: [
      { title: "API requests", series: [{ metric: c.api.requests }], alarms: [] },
      { title: "API 4xx / 5xx", series: [{ metric: c.api.clientErrors }, { metric: c.api.serverErrors }], alarms: [] },
      { title: "API 5xx rate (%)", series: mathSeries(alarm("api-5xx-rate")), alarms: [alarm("api-5xx-rate")], unit: "%" },
      {
        title: "API latency (ms)",
        series: [{ metric: c.api.latency.p50 }, { metric: c.api.latency.p90 }, { metric: c.api.latency.p99 }],
        alarms: [alarm("api-p99-latency")],
        unit: "ms",
      },
    ],
  };
}

function functionSection(fn: MetricCatalog<string>["functions"][number], alarm: (key: string) => AlarmSpec<string>): Section {
  const key = fn.label.toLowerCase();
  const durationAlarms = fn.label === "Collector" ? [alarm("collector-p99-duration")] : [];
  return {
    heading: `${fn.label} function`,
    graphs: [
      { title: `${fn.label} invocations / errors`, series: [{ metric: fn.invocations }, { metric: fn.errors }], alarms: [] },
      { title: `${fn.label} error rate (%)`, series: mathSeries(alarm(`${key}-error-rate`)), alarms: [alarm(`${key}-error-rate`)], unit: "%" },
      {
        title: `${fn.label} duration (ms)`,
        series: [{ metric: fn.duration.p50 }, { metric: fn.duration.p90 }, { metric: fn.duration.p99 }],
        alarms: durationAlarms,
        unit: "ms",
      },
      // Side by side because throttles happen when concurrency meets its limit; the threshold line
      // belongs to throttles on the left axis.
      {
        title: `${fn.label} throttles / concurrency`,
        series: [{ metric: fn.throttles }, { metric: fn.concurrency, yAxis: "right" }],
        alarms: [alarm(`${key}-throttles`)],
      },
    ],
  };
}

function customSection(c: MetricCatalog<string>, alarm: (key: string) => AlarmSpec<string>): Section {
  const t = c.custom.processingTime;
  return {
    heading: "Collector custom metrics (from log metric filters)",
    graphs: [
      { title: "Events processed / rejected", series: [{ metric: c.custom.eventsProcessed }, { metric: c.custom.eventsRejected }], alarms: [] },
      { title: "Sessions created", series: [{ metric: c.custom.sessionsCreated }], alarms: [] },
      { title: "Processing time (ms)", series: [{ metric: t.p50 }, { metric: t.p90 }, { metric: t.p99 }], alarms: [], unit: "ms" },
      { title: "Processing errors", series: [{ metric: c.custom.processingErrors }], alarms: [alarm("collector-processing-errors")] },
    ],
  };
}

function tableSection(c: MetricCatalog<string>, alarm: (key: string) => AlarmSpec<string>): Section {
  return {
    heading: "DynamoDB tables",
    graphs: c.tables.flatMap((table) => {
      const key = kebab(table.label);
      return [
        { title: `${table.label} consumed capacity`, series: [{ metric: table.consumedRead }, { metric: table.consumedWrite }], alarms: [] },
        {
          title: `${table.label} throttle events`,
          series: [{ metric: table.readThrottles }, { metric: table.writeThrottles }],
          alarms: [alarm(`${key}-read-throttle-events`), alarm(`${key}-write-throttle-events`)],
        },
      ];
    }),
  };
}

const GRID_WIDTH = 24;
const GRAPH_WIDTH = 6;
const GRAPH_HEIGHT = 6;

function graphWidget(g: GraphDraft, view: DashboardView, x: number, y: number): DashboardWidget {
  const lines = thresholdLines(g.alarms);
  const properties: MetricWidgetProperties = {
    title: g.title,
    region: view.region,
    view: "timeSeries",
    stacked: false,
    period: view.thresholds.periodSeconds,
    metrics: g.series.map(metricEntry),
    ...(lines.length > 0 ? { annotations: { horizontal: lines } } : {}),
    yAxis: { left: { min: 0, ...(g.unit !== undefined ? { label: g.unit } : {}) } },
  };
  return { type: "metric", x, y, width: GRAPH_WIDTH, height: GRAPH_HEIGHT, properties };
}

/** Each section: a one-line heading across the grid, then its graphs flowing left to right. */
function layout(sections: Section[], view: DashboardView): DashboardWidget[] {
  const widgets: DashboardWidget[] = [];
  let y = 0;
  for (const section of sections) {
    widgets.push({ type: "text", x: 0, y, width: GRID_WIDTH, height: 1, properties: { markdown: `## ${section.heading}` } });
    y += 1;
    section.graphs.forEach((g, i) => {
      const column = (i * GRAPH_WIDTH) % GRID_WIDTH;
      const row = Math.floor((i * GRAPH_WIDTH) / GRID_WIDTH);
      widgets.push(graphWidget(g, view, column, y + row * GRAPH_HEIGHT));
    });
    y += Math.ceil((section.graphs.length * GRAPH_WIDTH) / GRID_WIDTH) * GRAPH_HEIGHT;
  }
  return widgets;
}

/**
 * The dashboard body (CloudWatch dashboard body structure) for one stack. Pure: same view, same
 * body. Graphs use the alarm period and `periodOverride: inherit`, so a threshold line is compared
 * with the very aggregation the alarm evaluates.
 */
export function buildDashboardBody(view: DashboardView): DashboardBody {
  const c = metricCatalog(view.resources);
  const specs = buildAlarmSpecs(view.resources, view.thresholds);
  const alarm = (key: string): AlarmSpec<string> => {
    const spec = specs.find((s) => s.key === key);
    if (!spec) throw new Error(`No alarm with key ${key}; known: ${specs.map((s) => s.key).join(", ")}`);
    return spec;
  };
  const sections = [
    apiSection(c, alarm),
    ...c.functions.map((fn) => functionSection(fn, alarm)),
    customSection(c, alarm),
    tableSection(c, alarm),
  ];
  return { start: "-PT3H", periodOverride: "inherit", widgets: layout(sections, view) };
}
