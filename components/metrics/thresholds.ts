/**
 * Alarm thresholds (stack config `liveinsight:alarmThresholds`, merged by config.ts over the
 * defaults below, which Observability also uses when given none).
 * Each threshold is the highest acceptable value: an alarm fires when a period's value exceeds it
 * (GreaterThanThreshold) in `datapointsToAlarm` of the last `evaluationPeriods` periods.
 */
export interface AlarmThresholds {
  /** 5xx answers / requests * 100 per period, from each function's own request lines (both functions). */
  collectorErrorRatePercent: number;
  /** Sum of Lambda `Errors` (thrown exceptions, crashes, timeouts) per period, each function. */
  functionErrors: number;
  /** p99 of the collector's Duration per period, in ms. */
  collectorP99DurationMs: number;
  /** p99 of the realtime function's Duration per period, in ms. */
  realtimeP99DurationMs: number;
  /** Maximum ConcurrentExecutions of each function with a reservation, as a share (%) of it. */
  concurrencyPercent: number;
  /** Sum of Throttles per period, each function (0 = alarm on any throttle). */
  functionThrottles: number;
  /** 5xx / Count * 100 per period, HTTP API stage. */
  api5xxRatePercent: number;
  /** 4xx / Count * 100 per period, HTTP API stage (throttled 429s included). */
  api4xxRatePercent: number;
  /** Sum of 429 answers per period (stage throttling), counted from the access log. */
  apiThrottledRequests: number;
  /** p99 of the API's Latency per period, in ms. */
  apiP99LatencyMs: number;
  /** Sum of ReadThrottleEvents, and of WriteThrottleEvents, per period, each table. */
  tableThrottleEvents: number;
  /** Sum of LiveInsight ProcessingErrors per period. */
  processingErrors: number;
  /** Sum of LiveInsight EventsRejected per period: a spike means a broken tracker or a bad client release. */
  eventsRejected: number;
  /** Period of every alarm and dashboard graph, in seconds (a multiple of 60). */
  periodSeconds: number;
  /** N of "M of N". */
  evaluationPeriods: number;
  /** M of "M of N". */
  datapointsToAlarm: number;
}

/** Every threshold's default; Pulumi.yaml documents the same values (a test keeps them equal). */
export const DEFAULT_ALARM_THRESHOLDS: Readonly<AlarmThresholds> = Object.freeze({
  collectorErrorRatePercent: 1,
  functionErrors: 0,
  collectorP99DurationMs: 1000,
  realtimeP99DurationMs: 1000,
  concurrencyPercent: 80,
  functionThrottles: 1,
  api5xxRatePercent: 1,
  api4xxRatePercent: 10,
  apiThrottledRequests: 10,
  apiP99LatencyMs: 1500,
  tableThrottleEvents: 1,
  processingErrors: 1,
  eventsRejected: 100,
  periodSeconds: 60,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
});

/**
 * Problems AWS would reject or that make an alarm meaningless; empty when the thresholds are usable.
 * Exported so config.ts can report them against the stack file too.
 */
export function thresholdProblems(t: AlarmThresholds): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(t)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      problems.push(`alarmThresholds.${key} must be a number >= 0; got ${JSON.stringify(value)}`);
    }
  }
  if (!(t.concurrencyPercent > 0 && t.concurrencyPercent <= 100)) {
    problems.push(`alarmThresholds.concurrencyPercent must be a share of the reservation in (0, 100]; got ${t.concurrencyPercent}`);
  }
  if (!(Number.isInteger(t.periodSeconds) && t.periodSeconds >= 60 && t.periodSeconds % 60 === 0)) {
    problems.push(`alarmThresholds.periodSeconds must be a positive multiple of 60; got ${t.periodSeconds}`);
  }
  if (!(Number.isInteger(t.evaluationPeriods) && t.evaluationPeriods >= 1)) {
    problems.push(`alarmThresholds.evaluationPeriods must be an integer >= 1; got ${t.evaluationPeriods}`);
  }
  if (!(Number.isInteger(t.datapointsToAlarm) && t.datapointsToAlarm >= 1 && t.datapointsToAlarm <= t.evaluationPeriods)) {
    problems.push(
      `alarmThresholds.datapointsToAlarm must be an integer between 1 and evaluationPeriods (${t.evaluationPeriods}); got ${t.datapointsToAlarm}`,
    );
  }
  // CloudWatch evaluates at most one day of data per alarm.
  if (t.periodSeconds * t.evaluationPeriods > 86_400) {
    problems.push(
      `alarmThresholds.periodSeconds * evaluationPeriods must not exceed 86400 s (one day); got ${t.periodSeconds * t.evaluationPeriods}`,
    );
  }
  return problems;
}
