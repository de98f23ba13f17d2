/**
 * The dashboard body (CloudWatch dashboard body structure) for one stack, from the same metric
 * catalog and alarm specifications the alarms use: each alarm's threshold is drawn on the widget
 * that plots its metric or expression. Widget fields follow the API reference's "Dashboard Body
 * Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 */
import { REQUEST_COMPLETED, selector } from "../../contracts/request-line";
import { type AlarmSpec, alarmCatalog, kebab } from "./alarms";
import { type MetricCatalog, type MetricDef, type MonitoredResources, metricCatalog } from "./catalog";
import type { AlarmThresholds } from "./thresholds";

export { dashboardName } from "../../contracts/names";

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

/** A Logs Insights widget: `query` is `SOURCE '<log group>' | <query>`. */
export interface LogWidgetProperties {
  readonly title: string;
  readonly region: string;
  readonly view: "bar";
  readonly query: string;
}

export interface DashboardWidget {
  readonly type: "metric" | "text" | "log";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: MetricWidgetProperties | LogWidgetProperties | { readonly markdown: string };
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
  /** liveinsight:diagnosticAlarms: whether the diagnostic alarms exist, so their threshold lines are drawn. */
  readonly diagnosticAlarms: boolean;
  /** The collector's log group: the drops-by-reason widget queries its request lines. */
  readonly collectorLogGroupName: string;
}

/**
 * Looks alarms up by key. `series` takes any alarm of the catalog (a graph plots what the alarm
 * would evaluate, created or not); `lines` only the created ones: a threshold line names an alarm
 * that exists.
 */
interface AlarmLookup {
  readonly series: (key: string) => AlarmSpec<string>;
  readonly lines: (key: string) => AlarmSpec<string>[];
}

type Series =
  | { metric: MetricDef<string>; id?: string; visible?: boolean; yAxis?: "right" }
  | { expression: string; id: string; label: string };

interface GraphDraft {
  readonly title: string;
  readonly series: Series[];
  readonly alarms: AlarmSpec<string>[];
  readonly unit?: string;
}

/** Logs Insights over one log group, for a breakdown a metric dimension would bill per value. */
interface LogDraft {
  readonly title: string;
  readonly logGroupName: string;
  readonly query: string;
}

interface Section {
  readonly heading: string;
  readonly graphs: (GraphDraft | LogDraft)[];
}

/**
 * Dropped events by drop_reason over the dashboard's time range, from the collector's request
 * lines: one EventsDropped metric instead of one per reason; Logs Insights bills the bytes it
 * scans when the widget loads ($0.005 per GB, aws.amazon.com/cloudwatch/pricing).
 */
export function droppedByReasonQuery(): string {
  const field = (name: Parameters<typeof selector>[0]) => selector(name).slice(2);
  return [
    `filter ${field("service")} = "collector" and ${field("message")} = "${REQUEST_COMPLETED}" and ${field("dropped")} > 0`,
    `stats sum(${field("dropped")}) as events by ${field("drop_reason")}`,
    "sort events desc",
  ].join(" | ");
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
    label: `${alarms
      .filter((a) => a.threshold === value)
      .map((a) => a.name)
      .join(" / ")} > ${value}`,
    value,
    color: "#d62728",
    fill: "above",
  }));
}

function apiSection(c: MetricCatalog<string>, a: AlarmLookup): Section {
  return {
    heading: "API",
    graphs: [
      { title: "API requests", series: [{ metric: c.api.requests }], alarms: [] },
      { title: "API 4xx / 5xx", series: [{ metric: c.api.clientErrors }, { metric: c.api.serverErrors }], alarms: [] },
      { title: "API 5xx rate (%)", series: mathSeries(a.series("api-5xx-rate")), alarms: a.lines("api-5xx-rate"), unit: "%" },
      { title: "API 4xx rate (%)", series: mathSeries(a.series("api-4xx-rate")), alarms: a.lines("api-4xx-rate"), unit: "%" },
      { title: "API 429 throttled (access log)", series: [{ metric: c.api.throttled }], alarms: a.lines("api-throttled") },
      {
        title: "API latency (ms)",
        series: [{ metric: c.api.latency.p50 }, { metric: c.api.latency.p90 }, { metric: c.api.latency.p99 }],
        alarms: a.lines("api-p99-latency"),
        unit: "ms",
      },
    ],
  };
}

function functionSection(fn: MetricCatalog<string>["functions"][number], a: AlarmLookup): Section {
  const key = fn.label.toLowerCase();
  return {
    heading: `${fn.label} function`,
    graphs: [
      {
        title: `${fn.label} failure rate (%)`,
        series: mathSeries(a.series(`${key}-error-rate`)),
        alarms: a.lines(`${key}-error-rate`),
        unit: "%",
      },
      { title: `${fn.label} invocations / errors`, series: [{ metric: fn.invocations }, { metric: fn.errors }], alarms: [] },
      {
        title: `${fn.label} duration (ms)`,
        series: [{ metric: fn.duration.p50 }, { metric: fn.duration.p90 }, { metric: fn.duration.p99 }],
        alarms: a.lines(`${key}-p99-duration`),
        unit: "ms",
      },
      { title: `${fn.label} throttles`, series: [{ metric: fn.throttles }], alarms: a.lines(`${key}-throttles`) },
      { title: `${fn.label} concurrent executions`, series: [{ metric: fn.concurrency }], alarms: a.lines(`${key}-concurrent-executions`) },
    ],
  };
}

function customSection(c: MetricCatalog<string>, a: AlarmLookup, collectorLogGroupName: string): Section {
  return {
    heading: "Collector custom metrics (from log metric filters)",
    graphs: [
      { title: "Events processed", series: [{ metric: c.custom.eventsProcessed }], alarms: [] },
      { title: "Events rejected", series: [{ metric: c.custom.eventsRejected }], alarms: a.lines("collector-events-rejected") },
      { title: "Events dropped", series: [{ metric: c.custom.eventsDropped }], alarms: [] },
      { title: "Events dropped by reason (Logs Insights)", logGroupName: collectorLogGroupName, query: droppedByReasonQuery() },
      {
        title: "Dropped share (%)",
        series: mathSeries(a.series("collector-dropped-share")),
        alarms: a.lines("collector-dropped-share"),
        unit: "%",
      },
      { title: "Sessions created", series: [{ metric: c.custom.sessionsCreated }], alarms: [] },
    ],
  };
}

function tableSection(c: MetricCatalog<string>, a: AlarmLookup): Section {
  return {
    heading: "DynamoDB tables",
    graphs: c.tables.flatMap((table) => {
      const key = kebab(table.label);
      return [
        {
          title: `${table.label} consumed capacity`,
          series: [{ metric: table.consumedRead }, { metric: table.consumedWrite }],
          alarms: [],
        },
        {
          title: `${table.label} throttle events`,
          series: [{ metric: table.readThrottles }, { metric: table.writeThrottles }],
          alarms: [...a.lines(`${key}-read-throttle-events`), ...a.lines(`${key}-write-throttle-events`)],
        },
      ];
    }),
  };
}

function archiveSection(archive: NonNullable<MetricCatalog<string>["archive"]>, a: AlarmLookup): Section {
  return {
    heading: "History archive (stream → Parquet on S3)",
    graphs: [
      { title: "Archive lag (ms)", series: [{ metric: archive.iteratorAge }], alarms: a.lines("archive-iterator-age"), unit: "ms" },
      {
        title: "Archiver invocations / errors",
        series: [{ metric: archive.archiverInvocations }, { metric: archive.archiverErrors }],
        alarms: a.lines("archiver-errors"),
      },
      {
        title: "Failed archive batches (queue)",
        series: [{ metric: archive.failureQueueDepth }],
        alarms: a.lines("archive-failed-batches"),
      },
      {
        title: "Compaction runs / errors",
        series: [{ metric: archive.compactionInvocations }, { metric: archive.compactionErrors }],
        alarms: a.lines("compaction-errors"),
      },
    ],
  };
}

function statsSection(s: NonNullable<MetricCatalog<string>["stats"]>, a: AlarmLookup): Section {
  return {
    heading: "Stats function (GET /stats, /dashboard)",
    graphs: [
      { title: "Stats invocations / errors", series: [{ metric: s.invocations }, { metric: s.errors }], alarms: a.lines("stats-errors") },
      { title: "Stats throttles", series: [{ metric: s.throttles }], alarms: a.lines("stats-throttles") },
      // No alarm: Athena decides it; a run into the 29 s timeout is an Error.
      { title: "Stats duration (ms)", series: [{ metric: s.duration.p50 }, { metric: s.duration.p99 }], alarms: [], unit: "ms" },
    ],
  };
}

const GRID_WIDTH = 24;
const GRAPH_WIDTH = 6;
const GRAPH_HEIGHT = 6;

function logWidget(g: LogDraft, view: DashboardView, x: number, y: number): DashboardWidget {
  const properties: LogWidgetProperties = {
    title: g.title,
    region: view.region,
    view: "bar",
    query: `SOURCE '${g.logGroupName}' | ${g.query}`,
  };
  return { type: "log", x, y, width: GRAPH_WIDTH, height: GRAPH_HEIGHT, properties };
}

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
      const top = y + row * GRAPH_HEIGHT;
      widgets.push("query" in g ? logWidget(g, view, column, top) : graphWidget(g, view, column, top));
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
  const catalog = alarmCatalog(view.resources, view.thresholds);
  const find = (key: string): AlarmSpec<string> | undefined => catalog.find((s) => s.key === key);
  const a: AlarmLookup = {
    series: (key) => {
      const spec = find(key);
      if (!spec) throw new Error(`No alarm with key ${key}; known: ${catalog.map((s) => s.key).join(", ")}`);
      return spec;
    },
    lines: (key) => {
      const spec = find(key);
      return spec && (view.diagnosticAlarms || !spec.diagnostic) ? [spec] : [];
    },
  };
  const sections = [
    apiSection(c, a),
    ...c.functions.map((fn) => functionSection(fn, a)),
    customSection(c, a, view.collectorLogGroupName),
    tableSection(c, a),
    ...(c.archive ? [archiveSection(c.archive, a)] : []),
    ...(c.stats ? [statsSection(c.stats, a)] : []),
  ];
  return { start: "-PT3H", periodOverride: "inherit", widgets: layout(sections, view) };
}
