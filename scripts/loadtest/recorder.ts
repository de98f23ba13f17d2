// Collects every request outcome of a run: exact latency samples, status counts and one bucket per
// second of completion time (for the progress line, the timeline in the JSON and the plots).
import { LogHistogram, percentile, sortedCopy } from "./stats";

/** What one request came back with. `status` is the HTTP code ("200") or "ERR_<CODE>". */
export interface RequestOutcome {
  status: string;
  ok: boolean;
  /** ms from the request's reference time (send time, or scheduled time in the open model). */
  latencyMs: number | null;
  /** events sent in the request */
  events: number;
  /** ms since the run started when the outcome arrived */
  completedAtMs: number;
}

export interface TimelinePoint {
  t_s: number; // start of the second, relative to the run start
  width_s: number; // 1, except a partial last second
  requests: number;
  ok: number;
  errors: number;
  dropped: number;
  events: number; // events acknowledged (2xx) in this second
  events_per_s: number;
  requests_per_s: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

interface Bucket {
  requests: number;
  ok: number;
  errors: number;
  dropped: number;
  events: number;
  samples: number[];
}

const emptyBucket = (): Bucket => ({ requests: 0, ok: 0, errors: 0, dropped: 0, events: 0, samples: [] });

const mergeBuckets = (a: Bucket, b: Bucket): Bucket => ({
  requests: a.requests + b.requests,
  ok: a.ok + b.ok,
  errors: a.errors + b.errors,
  dropped: a.dropped + b.dropped,
  events: a.events + b.events,
  samples: [...a.samples, ...b.samples],
});

export class Recorder {
  requests = 0;
  okRequests = 0;
  eventsSent = 0;
  eventsAcknowledged = 0;
  dropped = 0;
  late = 0;
  maxSendLagMs = 0;
  sessionsAdopted = 0;
  readonly statuses: Record<string, number> = {};
  /** approximate (≤ 1% high) running percentiles for the progress line; reports use exact samples */
  readonly live = new LogHistogram();
  private samples = new Float64Array(4096);
  private sampleCount = 0;
  private readonly buckets: Bucket[] = [];

  record(outcome: RequestOutcome): void {
    const bucket = this.bucketAt(outcome.completedAtMs);
    this.requests++;
    this.eventsSent += outcome.events;
    bucket.requests++;
    this.statuses[outcome.status] = (this.statuses[outcome.status] ?? 0) + 1;
    if (outcome.ok) {
      this.okRequests++;
      this.eventsAcknowledged += outcome.events;
      bucket.ok++;
      bucket.events += outcome.events;
    } else {
      bucket.errors++;
    }
    if (outcome.latencyMs !== null) {
      this.pushSample(outcome.latencyMs);
      this.live.record(outcome.latencyMs);
      bucket.samples.push(outcome.latencyMs);
    }
  }

  /** Open model: a scheduled request that was never sent because --max-in-flight was reached. */
  recordDropped(atMs: number): void {
    this.dropped++;
    this.bucketAt(atMs).dropped++;
  }

  /** Open model: how late a request left compared with its schedule (client-side lag). */
  recordSendLag(lagMs: number, lateThresholdMs: number): void {
    if (lagMs > this.maxSendLagMs) this.maxSendLagMs = lagMs;
    if (lagMs > lateThresholdMs) this.late++;
  }

  latencySamples(): Float64Array {
    return this.samples.subarray(0, this.sampleCount);
  }

  get errors(): number {
    return this.requests - this.okRequests;
  }

  /** 2xx over everything offered: dropped requests count as failures (the load was not served). */
  get successRate(): number | null {
    const offered = this.requests + this.dropped;
    return offered === 0 ? null : this.okRequests / offered;
  }

  timeline(elapsedMs: number): TimelinePoint[] {
    const buckets = [...this.buckets];
    let seconds = Math.max(buckets.length, Math.ceil(elapsedMs / 1000));
    while (buckets.length < seconds) buckets.push(emptyBucket());
    const tailS = elapsedMs / 1000 - (seconds - 1);
    // The few ms after the last whole second (the closed model's last responses) would show as
    // a spike of events/s over a tiny width; fold a tail shorter than half a second into the
    // second before it.
    if (seconds > 1 && tailS < 0.5) {
      buckets[seconds - 2] = mergeBuckets(buckets[seconds - 2], buckets[seconds - 1]);
      buckets.pop();
      seconds--;
    }
    const points: TimelinePoint[] = [];
    for (let i = 0; i < seconds; i++) {
      const bucket = buckets[i];
      const width = i < seconds - 1 ? 1 : Math.max(0.001, elapsedMs / 1000 - i);
      const sorted = sortedCopy(bucket.samples);
      points.push({
        t_s: i,
        width_s: round3(width),
        requests: bucket.requests,
        ok: bucket.ok,
        errors: bucket.errors,
        dropped: bucket.dropped,
        events: bucket.events,
        events_per_s: round3(bucket.events / width),
        requests_per_s: round3(bucket.requests / width),
        p50_ms: percentile(sorted, 50),
        p99_ms: percentile(sorted, 99),
        max_ms: sorted.length ? sorted[sorted.length - 1] : null,
      });
    }
    return points;
  }

  /** Numbers for the progress line of second `second` (0-based). */
  bucketSummary(second: number): { events: number; requests: number } {
    const bucket = this.buckets[second] ?? emptyBucket();
    return { events: bucket.events, requests: bucket.requests };
  }

  private bucketAt(atMs: number): Bucket {
    const index = Math.max(0, Math.floor(atMs / 1000));
    while (this.buckets.length <= index) this.buckets.push(emptyBucket());
    return this.buckets[index];
  }

  private pushSample(value: number): void {
    if (this.sampleCount === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.sampleCount++] = value;
  }
}

export const round3 = (value: number): number => Math.round(value * 1000) / 1000;
