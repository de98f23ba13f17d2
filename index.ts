/** LiveInsight: reads the stack config, builds the components, exports what operators need. */
import * as pulumi from "@pulumi/pulumi";
import { AnalyticsTables } from "./components/analytics-tables";
import { CollectorApi } from "./components/collector-api";
import { HistoryArchive } from "./components/history-archive";
import { Observability } from "./components/observability";
import { StatsApi } from "./components/stats-api";
import { loadConfig } from "./config";
import { functionSettingsOf } from "./contracts/function-env";
import { apiCorsOrigins } from "./contracts/sites";

// Every value resolved by config.ts (defaults included); the components apply none of their own.
const config = loadConfig(pulumi.runtime.allConfig(), pulumi.getStack());

const tables = new AnalyticsTables("tables", {
  stack: config.stack,
  protectData: config.protectData,
  tableKmsKeyArn: config.tableKmsKeyArn,
});

// The three tables as the functions' settings name them (the collector and the stats function both read them).
const tableRefs = {
  events: { name: tables.tableNames.Events },
  sessions: { name: tables.tableNames.Sessions },
  activeSessions: { name: tables.tableNames.ActiveSessions },
};

const api = new CollectorApi("api", {
  stack: config.stack,
  tables: tableRefs,
  functions: {
    memorySize: config.memorySize,
    timeoutSeconds: config.timeoutSeconds,
    architecture: config.architecture,
    reservedConcurrency: config.reservedConcurrency,
    logRetentionDays: config.logRetentionDays,
  },
  // Whatever contracts/function-env.ts says reaches the functions, taken from the config by name.
  functionSettings: functionSettingsOf(config),
  api: {
    throttleRateLimit: config.throttleRateLimit,
    throttleBurstLimit: config.throttleBurstLimit,
    // The sites' hosts (contracts/sites.ts: https per host, https://* for a *. host) plus corsOrigins.
    corsOrigins: apiCorsOrigins(config.corsOrigins, config.sites),
    integrationTimeoutMs: config.integrationTimeoutMs,
  },
});

// History: the Events stream → Parquet on S3, compacted daily, queried with Athena (docs/archive.md).
const archive = new HistoryArchive("archive", {
  stack: config.stack,
  eventsTable: { name: tables.tableNames.Events, streamArn: tables.eventsStreamArn },
  eventRetentionDays: config.eventRetentionDays,
  protectData: config.protectData,
  functions: {
    architecture: config.architecture,
    logRetentionDays: config.logRetentionDays,
    sdkMaxAttempts: config.sdkMaxAttempts,
    sdkRetryMode: config.sdkRetryMode,
  },
  archiver: { memorySize: config.archiverMemorySize, timeoutSeconds: config.archiverTimeoutSeconds },
  compaction: { memorySize: config.compactionMemorySize, timeoutSeconds: config.compactionTimeoutSeconds },
  stream: {
    batchSize: config.archiveBatchSize,
    batchingWindowSeconds: config.archiveBatchingWindowSeconds,
    maxRetryAttempts: config.archiveMaxRetryAttempts,
    maxRecordAgeSeconds: config.archiveMaxRecordAgeSeconds,
  },
  athena: { bytesScannedCutoffMb: config.athenaBytesScannedCutoffMb, resultRetentionDays: config.athenaResultRetentionDays },
});

// The stats API and dashboard over the archive, behind a key kept in Secrets Manager (docs/stats.md).
const stats = new StatsApi("stats", {
  stack: config.stack,
  tables: tableRefs,
  databaseName: archive.databaseName,
  tableName: archive.tableName,
  workgroupName: archive.workgroupName,
  memorySize: config.statsMemorySize,
  architecture: config.architecture,
  logRetentionDays: config.logRetentionDays,
  throttleRateLimit: config.statsThrottleRateLimit,
  throttleBurstLimit: config.statsThrottleBurstLimit,
  retentionDays: config.eventRetentionDays,
  functionSettings: functionSettingsOf(config),
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
  alarms: { thresholds: config.alarmThresholds, email: config.alarmEmail, diagnostic: config.diagnosticAlarms },
  archive: {
    archiverFunctionName: archive.archiverFunctionName,
    compactionFunctionName: archive.compactionFunctionName,
    failureQueueName: archive.failureQueueName,
  },
  statsFunctionName: stats.functionName,
});

// docs/deploy.md's "Stack outputs" table says what each is for (tests/components/program.test.ts keeps it complete).
export const apiUrl = api.url;
export const eventsUrl = api.eventsUrl;
export const realtimeUrl = api.realtimeUrl;
export const trackerUrl = api.trackerUrl;
export const eventsTableName = tables.eventsTableName;
export const sessionsTableName = tables.sessionsTableName;
export const activeSessionsTableName = tables.activeSessionsTableName;
export const dashboardUrl = observability.dashboardUrl;
export const alarmTopicArn = observability.alarmTopicArn;
export const archiveBucketName = archive.archiveBucketName;
export const archiveFailureQueueUrl = archive.failureQueueUrl;
export const athenaWorkgroupName = archive.workgroupName;
export const archiveDatabaseName = archive.databaseName;
export const statsUrl = stats.url;
export const statsDashboardUrl = stats.dashboardUrl;
// The key's secret by name and ARN; the key itself is never an output (docs/stats.md: get-secret-value).
export const statsKeySecretName = stats.keySecretName;
export const statsKeySecretArn = stats.keySecretArn;
