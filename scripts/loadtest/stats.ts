// Latency statistics from exact recorded samples. A load test lasts seconds to minutes, so every
// sample fits in memory (8 bytes each: 1 M requests = 8 MB) and we can afford exact percentiles
// instead of the bucketing error of a histogram.

export interface LatencySummary {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * Nearest-rank percentile over ascending samples: the smallest sample such that at least p% of
 * all samples are ≤ it, i.e. sorted[ceil(p/100 · n) − 1]. Always returns a value that was really
 * observed (no interpolation), so "p99 = 12 ms" means a real request took 12 ms. p = 0 → min.
 */
export function percentile(sortedAscending: ArrayLike<number>, p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100; got ${p}`);
  const n = sortedAscending.length;
  if (n === 0) return null;
  // p·n/100, not (p/100)·n: 0.07 · 100 = 7.000000000000001 would round the rank up by one. The
  // epsilon absorbs what is left for fractional p (99.9 · 1000 / 100 must be exactly rank 999).
  const rank = Math.max(1, Math.ceil((p * n) / 100 - 1e-9));
  return sortedAscending[rank - 1];
}

export function sortedCopy(samples: ArrayLike<number>): Float64Array {
  // Float64Array sorts numerically (unlike Array#sort's string order) and fast.
  return Float64Array.from(samples as ArrayLike<number>).sort();
}

export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = sortedCopy(samples);
  const n = sorted.length;
  if (n === 0) return { count: 0, min: null, mean: null, p50: null, p90: null, p99: null, max: null };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    count: n,
    min: sorted[0],
    mean: sum / n,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[n - 1],
  };
}

export interface HistogramBin {
  from_ms: number;
  to_ms: number; // exclusive, except the last bin which also holds everything above it
  count: number;
}

/**
 * Equal-width bins from 0 to a "nice" upper edge just above p99.5, with everything beyond that
 * folded into the last bin: one 5-second outlier must not squash the whole plot into one bar.
 */
export function histogram(samples: ArrayLike<number>, binCount = 40): HistogramBin[] {
  const sorted = sortedCopy(samples);
  if (sorted.length === 0) return [];
  const top = percentile(sorted, 99.5) as number;
  // A hair above top so a sample equal to p99.5 gets a bin of its own range, not the overflow.
  const width = niceStep((Math.max(top, 1) * 1.001) / binCount);
  const bins: HistogramBin[] = [];
  for (let i = 0; i < binCount; i++) bins.push({ from_ms: i * width, to_ms: (i + 1) * width, count: 0 });
  for (let i = 0; i < sorted.length; i++) {
    const index = Math.min(binCount - 1, Math.floor(sorted[i] / width));
    bins[index].count++;
  }
  // Trailing empty bins carry no information; keep at least one bin.
  while (bins.length > 1 && bins[bins.length - 1].count === 0) bins.pop();
  return bins;
}

/** Smallest of 1, 2, 2.5, 5 × 10^k that is ≥ raw (axis ticks and bin widths people can read). */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    const step = factor * power;
    if (step >= raw * (1 - 1e-12)) return step;
  }
  return 10 * power;
}

/**
 * Log-bucketed counts (each bucket 1% wider than the previous one) for the live progress line:
 * O(1) to record and a fixed ~2000-bucket scan to query, where re-sorting every sample each
 * second would stall the event loop - and so delay open-model sends - once samples pile up.
 * Answers are the bucket's upper edge: at most 1% above the exact value.
 */
export class LogHistogram {
  private static readonly GROWTH = 1.01;
  private static readonly FLOOR_MS = 0.01; // everything below lands in bucket 0
  private readonly counts: number[] = [];
  private total = 0;

  record(valueMs: number): void {
    const index =
      valueMs <= LogHistogram.FLOOR_MS ? 0 : Math.ceil(Math.log(valueMs / LogHistogram.FLOOR_MS) / Math.log(LogHistogram.GROWTH));
    while (this.counts.length <= index) this.counts.push(0);
    this.counts[index]++;
    this.total++;
  }

  /** Nearest-rank percentile, as the upper edge of the bucket holding that rank. */
  percentile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil((p * this.total) / 100 - 1e-9));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return LogHistogram.FLOOR_MS * LogHistogram.GROWTH ** i;
    }
    return null;
  }
}
