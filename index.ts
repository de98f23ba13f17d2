/** LiveInsight: reads the stack config, builds the three components, exports what operators need. */
import { AnalyticsTables } from "./components/analytics-tables";
import { CollectorApi } from "./components/collector-api";
import { Observability } from "./components/observability";
import { loadConfig } from "./config";

const config = loadConfig();

const tables = new AnalyticsTables("tables", { stack: config.stack, protectData: config.protectData, tableKmsKeyArn: config.tableKmsKeyArn });

const api = new CollectorApi("api", {
  stack: config.stack,
  eventsTableName: tables.tableNames.Events,
  eventsTableArn: tables.tableArns.Events,
  sessionsTableName: tables.tableNames.Sessions,
  sessionsTableArn: tables.tableArns.Sessions,
  activeSessionsTableName: tables.tableNames.ActiveSessions,
  activeSessionsTableArn: tables.tableArns.ActiveSessions,
  memorySize: config.memorySize,
  timeoutSeconds: config.timeoutSeconds,
  architecture: config.architecture,
  reservedConcurrency: config.reservedConcurrency,
  logRetentionDays: config.logRetentionDays,
  eventRetentionDays: config.eventRetentionDays,
  sdkMaxAttempts: config.sdkMaxAttempts,
  sdkRetryMode: config.sdkRetryMode,
  throttleRateLimit: config.throttleRateLimit,
  throttleBurstLimit: config.throttleBurstLimit,
  corsOrigins: [...config.corsOrigins],
  integrationTimeoutMs: config.integrationTimeoutMs,
  trustedProxyHops: config.trustedProxyHops,
});

const observability = new Observability("observability", {
  stack: config.stack,
  collectorFunctionName: api.collectorFunctionName,
  realtimeFunctionName: api.realtimeFunctionName,
  collectorLogGroupName: api.collectorLogGroupName,
  realtimeLogGroupName: api.realtimeLogGroupName,
  accessLogGroupName: api.accessLogGroupName,
  collectorReservedConcurrency: config.reservedConcurrency,
  apiId: api.apiId,
  apiStageName: api.stageName,
  tableNames: [tables.tableNames.Events, tables.tableNames.Sessions, tables.tableNames.ActiveSessions],
  thresholds: config.alarmThresholds,
  alarmEmail: config.alarmEmail,
});

export const apiUrl = api.url;
export const eventsUrl = api.eventsUrl;
export const realtimeUrl = api.realtimeUrl;
export const trackerUrl = api.trackerUrl;
export const eventsTableName = tables.eventsTableName;
export const sessionsTableName = tables.sessionsTableName;
export const activeSessionsTableName = tables.activeSessionsTableName;
export const dashboardUrl = observability.dashboardUrl;
export const alarmTopicArn = observability.alarmTopicArn;
