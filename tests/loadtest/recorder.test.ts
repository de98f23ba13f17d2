import { expect } from "chai";
import { histogram, percentile, Recorder, sortedCopy } from "../../scripts/loadtest/recorder";

describe("loadtest recorder", () => {
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

    it("ranks numerically sorted copies (not string order) over shuffled samples", () => {
      expect([...sortedCopy([100, 9, 10])]).to.deep.equal([9, 10, 100]);
      const sorted = sortedCopy(Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) + 1)); // a permutation of 1..1000
      expect([50, 90, 99, 100].map((p) => percentile(sorted, p))).to.deep.equal([500, 900, 990, 1000]);
    });
  });

  describe("histogram", () => {
    it("uses equal-width bins up to p99.5 and folds larger values into the last bin", () => {
      // 1..200: p99.5 = sample 199, 199.2 / 10 → width 20; 200 lands in the last bin.
      expect(histogram(sortedCopy(Array.from({ length: 200 }, (_, i) => i + 1)), 10)).to.deep.equal({
        bin_ms: 20,
        counts: [19, 20, 20, 20, 20, 20, 20, 20, 20, 21],
      });
    });

    it("sizes bins to two significant digits and returns nothing without samples", () => {
      // p99.5 = 0.3 ms: 0.3 · 1.001 / 4 → width 0.075; 0.3 / 0.075 = 4 is past the end, so the last bin
      expect(histogram(sortedCopy([0.1, 0.3, 0.3]), 4)).to.deep.equal({ bin_ms: 0.075, counts: [0, 1, 0, 2] });
      expect(histogram(sortedCopy([]))).to.deep.equal({ bin_ms: 0, counts: [] });
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

    it("counts statuses, acknowledged events and the success rate", () => {
      const recorder = new Recorder();
      recorder.record(outcome("200", 10, 100));
      recorder.record(outcome("200", 30, 900));
      recorder.record(outcome("503", 20, 1500));
      recorder.record(outcome("ERR_ECONNRESET", null, 1600));
      expect(recorder.statuses).to.deep.equal({ "200": 2, "503": 1, ERR_ECONNRESET: 1 });
      expect([recorder.requests, recorder.okRequests]).to.deep.equal([4, 2]);
      expect([recorder.eventsSent, recorder.eventsAcknowledged]).to.deep.equal([8, 4]);
      expect(recorder.successRate).to.equal(0.5);
      expect(recorder.latencies).to.deep.equal([10, 30, 20]);
      expect(new Recorder().successRate).to.equal(null);
    });

    it("buckets per second of completion and folds a short tail into the last whole second", () => {
      const recorder = new Recorder();
      recorder.record(outcome("200", 10, 100));
      recorder.record(outcome("200", 30, 900));
      recorder.record(outcome("503", 20, 1500));
      recorder.record(outcome("200", 40, 2100)); // 0.1 s tail → merged into second 1
      expect(recorder.timeline(2100)).to.deep.equal([
        { t_s: 0, width_s: 1, requests: 2, events_per_s: 4, errors_per_s: 0, p50_ms: 10, p99_ms: 30, max_ms: 30 },
        { t_s: 1, width_s: 1.1, requests: 2, events_per_s: 1.818, errors_per_s: 0.909, p50_ms: 20, p99_ms: 40, max_ms: 40 },
      ]);
    });

    it("keeps a tail of half a second or more as its own partial second, and empty seconds as gaps", () => {
      const recorder = new Recorder();
      recorder.record(outcome("200", 5, 1200));
      expect(recorder.timeline(1600)).to.deep.equal([
        { t_s: 0, width_s: 1, requests: 0, events_per_s: 0, errors_per_s: 0, p50_ms: null, p99_ms: null, max_ms: null },
        { t_s: 1, width_s: 0.6, requests: 1, events_per_s: 3.333, errors_per_s: 0, p50_ms: 5, p99_ms: 5, max_ms: 5 },
      ]);
    });

    it("gives the progress line each second's acknowledged events and exact p99", () => {
      const recorder = new Recorder();
      for (let i = 1; i <= 100; i++) recorder.record(outcome(i === 100 ? "ERR_TIMEOUT" : "200", i, i <= 40 ? 500 : 1500, 1));
      expect(recorder.second(0)).to.deep.equal({ events: 40, p99: 40 });
      expect(recorder.second(1)).to.deep.equal({ events: 59, p99: 100 });
      expect(recorder.second(2)).to.deep.equal({ events: 0, p99: null });
    });

    it("counts a send as late only above 10 ms and keeps the largest lag", () => {
      const recorder = new Recorder();
      for (const lag of [2, 10, 10.5, 40]) recorder.recordSendLag(lag);
      expect([recorder.late, recorder.maxSendLagMs]).to.deep.equal([2, 40]);
    });
  });
});
