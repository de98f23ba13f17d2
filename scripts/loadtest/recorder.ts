// Every request outcome of a run: exact latency samples, status counts and one bucket per second of
// completion time (for the progress line, the JSON timeline and the plots). A load test lasts
// seconds to minutes, so every sample fits in memory (1 M requests = 8 MB) and percentiles can be
// exact instead of carrying a histogram's bucketing error.
import type { SendResult } from "../lib/http-client";

/** One request: its status and events, when it came back (ms since the run started) and its latency, if it has one. */
export type Outcome = Omit<SendResult, "body"> & { events: number; completedAtMs: number; latencyMs: number | null };

type Second = { requests: number; errors: number; events: number; latencies: number[] };

/** Open model: a request that leaves more than this after its slot counts as "late" (client lag). */
export const LATE_THRESHOLD_MS = 10;

export class Recorder {
  requests = 0;
  okRequests = 0;
  eventsSent = 0;
  eventsAcknowledged = 0;
  late = 0;
  maxSendLagMs = 0;
  readonly statuses: Record<string, number> = {};
  private readonly seconds: Second[] = [];

  record(outcome: Outcome): void {
    const second = this.secondAt(outcome.completedAtMs);
    this.requests++;
    second.requests++;
    this.eventsSent += outcome.events;
    this.statuses[outcome.status] = (this.statuses[outcome.status] ?? 0) + 1;
    if (outcome.ok) {
      this.okRequests++;
      this.eventsAcknowledged += outcome.events;
      second.events += outcome.events;
    } else second.errors++;
    if (outcome.latencyMs !== null) second.latencies.push(outcome.latencyMs);
  }

  /** Every latency sample, in completion order. */
  get latencies(): number[] {
    return this.seconds.flatMap((second) => second.latencies);
  }

  /** Open model: how late a request left compared with its schedule. */
  recordSendLag(lagMs: number): void {
    this.maxSendLagMs = Math.max(this.maxSendLagMs, lagMs);
    if (lagMs > LATE_THRESHOLD_MS) this.late++;
  }

  get successRate(): number | null {
    return this.requests === 0 ? null : this.okRequests / this.requests;
  }

  /** The seconds of a run of `elapsedMs`; a tail under half a second (the last answers) joins the second before it. */
  timeline(elapsedMs: number) {
    const count = Math.max(1, Math.round(elapsedMs / 1000));
    return Array.from({ length: count }, (_, i) => {
      const group = i < count - 1 ? [this.seconds[i] ?? newSecond()] : this.seconds.slice(i);
      const width = i < count - 1 ? 1 : elapsedMs / 1000 - i;
      const perSecond = (key: "events" | "errors") => round3(group.reduce((sum, s) => sum + s[key], 0) / width);
      const sorted = sortedCopy(group.flatMap((s) => s.latencies));
      return {
        t_s: i,
        width_s: round3(width),
        requests: group.reduce((sum, s) => sum + s.requests, 0),
        events_per_s: perSecond("events"),
        errors_per_s: perSecond("errors"),
        p50_ms: percentile(sorted, 50),
        p99_ms: percentile(sorted, 99),
        max_ms: percentile(sorted, 100),
      };
    });
  }

  /** Second `index` (0-based) as the progress line shows it. */
  second(index: number): { events: number; p99: number | null } {
    const s = this.seconds[index] ?? newSecond();
    return { events: s.events, p99: percentile(sortedCopy(s.latencies), 99) };
  }

  private secondAt(atMs: number): Second {
    const index = Math.max(0, Math.floor(atMs / 1000));
    while (this.seconds.length <= index) this.seconds.push(newSecond());
    return this.seconds[index];
  }
}

const newSecond = (): Second => ({ requests: 0, errors: 0, events: 0, latencies: [] });

/** Float64Array sorts numerically (Array#sort compares strings) and fast. */
export const sortedCopy = (samples: readonly number[]): Float64Array => Float64Array.from(samples).sort();

/**
 * Nearest-rank percentile over ascending samples: sorted[ceil(p/100 · n) − 1], a value that was
 * really observed (no interpolation), so "p99 = 12 ms" means a real request took 12 ms. p = 0 → min.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  // p·n/100, not (p/100)·n: 0.07 · 100 = 7.000000000000001 would round the rank up by one. The
  // epsilon absorbs what is left for fractional p (99.9 · 1000 / 100 must be exactly rank 999).
  return sorted[Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-9)) - 1];
}

/**
 * 40 equal bins from 0 to just above p99.5, everything beyond folded into the last one: one
 * 5-second outlier must not squash the whole plot into one bar. Trailing empty bins are dropped.
 */
export function histogram(sorted: Float64Array, binCount = 40): { bin_ms: number; counts: number[] } {
  if (sorted.length === 0) return { bin_ms: 0, counts: [] };
  const width = Number(((Math.max(percentile(sorted, 99.5)!, 0.01) * 1.001) / binCount).toPrecision(2));
  const counts = new Array<number>(binCount).fill(0);
  for (const value of sorted) counts[Math.min(binCount - 1, Math.floor(value / width))]++;
  return { bin_ms: width, counts };
}

export const round3 = (value: number): number => Math.round(value * 1000) / 1000;
