/**
 * Every physical AWS name of a LiveInsight stack, built in one place: the components create the
 * resources under these names, the IAM policies, tools and tests look them up by the same calls.
 */

/** Every resource name starts with this, then the stack: `LiveInsight-<stack>-…`. */
export const NAME_PREFIX = "LiveInsight";

export type TableLogicalName = "Events" | "Sessions" | "ActiveSessions";
export type FunctionKind = "collector" | "realtime" | "stats";

/** `LiveInsight-<stack>`: the HTTP API and the dashboard are called just this. */
export function stackPrefix(stack: string): string {
  return `${NAME_PREFIX}-${stack}`;
}

export function tableName(stack: string, logicalName: TableLogicalName): string {
  return `${stackPrefix(stack)}-${logicalName}`;
}

export function functionName(stack: string, kind: FunctionKind): string {
  return `${stackPrefix(stack)}-${kind}`;
}

/** Lambda's own log-group name for a function; created up front so its retention is ours. */
export function lambdaLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/**
 * Under /aws/vendedlogs/ API Gateway's log delivery needs no entry in the account's CloudWatch
 * Logs resource policy (CloudWatch Logs User Guide, "Enabling logging from AWS services").
 */
export function accessLogGroupName(stack: string): string {
  return `${ACCESS_LOG_ROOT}/${stackPrefix(stack)}/access`;
}

const ACCESS_LOG_ROOT = "/aws/vendedlogs/apigateway";

export function apiName(stack: string): string {
  return stackPrefix(stack);
}

export function dashboardName(stack: string): string {
  return stackPrefix(stack);
}

export function alarmTopicName(stack: string): string {
  return `${stackPrefix(stack)}-alarms`;
}

/** `LiveInsight-<stack>-<Resource>-<Metric>`. */
export function alarmName(stack: string, resource: string, metric: string): string {
  return `${stackPrefix(stack)}-${resource}-${metric}`;
}

/** A metric filter: `LiveInsight-<stack>-<metric>`, or `…-<source>-<metric>` when one metric has several log sources. */
export function metricFilterName(stack: string, metricName: string, source?: string): string {
  return source === undefined ? `${stackPrefix(stack)}-${metricName}` : `${stackPrefix(stack)}-${source}-${metricName}`;
}

/** Name patterns matching that kind of resource in every stack: the deploy policy's resource scopes. */
export const ANY_STACK = {
  resource: stackPrefix("*"),
  lambdaLogGroups: lambdaLogGroupName(stackPrefix("*")),
  accessLogGroups: `${ACCESS_LOG_ROOT}/${stackPrefix("*")}`,
  alarmTopics: alarmTopicName("*"),
} as const;
