/**
 * The dashboard body (CloudWatch dashboard body structure) for one stack, from the same metric
 * catalog and alarm specifications the alarms use: each alarm's threshold is drawn on the widget
 * that plots its metric or expression.
 */
import { type AlarmSpec, buildAlarmSpecs, kebab } from "./alarms";
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

type Series =
  | { metric: MetricDef<string>; id?: string; visible?: boolean; yAxis?: "right" }
  | { expression: string; id: string; label: string };

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
    label: `${alarms
      .filter((a) => a.threshold === value)
      .map((a) => a.name)
      .join(" / ")} > ${value}`,
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
      { title: "API 4xx rate (%)", series: mathSeries(alarm("api-4xx-rate")), alarms: [alarm("api-4xx-rate")], unit: "%" },
      { title: "API 429 throttled (access log)", series: [{ metric: c.api.throttled }], alarms: [alarm("api-throttled")] },
      {
        title: "API latency (ms)",
        series: [{ metric: c.api.latency.p50 }, { metric: c.api.latency.p90 }, { metric: c.api.latency.p99 }],
        alarms: [alarm("api-p99-latency")],
        unit: "ms",
      },
    ],
  };
}

function functionSection(
  fn: MetricCatalog<string>["functions"][number],
  alarm: (key: string) => AlarmSpec<string>,
  has: (key: string) => boolean,
): Section {
  const key = fn.label.toLowerCase();
  const concurrencyAlarms = has(`${key}-concurrent-executions`) ? [alarm(`${key}-concurrent-executions`)] : [];
  return {
    heading: `${fn.label} function`,
    graphs: [
      {
        title: `${fn.label} 5xx rate (%)`,
        series: mathSeries(alarm(`${key}-error-rate`)),
        alarms: [alarm(`${key}-error-rate`)],
        unit: "%",
      },
      {
        title: `${fn.label} invocations / errors`,
        series: [{ metric: fn.invocations }, { metric: fn.errors }],
        alarms: [alarm(`${key}-errors`)],
      },
      {
        title: `${fn.label} duration (ms)`,
        series: [{ metric: fn.duration.p50 }, { metric: fn.duration.p90 }, { metric: fn.duration.p99 }],
        alarms: [alarm(`${key}-p99-duration`)],
        unit: "ms",
      },
      { title: `${fn.label} throttles`, series: [{ metric: fn.throttles }], alarms: [alarm(`${key}-throttles`)] },
      { title: `${fn.label} concurrent executions`, series: [{ metric: fn.concurrency }], alarms: concurrencyAlarms },
    ],
  };
}

function customSection(c: MetricCatalog<string>, alarm: (key: string) => AlarmSpec<string>): Section {
  return {
    heading: "Collector custom metrics (from log metric filters)",
    graphs: [
      { title: "Events processed", series: [{ metric: c.custom.eventsProcessed }], alarms: [] },
      { title: "Events rejected", series: [{ metric: c.custom.eventsRejected }], alarms: [alarm("collector-events-rejected")] },
      { title: "Events dropped by reason", series: c.custom.eventsDropped.map((metric) => ({ metric })), alarms: [] },
      {
        title: "Dropped share (%)",
        series: mathSeries(alarm("collector-dropped-share")),
        alarms: [alarm("collector-dropped-share")],
        unit: "%",
      },
      { title: "Sessions created", series: [{ metric: c.custom.sessionsCreated }], alarms: [] },
    ],
  };
}

function tableSection(c: MetricCatalog<string>, alarm: (key: string) => AlarmSpec<string>): Section {
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
          alarms: [alarm(`${key}-read-throttle-events`), alarm(`${key}-write-throttle-events`)],
        },
      ];
    }),
  };
}

function archiveSection(a: NonNullable<MetricCatalog<string>["archive"]>, alarm: (key: string) => AlarmSpec<string>): Section {
  return {
    heading: "History archive (stream → Parquet on S3)",
    graphs: [
      { title: "Archive lag (ms)", series: [{ metric: a.iteratorAge }], alarms: [alarm("archive-iterator-age")], unit: "ms" },
      {
        title: "Archiver invocations / errors",
        series: [{ metric: a.archiverInvocations }, { metric: a.archiverErrors }],
        alarms: [alarm("archiver-errors")],
      },
      { title: "Failed archive batches (queue)", series: [{ metric: a.failureQueueDepth }], alarms: [alarm("archive-failed-batches")] },
      {
        title: "Compaction runs / errors",
        series: [{ metric: a.compactionInvocations }, { metric: a.compactionErrors }],
        alarms: [alarm("compaction-errors")],
      },
    ],
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
  const has = (key: string) => specs.some((s) => s.key === key);
  const sections = [
    apiSection(c, alarm),
    ...c.functions.map((fn) => functionSection(fn, alarm, has)),
    customSection(c, alarm),
    tableSection(c, alarm),
    ...(c.archive ? [archiveSection(c.archive, alarm)] : []),
  ];
  return { start: "-PT3H", periodOverride: "inherit", widgets: layout(sections, view) };
}
