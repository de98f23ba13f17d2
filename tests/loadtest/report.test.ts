import { expect } from "chai";
import { Recorder } from "../../scripts/loadtest/recorder";
import { buildResult, evaluateSlos, formatPercent, formatProgress, formatReport, summarizeWarmup } from "../../scripts/loadtest/report";
import { closedResult, optionsFor, STARTED } from "./fixtures";

/** What buildResult gets after one second with `argv`, a recorder holding one 12 ms 200 at 50 ms. */
function oneSecondFacts(argv: string[], stoppedEarly = false) {
  const options = optionsFor(argv);
  const recorder = new Recorder();
  recorder.record({ status: "200", ok: true, latencyMs: 12, events: 1, completedAtMs: 50 });
  return { options, url: options.url!, startedAt: STARTED, elapsedMs: 1000, recorder, eventLoopUtilization: 0.1, stoppedEarly };
}

describe("loadtest result and reports", () => {
  it("builds the JSON result with hand-computed figures", () => {
    expect(closedResult()).to.deep.equal({
      tool: "liveinsight-loadtest",
      target: "http://127.0.0.1:3000/events",
      model: "closed",
      config: { concurrency: 2, rate: null, duration_s: 2, warmup_s: 0, batch: 2, sessions: 5, timeout_ms: 1000, seed: 3 },
      started_at: "2025-01-15T12:00:00.000Z",
      finished_at: "2025-01-15T12:00:02.000Z",
      duration_s: 2,
      stopped_early: false,
      requests: 5,
      events: 6,
      events_sent: 10,
      events_per_s: 3,
      requests_per_s: 2.5,
      success_rate: 0.6,
      statuses: { "200": 3, "503": 1, ERR_ECONNRESET: 1 },
      // nearest rank over [10, 20, 30, 40]: p50 = 2nd, p90 = ceil(3.6) = 4th, p99 = 4th
      latency_ms: { p50: 20, p90: 40, p99: 40, max: 40, mean: 25, samples: 4 },
      open_model: null,
      client_event_loop_utilization: 0.25,
      warmup: null,
      machine: null,
      timeline: [
        { t_s: 0, width_s: 1, requests: 2, events_per_s: 4, errors_per_s: 0, p50_ms: 10, p99_ms: 20, max_ms: 20 },
        { t_s: 1, width_s: 1, requests: 3, events_per_s: 2, errors_per_s: 2, p50_ms: 30, p99_ms: 40, max_ms: 40 },
      ],
      // p99.5 = 40 ms: 40 · 1.001 / 40 → 1 ms bins
      latency_histogram: { bin_ms: 1, counts: Array.from({ length: 40 }, (_, i) => ([10, 20, 30, 39].includes(i) ? 1 : 0)) },
      slo: {
        passed: false,
        checks: [
          { objective: "p99 latency <= 25 ms", actual: "40.0 ms", passed: false },
          { objective: "success rate >= 50%", actual: "60%", passed: true },
          { objective: "at least one request succeeded", actual: "3", passed: true },
        ],
      },
      cloudwatch: null,
    });
  });

  it("survives a JSON round trip unchanged (no NaN, Infinity or typed arrays)", () => {
    const result = closedResult();
    expect(JSON.parse(JSON.stringify(result))).to.deep.equal(result);
  });

  it("reports the open model's schedule and send lag, and an early stop", () => {
    const facts = oneSecondFacts(["--rate", "10", "--duration", "1"], true);
    facts.recorder.recordSendLag(12.5);
    const result = buildResult(facts);
    expect(result.open_model).to.deep.equal({ scheduled: 10, late: 1, late_threshold_ms: 10, max_send_lag_ms: 12.5 });
    expect([result.model, result.config.concurrency, result.config.rate]).to.deep.equal(["open", null, 10]);
    const text = formatReport(result);
    expect(text).to.contain("LiveInsight load test: open model, 10 req/s, 1 s, batch 1, 100 sessions\n");
    expect(text).to.contain("duration        1.00 s (stopped early by Ctrl-C)\n");
    expect(text).to.contain("(1 samples, exact nearest-rank, from scheduled send time)\n");
    expect(text).to.contain("open model      10 scheduled, 1 sent late (> 10 ms), max send lag 12.5 ms\n");
    // 1 late send of 1 request is more than 1%: the client could not hold the rate
    expect(text).to.contain("client          event loop 10% busy  WARNING: the client may be the bottleneck");
  });

  it("reports a warmup beside the figures, never inside them or the SLOs", () => {
    const warm = new Recorder();
    warm.record({ status: "200", ok: true, latencyMs: 900, events: 1, completedAtMs: 100 });
    warm.record({ status: "503", ok: false, latencyMs: 1500, events: 1, completedAtMs: 1500 });
    const facts = oneSecondFacts(["--rate", "10", "--duration", "1", "--warmup", "2", "--slo-p99-ms", "50"]);
    const result = buildResult({ ...facts, warmup: summarizeWarmup(warm, 2004) });
    expect(result.warmup).to.deep.equal({
      duration_s: 2.004,
      requests: 2,
      statuses: { "200": 1, "503": 1 },
      success_rate: 0.5,
      latency_ms: { p50: 900, p99: 1500, max: 1500 },
    });
    expect([result.requests, result.statuses, result.latency_ms.p99, result.success_rate]).to.deep.equal([1, { "200": 1 }, 12, 1]);
    expect([result.slo.passed, result.config.warmup_s]).to.deep.equal([true, 2]);
    const text = formatReport(result);
    expect(text).to.contain("LiveInsight load test: open model, 10 req/s, 1 s after a 2 s warmup, batch 1, 100 sessions\n");
    expect(text).to.contain(
      "warmup          2.00 s before, left out of every figure and SLO: 2 requests (200: 1  503: 1), p50 900  p99 1500  max 1500 ms\n",
    );
  });

  it("prints the machine's load average, and warns when it is above the CPUs a local target shares", () => {
    const facts = oneSecondFacts(["--duration", "1"]);
    const idle = buildResult({ ...facts, machine: { cpus: 2, loadAverage: [0.514, 1.2] } });
    expect(idle.machine).to.deep.equal({ cpus: 2, load_average_1m: { start: 0.51, end: 1.2 } });
    expect(formatReport(idle)).to.contain("\nmachine         load average 0.51 → 1.2 (1 min) on 2 CPUs\n");
    expect(formatReport(buildResult({ ...facts, machine: { cpus: 2, loadAverage: [1.5, 2.01] } }))).to.contain(
      "\nmachine         load average 1.5 → 2.01 (1 min) on 2 CPUs  WARNING: other work competes for the CPUs; a target on this machine waits for them too\n",
    );
  });

  it("prints the final report as plain text", () => {
    expect(formatReport(closedResult())).to.equal(
      [
        "LiveInsight load test: closed model, 2 clients, 2 s, batch 2, 5 sessions",
        "target          http://127.0.0.1:3000/events",
        "duration        2.00 s",
        "requests        5  (2.5/s)",
        "events          6 acknowledged of 10 sent  (3.0 events/s)",
        "success rate    60%",
        "statuses        200: 3  503: 1  ERR_ECONNRESET: 1",
        "latency (ms)    p50 20.0  p90 40.0  p99 40.0  max 40.0  (4 samples, exact nearest-rank)",
        "client          event loop 25% busy",
        "",
        "SLO",
        "  FAIL  p99 latency <= 25 ms: 40.0 ms",
        "  PASS  success rate >= 50%: 60%",
        "  PASS  at least one request succeeded: 3",
        "verdict: FAIL",
      ].join("\n"),
    );
  });

  it("prints a progress line with the totals and the last second's events and exact p99", () => {
    const recorder = new Recorder();
    for (let i = 1; i <= 100; i++) {
      recorder.record({
        status: i === 100 ? "ERR_TIMEOUT" : "200",
        ok: i < 100,
        latencyMs: i,
        events: 1,
        completedAtMs: i < 40 ? 500 : 1500,
      });
    }
    expect(formatProgress(recorder, 1)).to.equal("[   1s] requests 100  events/s 39  p99 39.0 ms  errors 1");
    expect(formatProgress(recorder, 2)).to.equal("[   2s] requests 100  events/s 60  p99 100 ms  errors 1");
    expect(formatProgress(recorder, 3)).to.equal("[   3s] requests 100  events/s 0  p99 n/a  errors 1");
  });

  describe("SLO gates", () => {
    it("passes with no objective as long as something succeeded", () => {
      expect(evaluateSlos({ sloP99Ms: null, sloSuccess: null }, 5, 1, 3)).to.deep.equal({
        passed: true,
        checks: [{ objective: "at least one request succeeded", actual: "3", passed: true }],
      });
    });

    it("fails every gate when nothing was measured", () => {
      const result = evaluateSlos({ sloP99Ms: 100, sloSuccess: 0.9 }, null, null, 0);
      expect(result.checks.map((c) => [c.actual, c.passed])).to.deep.equal([
        ["n/a", false],
        ["n/a", false],
        ["0", false],
      ]);
      expect(result.passed).to.equal(false);
    });

    it("treats the thresholds as inclusive", () => {
      expect(evaluateSlos({ sloP99Ms: 100, sloSuccess: 0.999 }, 100, 0.999, 999).passed).to.equal(true);
      expect(evaluateSlos({ sloP99Ms: 100, sloSuccess: null }, 100.001, 1, 1).passed).to.equal(false);
      expect(evaluateSlos({ sloP99Ms: null, sloSuccess: 0.999 }, 1, 0.9989, 1).passed).to.equal(false);
    });

    it("formats fractions as percentages without hiding a miss", () => {
      expect([1, 0.999, 0.5, 0.99995, 0.123456789, null].map(formatPercent)).to.deep.equal([
        "100%",
        "99.9%",
        "50%",
        "99.995%",
        "12.3457%",
        "n/a",
      ]);
    });
  });
});
