/**
 * Metric filters: log lines → custom metrics (docs/operations.md). The functions' per-request line and the
 * API's access log are the only sources; no PutMetricData in the request path.
 */
import { type CustomMetricName, DIMENSIONS } from "../../contracts/metrics";
import { metricFilterName } from "../../contracts/names";
import { REQUEST_COMPLETED, type RequestLineField, type RequestLogLine, selector } from "../../contracts/request-line";

export type { CustomMetricName } from "../../contracts/metrics";
export { CUSTOM_NAMESPACE } from "../../contracts/metrics";

/** Which log group a filter attaches to: a function's own group, or the API's access log. */
export type LogSource = "collector" | "realtime" | "access";

export interface MetricFilterDef {
  readonly metricName: CustomMetricName;
  readonly pattern: string;
  /** Metric value: a `$.` selector into the line, or a literal. */
  readonly value: string;
  readonly unit: "Count";
  /** Dimension name → `$.` selector: a metric filter can only take dimension values from the log event. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly sources: readonly LogSource[];
}

/**
 * The Environment dimension comes from the line itself: the functions write `environment` = stack
 * name into every line. (A filter with dimensions cannot also have a defaultValue, so none is set.)
 */
export const FILTER_DIMENSIONS: Readonly<Record<string, string>> = { [DIMENSIONS.environment]: selector("environment") };

/** 5xx answers are counted per function: the `Function` dimension is the line's `service`. */
export const FUNCTION_FILTER_DIMENSIONS: Readonly<Record<string, string>> = {
  ...FILTER_DIMENSIONS,
  [DIMENSIONS.function]: selector("service"),
};

/** The access log carries no stack name; its metrics are keyed by the API, like AWS/ApiGateway's. */
export const ACCESS_FILTER_DIMENSIONS: Readonly<Record<string, string>> = { [DIMENSIONS.apiId]: "$.apiId" };

const $ = selector;
// Only the collector's per-request summary line feeds the event metrics; any other JSON the
// function might write (or Lambda's own START/END/REPORT text lines) never matches.
const COLLECTOR: RequestLogLine["service"] = "collector";
const REQUEST_LINE = `${$("service")} = "${COLLECTOR}" && ${$("message")} = "${REQUEST_COMPLETED}"`;
// Both functions write the same request line (the realtime one with events: 0).
const ANY_REQUEST_LINE = `${$("message")} = "${REQUEST_COMPLETED}"`;
/** A collector count: the line's value of `field`, for lines where it is above 0. */
const positive = (field: RequestLineField) => ({ pattern: `{ ${REQUEST_LINE} && ${$(field)} > 0 }`, value: $(field) });

const collectorOnly = (def: Omit<MetricFilterDef, "dimensions" | "sources">): MetricFilterDef => ({
  ...def,
  dimensions: FILTER_DIMENSIONS,
  sources: ["collector"],
});

export const METRIC_FILTERS: readonly MetricFilterDef[] = [
  // Only a 200 stores every event of its request; counting 503s too would count the client's retry twice.
  collectorOnly({
    metricName: "EventsProcessed",
    pattern: `{ ${REQUEST_LINE} && ${$("status")} = 200 && ${$("events")} > 0 }`,
    value: $("events"),
    unit: "Count",
  }),
  collectorOnly({ metricName: "EventsRejected", ...positive("rejected"), unit: "Count" }),
  collectorOnly({ metricName: "SessionsCreated", ...positive("sessions_created"), unit: "Count" }),
  // Bots, foreign pages and unknown sites (docs/sites.md): answered without storing, so not EventsProcessed.
  // One metric for all reasons: a Reason dimension would bill one per reason, and the dashboard
  // breaks the drops down by the line's drop_reason with Logs Insights instead (./dashboard).
  collectorOnly({ metricName: "EventsDropped", ...positive("dropped"), unit: "Count" }),
  // The error-rate alarms' numerator (their denominator is AWS/Lambda Invocations, free). Lambda's
  // `Errors` counts only thrown exceptions, and both handlers answer every failure themselves, so a
  // DynamoDB outage shows up here and only here.
  {
    metricName: "ServerErrors",
    pattern: `{ ${ANY_REQUEST_LINE} && ${$("status")} >= 500 }`,
    value: "1",
    unit: "Count",
    dimensions: FUNCTION_FILTER_DIMENSIONS,
    sources: ["collector", "realtime"],
  },
  // Stage throttling answers 429 before any function runs, so only the access log sees it. Every
  // access-log value is a quoted string (components/collector-api.ts), hence the string match.
  {
    metricName: "ThrottledRequests",
    pattern: `{ $.status = "429" }`,
    value: "1",
    unit: "Count",
    dimensions: ACCESS_FILTER_DIMENSIONS,
    sources: ["access"],
  },
];

/** The AWS name of one filter: the event metrics keep their original names, per-source ones say their source. */
export function filterName(stack: string, def: MetricFilterDef, source: LogSource): string {
  return metricFilterName(stack, def.metricName, def.sources.length > 1 ? source : undefined);
}

/**
 * How many custom metrics (distinct name + dimension values) the filters publish per stack: the
 * metric bill. Every dimension value is one per source (the stack, the line's service, the API),
 * so each filter and source is one metric.
 */
export function customMetricCount(): number {
  return METRIC_FILTERS.reduce((n, def) => n + def.sources.length, 0);
}
