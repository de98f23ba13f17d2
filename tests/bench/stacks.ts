/**
 * A stack as the cost model sees it: its Pulumi.<stack>.yaml through config.ts's own parser (so
 * the bench prices the real settings), and what it deploys that has a monthly price: alarm
 * metrics, custom metrics, the dashboard, log lines per request, live views.
 */
import { accessLogFormat } from "../../components/collector-api";
import { buildAlarmSpecs, customMetricCount } from "../../components/metrics";
import { parseConfig, type StackConfig } from "../../config";
import { TABLE_SCHEMAS, tableName } from "../../contracts/tables";
import { REPO_ROOT, stackSettings } from "../../lib/stack-file";
import type { AllInInputs } from "./all-in";
import { ARCHIVE_ASSUMED, ARCHIVE_MEASURED, type ArchiveCostInputs } from "./archive-cost";
import { type CostInputs, costPerMillionEvents } from "./cost";
import type { ItemSizes } from "./item-sizes";
import { PLATFORM_LOG_BYTES } from "./prices";
import { REALTIME_ASSUMED, type RealtimeViewerInputs } from "./realtime-cost";

export function readStackConfig(stack: string, root = REPO_ROOT): StackConfig {
  return parseConfig(stackSettings(stack, root), stack);
}

/** Alarm metrics the stack's alarms bill: a metric-math alarm bills each metric it reads. */
export function alarmMetricCount(cfg: StackConfig): number {
  const specs = buildAlarmSpecs(
    {
      stack: cfg.stack,
      collectorFunctionName: "c",
      realtimeFunctionName: "r",
      apiId: "a",
      apiStageName: "$default",
      tableNames: TABLE_SCHEMAS.map((s) => tableName(cfg.stack, s)),
      reservedConcurrency: { Collector: cfg.reservedConcurrency, Realtime: cfg.reservedConcurrency },
      archive: { archiverFunctionName: "archiver", compactionFunctionName: "compaction", failureQueueName: "queue" },
      statsFunctionName: "stats",
    },
    cfg.alarmThresholds,
    cfg.diagnosticAlarms,
  );
  return specs.reduce((n, s) => n + (s.kind === "math" ? s.inputs.length : 1), 0);
}

/** One access-log line as API Gateway writes it for a POST /events, with typical values (bytes + newline-free). */
export function sampleAccessLogBytes(): number {
  const sample: Record<string, string> = {
    "$context.requestId": "Xyz1AbCdIAMEbQw=",
    "$context.apiId": "a1b2c3d4e5",
    "$context.requestTimeEpoch": "1764612345",
    "$context.httpMethod": "POST",
    "$context.routeKey": "POST /events",
    "$context.path": "/events",
    "$context.status": "200",
    "$context.protocol": "HTTP/1.1",
    "$context.responseLength": "512",
    "$context.responseLatency": "38",
    "$context.integrationLatency": "31",
    "$context.integration.status": "200",
    "$context.integration.error": "-",
    "$context.integrationErrorMessage": "-",
    "$context.error.message": "-",
  };
  const line = accessLogFormat().replace(/\$context\.[A-Za-z.]+/g, (v) => {
    if (!(v in sample)) throw new Error(`No sample value for ${v}; add one so the access-log cost stays measured`);
    return sample[v]!;
  });
  return Buffer.byteLength(line, "utf8");
}

export interface MeasuredInputs {
  readonly writeUnitsPerEvent: number;
  readonly readUnitsPerEvent: number;
  /** Read units of one GET /realtime answer (./realtime-reads). */
  readonly realtimeReadUnitsPerAnswer: number;
  readonly appLogBytesPerRequest: number;
  readonly billedDurationMs: number;
  readonly eventsPerRequest: number;
  readonly sizes: ItemSizes;
}

export function stackCostInputs(stack: string, m: MeasuredInputs): AllInInputs {
  const cfg = readStackConfig(stack);
  const access = sampleAccessLogBytes();
  const ingest: CostInputs = {
    name: stack,
    eventsPerRequest: m.eventsPerRequest,
    architecture: cfg.architecture,
    memoryMb: cfg.memorySize,
    durationMs: m.billedDurationMs,
    writeUnitsPerEvent: m.writeUnitsPerEvent,
    readUnitsPerEvent: m.readUnitsPerEvent,
    putMetricDataPerEvent: 0,
    appLogBytesPerRequest: m.appLogBytesPerRequest,
    accessLogBytesPerRequest: access,
  };
  const requestsPerMillion = 1e6 / m.eventsPerRequest;
  return {
    stack,
    ingestPerMillion: costPerMillionEvents(ingest),
    sizes: m.sizes,
    hotRetentionDays: cfg.hotRetentionDays,
    archive: archiveCostInputs(cfg),
    logRetentionDays: cfg.logRetentionDays,
    pitr: cfg.protectData,
    logBytesPerMillion: requestsPerMillion * (PLATFORM_LOG_BYTES + m.appLogBytesPerRequest + access),
    alarmMetrics: alarmMetricCount(cfg),
    customMetrics: customMetricCount(),
    dashboards: 1,
    secrets: 1,
    realtime: { viewer: realtimeViewerInputs(cfg, m, access), viewerDaysPerMonth: REALTIME_ASSUMED.viewerDaysPerMonth },
  };
}

/** One live-count answer as the stack runs it: the realtime function's settings, its request line sized as the collector's. */
export function realtimeViewerInputs(cfg: StackConfig, m: MeasuredInputs, accessLogBytes: number): RealtimeViewerInputs {
  return {
    readUnitsPerAnswer: m.realtimeReadUnitsPerAnswer,
    architecture: cfg.architecture,
    memoryMb: cfg.memorySize,
    durationMs: m.billedDurationMs,
    logBytesPerAnswer: PLATFORM_LOG_BYTES + m.appLogBytesPerRequest + accessLogBytes,
    logRetentionDays: cfg.logRetentionDays,
  };
}

/** The archive as the stack configures it, with the archive bench's measured figures and the stated assumptions. */
export function archiveCostInputs(cfg: StackConfig): ArchiveCostInputs {
  return {
    eventRetentionDays: cfg.eventRetentionDays,
    logRetentionDays: cfg.logRetentionDays,
    architecture: cfg.architecture,
    batchSize: cfg.archiveBatchSize,
    batchingWindowSeconds: cfg.archiveBatchingWindowSeconds,
    archiverMemoryMb: cfg.archiverMemorySize,
    compactionMemoryMb: cfg.compactionMemorySize,
    ...ARCHIVE_MEASURED,
    ...ARCHIVE_ASSUMED,
  };
}
