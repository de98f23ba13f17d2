import { expect } from "chai";
import { createRng } from "../../scripts/lib/rng";
import { Recorder } from "../../scripts/loadtest/recorder";
import { histogram, LogHistogram, niceStep, percentile, sortedCopy, summarize } from "../../scripts/loadtest/stats";

describe("loadtest stats", () => {
  describe("percentile (nearest rank)", () => {
    // The textbook example: sorted [15, 20, 35, 40, 50]; rank = ceil(p/100 · 5).
    const fiveSamples = [15, 20, 35, 40, 50];

    it("returns sorted[ceil(p/100 · n) - 1] on hand-computed ranks", () => {
      expect(percentile(fiveSamples, 5)).to.equal(15); // ceil(0.25) = 1
      expect(percentile(fiveSamples, 30)).to.equal(20); // ceil(1.5) = 2
      expect(percentile(fiveSamples, 40)).to.equal(20); // ceil(2) = 2
      expect(percentile(fiveSamples, 50)).to.equal(35); // ceil(2.5) = 3
      expect(percentile(fiveSamples, 99)).to.equal(50); // ceil(4.95) = 5
      expect(percentile(fiveSamples, 100)).to.equal(50);
    });

    it("returns the minimum for p = 0 and null without samples", () => {
      expect(percentile(fiveSamples, 0)).to.equal(15);
      expect(percentile([], 50)).to.equal(null);
    });

    it("gives p50 = 50, p90 = 90, p99 = 99, p99.9 = 100 over 1..100", () => {
      const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
      expect([50, 90, 99, 99.9].map((p) => percentile(oneToHundred, p))).to.deep.equal([50, 90, 99, 100]);
    });

    it("does not let floating-point error push the rank up (p7 of 1..100 is 7, p99.9 of 1..1000 is 999)", () => {
      const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
      const oneToThousand = Array.from({ length: 1000 }, (_, i) => i + 1);
      expect([7, 14, 28, 55, 56].map((p) => percentile(oneToHundred, p))).to.deep.equal([7, 14, 28, 55, 56]);
      expect(percentile(oneToThousand, 99.9)).to.equal(999);
    });

    it("refuses a percentile outside 0..100", () => {
      expect(() => percentile([1], 101)).to.throw(RangeError, "percentile must be between 0 and 100; got 101");
      expect(() => percentile([1], -1)).to.throw(RangeError);
    });
  });

  describe("summarize", () => {
    it("sorts numerically (not as strings) before ranking", () => {
      expect(summarize([100, 9, 10])).to.deep.equal({ count: 3, min: 9, mean: 119 / 3, p50: 10, p90: 100, p99: 100, max: 100 });
    });

    it("computes p50/p90/p99/max/mean over 1000 shuffled samples", () => {
      const samples = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) + 1); // a permutation of 1..1000
      expect(summarize(samples)).to.deep.equal({ count: 1000, min: 1, mean: 500.5, p50: 500, p90: 900, p99: 990, max: 1000 });
    });

    it("reports every figure as the sample itself when there is one sample", () => {
      expect(summarize([42.5])).to.deep.equal({ count: 1, min: 42.5, mean: 42.5, p50: 42.5, p90: 42.5, p99: 42.5, max: 42.5 });
    });

    it("reports nulls without samples", () => {
      expect(summarize([])).to.deep.equal({ count: 0, min: null, mean: null, p50: null, p90: null, p99: null, max: null });
    });
  });

  describe("histogram", () => {
    it("uses nice equal-width bins up to p99.5 and folds larger values into the last bin", () => {
      // 1..200: p99.5 = sample 199, 199/10 → width 20; 200 lands in the last bin.
      const bins = histogram(
        Array.from({ length: 200 }, (_, i) => i + 1),
        10,
      );
      expect(bins.map((b) => [b.from_ms, b.to_ms])).to.deep.equal(Array.from({ length: 10 }, (_, i) => [i * 20, i * 20 + 20]));
      expect(bins.map((b) => b.count)).to.deep.equal([19, 20, 20, 20, 20, 20, 20, 20, 20, 21]);
    });

    it("drops trailing empty bins and returns nothing without samples", () => {
      // top 1 ms / 4 bins → width 0.5 (a hair above 0.25 rounds up to the next nice step)
      expect(histogram([1, 1, 1], 4)).to.deep.equal([
        { from_ms: 0, to_ms: 0.5, count: 0 },
        { from_ms: 0.5, to_ms: 1, count: 0 },
        { from_ms: 1, to_ms: 1.5, count: 3 },
      ]);
      expect(histogram([])).to.deep.equal([]);
    });

    it("rounds steps up to 1, 2, 2.5 or 5 times a power of ten", () => {
      expect([0.013, 0.7, 1, 1.2, 2.1, 3, 7, 12].map(niceStep)).to.deep.equal([0.02, 1, 1, 2, 2.5, 5, 10, 20]);
    });
  });

  describe("LogHistogram (progress line)", () => {
    it("answers every percentile at most 1% above the exact nearest-rank value, never below", () => {
      const random = createRng(5);
      const samples = Array.from({ length: 5000 }, () => 0.2 + random() * random() * 3000);
      const live = new LogHistogram();
      samples.forEach((v) => live.record(v));
      const sorted = sortedCopy(samples);
      for (const p of [0, 1, 25, 50, 90, 99, 99.9, 100]) {
        const exact = percentile(sorted, p)!;
        const approx = live.percentile(p)!;
        expect(approx, `p${p}`)
          .to.be.at.least(exact * (1 - 1e-12))
          .and.at.most(exact * 1.01 + 1e-9);
      }
    });

    it("puts tiny values in the first bucket and is empty without samples", () => {
      const live = new LogHistogram();
      expect(live.percentile(99)).to.equal(null);
      live.record(0);
      live.record(0.005);
      expect(live.percentile(100)).to.equal(0.01);
    });
  });

  describe("Recorder", () => {
    const outcome = (status: string, latencyMs: number | null, completedAtMs: number, events = 2) => ({
      status,
      ok: status.startsWith("2"),
      latencyMs,
      events,
      completedAtMs,
    });

    it("counts statuses, acknowledged events and a success rate that includes dropped requests", () => {
      const recorder = new Recorder();
      recorder.record(outcome("200", 10, 100));
      recorder.record(outcome("200", 30, 900));
      recorder.record(outcome("503", 20, 1500));
      recorder.record(outcome("ERR_ECONNRESET", null, 1600));
      recorder.recordDropped(1700);
      expect(recorder.statuses).to.deep.equal({ "200": 2, "503": 1, ERR_ECONNRESET: 1 });
      expect([recorder.requests, recorder.okRequests, recorder.errors, recorder.dropped]).to.deep.equal([4, 2, 2, 1]);
      expect([recorder.eventsSent, recorder.eventsAcknowledged]).to.deep.equal([8, 4]);
      expect(recorder.successRate).to.equal(2 / 5);
      expect([...recorder.latencySamples()]).to.deep.equal([10, 30, 20]);
    });

    it("buckets per second of completion and folds a short tail into the last whole second", () => {
      const recorder = new Recorder();
      recorder.record(outcome("200", 10, 100));
      recorder.record(outcome("200", 30, 900));
      recorder.record(outcome("503", 20, 1500));
      recorder.record(outcome("200", 40, 2100)); // 0.1 s tail → merged into second 1
      const timeline = recorder.timeline(2100);
      expect(timeline).to.deep.equal([
        {
          t_s: 0,
          width_s: 1,
          requests: 2,
          ok: 2,
          errors: 0,
          dropped: 0,
          events: 4,
          events_per_s: 4,
          requests_per_s: 2,
          p50_ms: 10,
          p99_ms: 30,
          max_ms: 30,
        },
        {
          t_s: 1,
          width_s: 1.1,
          requests: 2,
          ok: 1,
          errors: 1,
          dropped: 0,
          events: 2,
          events_per_s: 1.818,
          requests_per_s: 1.818,
          p50_ms: 20,
          p99_ms: 40,
          max_ms: 40,
        },
      ]);
    });

    it("keeps a tail of half a second or more as its own partial second", () => {
      const recorder = new Recorder();
      recorder.record(outcome("200", 5, 1200));
      expect(recorder.timeline(1600).map((p) => [p.t_s, p.width_s, p.requests, p.requests_per_s])).to.deep.equal([
        [0, 1, 0, 0],
        [1, 0.6, 1, 1.667],
      ]);
    });

    it("counts a send as late only above the threshold and keeps the largest lag", () => {
      const recorder = new Recorder();
      [2, 10, 10.5, 40].forEach((lag) => recorder.recordSendLag(lag, 10));
      expect([recorder.late, recorder.maxSendLagMs]).to.deep.equal([2, 40]);
    });
  });
});
