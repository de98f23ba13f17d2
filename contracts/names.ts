/**
 * Every physical AWS name of a LiveInsight stack, built in one place: the components create the
 * resources under these names, the IAM policies, tools and tests look them up by the same calls.
 */

/** Every resource name starts with this, then the stack: `LiveInsight-<stack>-…`. */
export const NAME_PREFIX = "LiveInsight";

export type TableLogicalName = "Events" | "Sessions" | "ActiveSessions";
export type FunctionKind = "collector" | "realtime" | "stats";
/**
 * The tag marking a function as a batch workload (no API in front: the archiver, compaction); the
 * policy pack judges such functions by its batch memory and timeout ranges.
 */
export const WORKLOAD_TAG = "liveinsight:workload";
export const BATCH_WORKLOAD = "batch";
/**
 * The tag value marking a function that answers an API request by waiting on a query engine (the
 * stats function, on Athena): the policy pack judges it by its query ranges, up to the 29 s that
 * fit API Gateway's 30 s integration limit, instead of the collector's few seconds.
 */
export const QUERY_WORKLOAD = "query";

/** The history archive's functions (components/history-archive.ts): no request line, no API in front. */
export type ArchiveFunctionKind = "archiver" | "compaction";

/** `LiveInsight-<stack>`: the HTTP API and the dashboard are called just this. */
export function stackPrefix(stack: string): string {
  return `${NAME_PREFIX}-${stack}`;
}

export function tableName(stack: string, logicalName: TableLogicalName): string {
  return `${stackPrefix(stack)}-${logicalName}`;
}

export function functionName(stack: string, kind: FunctionKind | ArchiveFunctionKind): string {
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

/** The stats API (components/stats-api.ts) is an HTTP API of its own: `LiveInsight-<stack>-stats`. */
export function statsApiName(stack: string): string {
  return `${stackPrefix(stack)}-stats`;
}

/** The stats API's access log group, beside the collector API's (same root, same deploy-policy scope). */
export function statsAccessLogGroupName(stack: string): string {
  return `${ACCESS_LOG_ROOT}/${statsApiName(stack)}/access`;
}

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

/**
 * S3 bucket names are global, lowercase and at most 63 characters (Amazon S3 User Guide, "General
 * purpose bucket naming rules": https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html),
 * so the account and region make them unique: `liveinsight-<stack>-<account>-<region>-<purpose>`.
 */
export function bucketName(stack: string, accountId: string, region: string, purpose: "archive" | "results"): string {
  const name = `${NAME_PREFIX.toLowerCase()}-${stack.toLowerCase()}-${accountId}-${region}-${purpose}`;
  if (name.length > 63 || !/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name)) {
    throw new Error(
      `The ${purpose} bucket name "${name}" is not a valid S3 bucket name (lowercase letters, digits and "-", at most 63 characters); use a stack name of at most ${63 - (name.length - stack.length)} letters, digits or "-".`,
    );
  }
  return name;
}

/** `LiveInsight-<stack>-archive-failures`: the archiver's on-failure destination. */
export function archiveFailureQueueName(stack: string): string {
  return `${stackPrefix(stack)}-archive-failures`;
}

/** Glue database names are lowercase letters, digits and "_" (Athena cannot quote "-" in DDL): `liveinsight_<stack>`. */
export function archiveDatabaseName(stack: string): string {
  return `${NAME_PREFIX.toLowerCase()}_${stack.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
}

/** The archive's Glue table (Athena: `<database>.events`). */
export const ARCHIVE_TABLE_NAME = "events";

/** `LiveInsight-<stack>`: the Athena workgroup. */
export function athenaWorkgroupName(stack: string): string {
  return stackPrefix(stack);
}

/** `LiveInsight-<stack>-compaction`: the daily EventBridge Scheduler schedule. */
export function compactionScheduleName(stack: string): string {
  return `${stackPrefix(stack)}-compaction`;
}

/** Name patterns matching that kind of resource in every stack: the deploy policy's resource scopes. */
export const ANY_STACK = {
  resource: stackPrefix("*"),
  lambdaLogGroups: lambdaLogGroupName(stackPrefix("*")),
  accessLogGroups: `${ACCESS_LOG_ROOT}/${stackPrefix("*")}`,
  alarmTopics: alarmTopicName("*"),
} as const;
