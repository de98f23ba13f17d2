/**
 * When each alarm fires: the resolved `liveinsight:alarmThresholds` of the stack. What each key
 * measures and its default are documented once, in config.ts (and, generated from it, Pulumi.yaml).
 * Each is the highest acceptable value: an alarm fires when a period's value exceeds it
 * (GreaterThanThreshold) in `datapointsToAlarm` of the last `evaluationPeriods` periods.
 */
export interface AlarmThresholds {
  collectorErrorRatePercent: number;
  functionErrors: number;
  collectorP99DurationMs: number;
  realtimeP99DurationMs: number;
  concurrencyPercent: number;
  functionThrottles: number;
  api5xxRatePercent: number;
  api4xxRatePercent: number;
  apiThrottledRequests: number;
  apiP99LatencyMs: number;
  tableThrottleEvents: number;
  eventsRejected: number;
  /** Dropped events (bots, foreign pages, unknown sites) as % of the events that arrived. */
  droppedSharePercent: number;
  /** Archive lag: the archiver's IteratorAge (ms). */
  archiveIteratorAgeMs: number;
  /** Period of every alarm and dashboard graph, in seconds. */
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

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
  if (!(t.droppedSharePercent <= 100)) {
    problems.push(`alarmThresholds.droppedSharePercent must be a share of the arriving events in [0, 100]; got ${t.droppedSharePercent}`);
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
