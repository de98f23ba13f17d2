/**
 * The custom metrics the stack publishes from its log lines (docs/operations.md): namespace, metric names and
 * dimension names. The metric filters publish them, the alarms and dashboard read them, and the
 * load tester queries them, all through these constants.
 */

/** Namespace of the custom metrics the metric filters publish. */
export const CUSTOM_NAMESPACE = "LiveInsight";

/**
 * Only what no AWS-vended metric answers (docs/operations.md says why each stays): each name ×
 * dimension values is a billed custom metric. Requests (= AWS/Lambda Invocations), ProcessingErrors
 * (= ServerErrors of the collector) and ProcessingTime (= AWS/Lambda Duration) were dropped for that.
 */
export const CUSTOM_METRIC_NAMES = [
  "EventsProcessed",
  "EventsRejected",
  "SessionsCreated",
  "ServerErrors",
  "ThrottledRequests",
  "EventsDropped",
] as const;
export type CustomMetricName = (typeof CUSTOM_METRIC_NAMES)[number];

/** Dimension names of the custom metrics: the stack, the function (its `service`, ServerErrors only), the HTTP API. */
export const DIMENSIONS = {
  environment: "Environment",
  function: "Function",
  apiId: "ApiId",
} as const;
