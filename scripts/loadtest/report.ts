// The run's result as data (the --json file, the source of the text and HTML reports), its SLO
// verdict, and its console renderings: the final report and the once-a-second progress line.
import type { CloudWatchSummary } from "./cloudwatch";
import type { Options } from "./options";
import { histogram, LATE_THRESHOLD_MS, percentile, type Recorder, round3, sortedCopy } from "./recorder";
import { REFUSED_BACKOFF_MS, scheduledCount } from "./scheduler";

export interface RunFacts {
  options: Options;
  url: string;
  startedAt: Date;
  elapsedMs: number;
  recorder: Recorder;
  eventLoopUtilization: number;
  stoppedEarly: boolean;
  /** The --warmup stretch before the run, left out of every figure above and every SLO. */
  warmup?: WarmupSummary | null;
  /** This machine's 1-minute load average at the start and the end of the run, and its CPUs. */
  machine?: { cpus: number; loadAverage: [number, number] } | null;
}

export type WarmupSummary = ReturnType<typeof summarizeWarmup>;

/** What the warmup did, reported beside (never inside) the run's figures: its p99 is the cold start the gate leaves out. */
export function summarizeWarmup(recorder: Recorder, elapsedMs: number) {
  const sorted = sortedCopy(recorder.latencies);
  return {
    duration_s: round3(elapsedMs / 1000),
    requests: recorder.requests,
    statuses: Object.fromEntries(Object.entries(recorder.statuses).sort(([a], [b]) => a.localeCompare(b))),
    success_rate: recorder.successRate,
    latency_ms: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100) },
  };
}

export type LoadTestResult = ReturnType<typeof buildResult>;

export function buildResult(facts: RunFacts, cloudwatch: CloudWatchSummary | null = null) {
  const { options: o, recorder: r } = facts;
  const sorted = sortedCopy(r.latencies);
  const durationS = facts.elapsedMs / 1000;
  const perSecond = (count: number) => (durationS > 0 ? round3(count / durationS) : 0);
  const latency = { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
  return {
    tool: "liveinsight-loadtest",
    target: facts.url,
    model: o.rate === null ? ("closed" as const) : ("open" as const),
    config: {
      concurrency: o.rate === null ? o.concurrency : null,
      rate: o.rate,
      duration_s: o.durationS,
      warmup_s: o.warmupS,
      batch: o.batch,
      sessions: o.sessions,
      timeout_ms: o.timeoutMs,
      seed: o.seed,
    },
    started_at: facts.startedAt.toISOString(),
    finished_at: new Date(facts.startedAt.getTime() + facts.elapsedMs).toISOString(),
    duration_s: round3(durationS),
    stopped_early: facts.stoppedEarly,
    requests: r.requests,
    /** events acknowledged by a 2xx response */
    events: r.eventsAcknowledged,
    events_sent: r.eventsSent,
    events_per_s: perSecond(r.eventsAcknowledged),
    requests_per_s: perSecond(r.requests),
    success_rate: r.successRate,
    statuses: Object.fromEntries(Object.entries(r.statuses).sort(([a], [b]) => a.localeCompare(b))),
    /** exact nearest-rank over every request with an HTTP answer or a timeout */
    latency_ms: { ...latency, mean: sorted.length ? sorted.reduce((sum, x) => sum + x, 0) / sorted.length : null, samples: sorted.length },
    open_model:
      o.rate === null
        ? null
        : {
            scheduled: scheduledCount(o.rate, o.durationS),
            late: r.late,
            late_threshold_ms: LATE_THRESHOLD_MS,
            max_send_lag_ms: round3(r.maxSendLagMs),
          },
    client_event_loop_utilization: round3(facts.eventLoopUtilization),
    warmup: facts.warmup ?? null,
    machine: facts.machine
      ? {
          cpus: facts.machine.cpus,
          load_average_1m: { start: round2(facts.machine.loadAverage[0]), end: round2(facts.machine.loadAverage[1]) },
        }
      : null,
    timeline: r.timeline(facts.elapsedMs),
    latency_histogram: histogram(sorted),
    slo: evaluateSlos(o, latency.p99, r.successRate, r.okRequests),
    cloudwatch,
  };
}

type SloTargets = Pick<Options, "sloP99Ms" | "sloSuccess">;

/** Every requested objective must hold, and a run where nothing succeeded never passes: it measured nothing. */
export function evaluateSlos(targets: SloTargets, p99Ms: number | null, successRate: number | null, okRequests: number) {
  const checks: { objective: string; actual: string; passed: boolean }[] = [];
  if (targets.sloP99Ms !== null) {
    const passed = p99Ms !== null && p99Ms <= targets.sloP99Ms;
    checks.push({ objective: `p99 latency <= ${targets.sloP99Ms} ms`, actual: withMs(p99Ms), passed });
  }
  if (targets.sloSuccess !== null) {
    const passed = successRate !== null && successRate >= targets.sloSuccess;
    checks.push({ objective: `success rate >= ${formatPercent(targets.sloSuccess)}`, actual: formatPercent(successRate), passed });
  }
  checks.push({ objective: "at least one request succeeded", actual: String(okRequests), passed: okRequests >= 1 });
  return { passed: checks.every((check) => check.passed), checks };
}

/** 0.999 → "99.9%", 0.98765 → "98.765%": no rounding that could hide a miss. */
export const formatPercent = (fraction: number | null): string =>
  fraction === null ? "n/a" : `${Number((fraction * 100).toPrecision(6))}%`;

const round2 = (value: number): number => Math.round(value * 100) / 100;

export const formatMs = (value: number | null): string => (value === null ? "n/a" : value.toFixed(value >= 100 ? 0 : 1));
const withMs = (value: number | null): string => (value === null ? "n/a" : `${formatMs(value)} ms`);

export function describeLoad(result: LoadTestResult): string {
  const c = result.config;
  const load = c.rate === null ? `closed model, ${c.concurrency} clients` : `open model, ${c.rate} req/s`;
  const warm = c.warmup_s > 0 ? ` after a ${c.warmup_s} s warmup` : "";
  return `${load}, ${c.duration_s} s${warm}, batch ${c.batch}, ${c.sessions} sessions`;
}

export function formatReport(result: LoadTestResult): string {
  const l = result.latency_ms;
  const refused = result.statuses.ERR_ECONNREFUSED ?? 0;
  const o = result.open_model;
  // A few late sends (a GC pause) are noise; more than 1% means the client cannot hold the rate.
  const lagging = result.client_event_loop_utilization >= 0.9 || (o !== null && o.late > 0.01 * Math.max(1, result.requests));
  const statuses = Object.entries(result.statuses).map(([status, count]) => `${status}: ${count}`);
  const lines = [
    `LiveInsight load test: ${describeLoad(result)}`,
    `target          ${result.target}`,
    `duration        ${result.duration_s.toFixed(2)} s${result.stopped_early ? " (stopped early by Ctrl-C)" : ""}`,
    `requests        ${result.requests}  (${result.requests_per_s.toFixed(1)}/s)`,
    `events          ${result.events} acknowledged of ${result.events_sent} sent  (${result.events_per_s.toFixed(1)} events/s)`,
    `success rate    ${formatPercent(result.success_rate)}`,
    `statuses        ${statuses.join("  ") || "none"}`,
    `latency (ms)    p50 ${formatMs(l.p50)}  p90 ${formatMs(l.p90)}  p99 ${formatMs(l.p99)}  max ${formatMs(l.max)}  (${l.samples} samples, exact nearest-rank${o ? ", from scheduled send time" : ""})`,
  ];
  const w = result.warmup;
  if (w) {
    const warmStatuses = Object.entries(w.statuses).map(([status, count]) => `${status}: ${count}`);
    lines.push(
      `warmup          ${w.duration_s.toFixed(2)} s before, left out of every figure and SLO: ${w.requests} requests (${warmStatuses.join("  ") || "none"}), p50 ${formatMs(w.latency_ms.p50)}  p99 ${formatMs(w.latency_ms.p99)}  max ${formatMs(w.latency_ms.max)} ms`,
    );
  }
  if (refused > 0) {
    const pause = o ? "" : `; each client paused (up to ${REFUSED_BACKOFF_MS.max / 1000} s) instead of retrying at once`;
    lines.push(
      `refused         ${refused} connection${refused === 1 ? "" : "s"} refused: is the server at ${result.target} running?${pause}`,
    );
  }
  if (o)
    lines.push(
      `open model      ${o.scheduled} scheduled, ${o.late} sent late (> ${o.late_threshold_ms} ms), max send lag ${formatMs(o.max_send_lag_ms)} ms`,
    );
  const warning = lagging ? "  WARNING: the client may be the bottleneck (busy event loop or late sends); lower the load" : "";
  lines.push(`client          event loop ${Math.round(result.client_event_loop_utilization * 100)}% busy${warning}`);
  const m = result.machine;
  if (m) {
    // A local target shares these CPUs: above one runnable process per CPU, the figures include waiting for one.
    const busy = Math.max(m.load_average_1m.start, m.load_average_1m.end) > m.cpus;
    const note = busy ? "  WARNING: other work competes for the CPUs; a target on this machine waits for them too" : "";
    lines.push(`machine         load average ${m.load_average_1m.start} → ${m.load_average_1m.end} (1 min) on ${m.cpus} CPUs${note}`);
  }
  lines.push("", "SLO");
  for (const check of result.slo.checks) lines.push(`  ${check.passed ? "PASS" : "FAIL"}  ${check.objective}: ${check.actual}`);
  lines.push(`verdict: ${result.slo.passed ? "PASS" : "FAIL"}`);
  return lines.join("\n");
}

/** The progress line after `second` whole seconds: totals so far, and the last second's events and p99. */
export function formatProgress(recorder: Recorder, second: number): string {
  const { events, p99 } = recorder.second(second - 1);
  const errors = recorder.requests - recorder.okRequests;
  return `[${String(second).padStart(4)}s] requests ${recorder.requests}  events/s ${events}  p99 ${withMs(p99)}  errors ${errors}`;
}
