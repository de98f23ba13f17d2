/** LiveInsight: reads the stack config, builds the three components, exports what operators need. */
import { AnalyticsTables } from "./components/analytics-tables";
import { CollectorApi } from "./components/collector-api";
import { Observability } from "./components/observability";
import { loadConfig } from "./config";

const config = loadConfig();

const tables = new AnalyticsTables("tables", {
  stack: config.stack,
  protectData: config.protectData,
  tableKmsKeyArn: config.tableKmsKeyArn,
});

const api = new CollectorApi("api", {
  stack: config.stack,
  tables: {
    events: { name: tables.tableNames.Events },
    sessions: { name: tables.tableNames.Sessions },
    activeSessions: { name: tables.tableNames.ActiveSessions },
  },
  functions: {
    memorySize: config.memorySize,
    timeoutSeconds: config.timeoutSeconds,
    architecture: config.architecture,
    reservedConcurrency: config.reservedConcurrency,
    logRetentionDays: config.logRetentionDays,
    eventRetentionDays: config.eventRetentionDays,
    sdkMaxAttempts: config.sdkMaxAttempts,
    sdkRetryMode: config.sdkRetryMode,
    trustedProxyHops: config.trustedProxyHops,
  },
  api: {
    throttleRateLimit: config.throttleRateLimit,
    throttleBurstLimit: config.throttleBurstLimit,
    corsOrigins: [...config.corsOrigins],
    integrationTimeoutMs: config.integrationTimeoutMs,
  },
});

const observability = new Observability("observability", {
  stack: config.stack,
  functions: {
    collector: {
      name: api.collectorFunctionName,
      logGroupName: api.collectorLogGroupName,
      reservedConcurrency: config.reservedConcurrency,
    },
    realtime: {
      name: api.realtimeFunctionName,
      logGroupName: api.realtimeLogGroupName,
      reservedConcurrency: config.reservedConcurrency,
    },
  },
  api: { id: api.apiId, stageName: api.stageName, accessLogGroupName: api.accessLogGroupName },
  tableNames: [tables.tableNames.Events, tables.tableNames.Sessions, tables.tableNames.ActiveSessions],
  alarms: { thresholds: config.alarmThresholds, email: config.alarmEmail },
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
