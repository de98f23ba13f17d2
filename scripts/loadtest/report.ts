// The run's result as data (the --json file, the source of the text and HTML reports) and its
// console renderings: the final report and the once-a-second progress line.
import type { LoadModel, LoadTestOptions } from "./args";
import type { CloudWatchSummary } from "./cloudwatch";
import { type Recorder, round3, type TimelinePoint } from "./recorder";
import { LATE_THRESHOLD_MS, REFUSED_BACKOFF_MS, scheduledCount } from "./scheduler";
import { evaluateSlos, formatPercent, type SloResult } from "./slo";
import { type HistogramBin, histogram, summarize } from "./stats";

export interface LoadTestResult {
  tool: "liveinsight-loadtest";
  schema_version: 1;
  target: string;
  model: LoadModel;
  config: {
    url: string;
    stack: string | null;
    concurrency: number | null;
    rate: number | null;
    max_in_flight: number;
    duration_s: number;
    batch: number;
    sessions: number;
    timeout_ms: number;
    seed: number;
    slo_p99_ms: number | null;
    slo_success: number | null;
  };
  started_at: string;
  finished_at: string;
  /** wall time from the first request to the last response */
  duration_s: number;
  /** true when Ctrl-C ended the run before --duration */
  stopped_early: boolean;
  requests: number;
  /** events acknowledged by a 2xx response */
  events: number;
  events_sent: number;
  events_per_s: number;
  requests_per_s: number;
  /** 2xx / (requests + dropped) */
  success_rate: number | null;
  statuses: Record<string, number>;
  latency_ms: {
    p50: number | null;
    p90: number | null;
    p99: number | null;
    max: number | null;
    min: number | null;
    mean: number | null;
    samples: number;
    method: string;
  };
  open_model: { scheduled: number; dropped: number; late: number; late_threshold_ms: number; max_send_lag_ms: number } | null;
  sessions: { simulated: number; adopted_from_server: number };
  client: { event_loop_utilization: number };
  timeline: TimelinePoint[];
  latency_histogram: HistogramBin[];
  slo: SloResult;
  cloudwatch: CloudWatchSummary | null;
}

export interface RunFacts {
  options: LoadTestOptions;
  url: string;
  startedAt: Date;
  elapsedMs: number;
  recorder: Recorder;
  sessionsAdopted: number;
  eventLoopUtilization: number;
  stoppedEarly: boolean;
}

export function buildResult(facts: RunFacts): LoadTestResult {
  const { options, recorder } = facts;
  const durationS = facts.elapsedMs / 1000;
  const latency = summarize(recorder.latencySamples());
  const perSecond = (count: number) => (durationS > 0 ? round3(count / durationS) : 0);
  return {
    tool: "liveinsight-loadtest",
    schema_version: 1,
    target: facts.url,
    model: options.model,
    config: {
      url: facts.url,
      stack: options.stack,
      concurrency: options.model === "closed" ? options.concurrency : null,
      rate: options.rate,
      max_in_flight: options.maxInFlight,
      duration_s: options.durationS,
      batch: options.batch,
      sessions: options.sessions,
      timeout_ms: options.timeoutMs,
      seed: options.seed,
      slo_p99_ms: options.sloP99Ms,
      slo_success: options.sloSuccess,
    },
    started_at: facts.startedAt.toISOString(),
    finished_at: new Date(facts.startedAt.getTime() + facts.elapsedMs).toISOString(),
    duration_s: round3(durationS),
    stopped_early: facts.stoppedEarly,
    requests: recorder.requests,
    events: recorder.eventsAcknowledged,
    events_sent: recorder.eventsSent,
    events_per_s: perSecond(recorder.eventsAcknowledged),
    requests_per_s: perSecond(recorder.requests),
    success_rate: recorder.successRate,
    statuses: sortedStatuses(recorder.statuses),
    latency_ms: {
      p50: latency.p50,
      p90: latency.p90,
      p99: latency.p99,
      max: latency.max,
      min: latency.min,
      mean: latency.mean,
      samples: latency.count,
      method: "exact, nearest-rank over every request with an HTTP answer or a timeout",
    },
    open_model:
      options.model === "open"
        ? {
            scheduled: scheduledCount(options.rate!, options.durationS),
            dropped: recorder.dropped,
            late: recorder.late,
            late_threshold_ms: LATE_THRESHOLD_MS,
            max_send_lag_ms: round3(recorder.maxSendLagMs),
          }
        : null,
    sessions: { simulated: options.sessions, adopted_from_server: facts.sessionsAdopted },
    client: { event_loop_utilization: round3(facts.eventLoopUtilization) },
    timeline: recorder.timeline(facts.elapsedMs),
    latency_histogram: histogram(recorder.latencySamples()),
    slo: evaluateSlos(options, { p99Ms: latency.p99, successRate: recorder.successRate, okRequests: recorder.okRequests }),
    cloudwatch: null,
  };
}

function sortedStatuses(statuses: Record<string, number>): Record<string, number> {
  const keys = Object.keys(statuses).sort();
  return Object.fromEntries(keys.map((key) => [key, statuses[key]]));
}

/** What an SLO check measured, in the unit of its objective. */
export function formatSloActual(check: SloResult["checks"][number]): string {
  if (check.actual === null) return "n/a";
  if (check.name === "success_rate") return formatPercent(check.actual);
  if (check.name === "p99_latency_ms") return `${formatMs(check.actual)} ms`;
  return String(check.actual);
}

export function formatMs(value: number | null): string {
  if (value === null) return "n/a";
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export type LoadDescription = Pick<
  LoadTestResult["config"],
  "rate" | "max_in_flight" | "concurrency" | "duration_s" | "batch" | "sessions"
>;

export function describeLoad(model: LoadModel, c: LoadDescription): string {
  const load =
    model === "open" ? `open model, ${c.rate} req/s (max ${c.max_in_flight} in flight)` : `closed model, ${c.concurrency} clients`;
  return `${load}, ${c.duration_s} s, batch ${c.batch}, ${c.sessions} sessions`;
}

export function formatReport(result: LoadTestResult): string {
  const l = result.latency_ms;
  const statuses =
    Object.entries(result.statuses)
      .map(([status, count]) => `${status}: ${count}`)
      .join("  ") || "none";
  const lines = [
    `LiveInsight load test: ${describeLoad(result.model, result.config)}`,
    `target          ${result.target}`,
    `duration        ${result.duration_s.toFixed(2)} s${result.stopped_early ? " (stopped early by Ctrl-C)" : ""}`,
    `requests        ${result.requests}  (${result.requests_per_s.toFixed(1)}/s)`,
    `events          ${result.events} acknowledged of ${result.events_sent} sent  (${result.events_per_s.toFixed(1)} events/s)`,
    `success rate    ${result.success_rate === null ? "n/a" : formatPercent(result.success_rate)}`,
    `statuses        ${statuses}`,
    ...refusedLine(result),
    `latency (ms)    p50 ${formatMs(l.p50)}  p90 ${formatMs(l.p90)}  p99 ${formatMs(l.p99)}  max ${formatMs(l.max)}  (${l.samples} samples, exact nearest-rank${result.model === "open" ? ", from scheduled send time" : ""})`,
  ];
  if (result.open_model) {
    const o = result.open_model;
    lines.push(
      `open model      ${o.scheduled} scheduled, ${o.dropped} dropped (max in flight reached), ${o.late} late (> ${o.late_threshold_ms} ms), max send lag ${formatMs(o.max_send_lag_ms)} ms`,
    );
  }
  lines.push(
    `sessions        ${result.sessions.simulated} simulated visitors, ${result.sessions.adopted_from_server} session ids adopted from the server`,
  );
  lines.push(`client          event loop ${Math.round(result.client.event_loop_utilization * 100)}% busy${clientWarning(result)}`);
  lines.push("", "SLO");
  for (const check of result.slo.checks) {
    lines.push(`  ${check.passed ? "PASS" : "FAIL"}  ${check.objective}: ${formatSloActual(check)}`);
  }
  lines.push(`verdict: ${result.slo.passed ? "PASS" : "FAIL"}`);
  return lines.join("\n");
}

function refusedLine(result: LoadTestResult): string[] {
  const refused = result.statuses.ERR_ECONNREFUSED ?? 0;
  if (refused === 0) return [];
  const pause =
    result.model === "closed" ? `; each client paused (up to ${REFUSED_BACKOFF_MS.max / 1000} s) instead of retrying at once` : "";
  return [`refused         ${refused} connection${refused === 1 ? "" : "s"} refused: is the server at ${result.target} running?${pause}`];
}

function clientWarning(result: LoadTestResult): string {
  // A few late sends (a GC pause) are noise; more than 1% means the client cannot hold the rate.
  const lagging = result.open_model !== null && result.open_model.late > 0.01 * Math.max(1, result.requests);
  if (result.client.event_loop_utilization < 0.9 && !lagging) return "";
  return "  WARNING: the client may be the bottleneck (busy event loop or late sends); lower the load or run it on another machine";
}

/** One progress line; `second` is the number of whole seconds elapsed. */
export function formatProgress(recorder: Recorder, second: number, model: LoadModel): string {
  const last = recorder.bucketSummary(second - 1);
  const p99 = recorder.live.percentile(99);
  const dropped = model === "open" ? `  dropped ${recorder.dropped}` : "";
  return `[${String(second).padStart(4)}s] requests ${recorder.requests}  events/s ${last.events}  p99 ~${formatMs(p99)} ms  errors ${recorder.errors}${dropped}`;
}
