import { expect } from "chai";
import { type LoadTestOptions, parseArgs } from "../../scripts/loadtest/args";
import { renderHtml } from "../../scripts/loadtest/html";
import { Recorder } from "../../scripts/loadtest/recorder";
import { buildResult, formatProgress, formatReport, type LoadTestResult } from "../../scripts/loadtest/report";
import { evaluateSlos, formatPercent } from "../../scripts/loadtest/slo";
import { niceTicks } from "../../scripts/loadtest/svg";

const STARTED = new Date("2025-01-15T12:00:00.000Z");

function optionsFor(argv: string[]): LoadTestOptions {
  const parsed = parseArgs(["--url", "http://127.0.0.1:3000/events", "--seed", "3", ...argv]);
  if (parsed.kind !== "run") throw new Error("expected run options");
  return parsed.options;
}

/** Five requests of 2 events: latencies 10, 20, 30, 40 ms (one of them a 503) and a reset connection. */
function closedResult(extra: string[] = ["--slo-p99-ms", "25", "--slo-success", "0.5"]): LoadTestResult {
  const options = optionsFor([
    "--concurrency",
    "2",
    "--duration",
    "2",
    "--batch",
    "2",
    "--sessions",
    "5",
    "--timeout-ms",
    "1000",
    ...extra,
  ]);
  const recorder = new Recorder();
  const record = (status: string, latencyMs: number | null, completedAtMs: number) =>
    recorder.record({ status, ok: status === "200", latencyMs, events: 2, completedAtMs });
  record("200", 10, 100);
  record("200", 20, 600);
  record("200", 30, 1200);
  record("503", 40, 1700);
  record("ERR_ECONNRESET", null, 1900);
  return buildResult({
    options,
    url: options.url!,
    startedAt: STARTED,
    elapsedMs: 2000,
    recorder,
    sessionsAdopted: 1,
    eventLoopUtilization: 0.25,
    stoppedEarly: false,
  });
}

describe("loadtest result and reports", () => {
  it("builds the JSON result with hand-computed figures", () => {
    const { latency_histogram, ...result } = closedResult();
    expect(result).to.deep.equal({
      tool: "liveinsight-loadtest",
      schema_version: 1,
      target: "http://127.0.0.1:3000/events",
      model: "closed",
      config: {
        url: "http://127.0.0.1:3000/events",
        stack: null,
        concurrency: 2,
        rate: null,
        max_in_flight: 2,
        duration_s: 2,
        batch: 2,
        sessions: 5,
        timeout_ms: 1000,
        seed: 3,
        slo_p99_ms: 25,
        slo_success: 0.5,
      },
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
      latency_ms: {
        p50: 20,
        p90: 40,
        p99: 40,
        max: 40,
        min: 10,
        mean: 25,
        samples: 4,
        method: "exact, nearest-rank over every request with an HTTP answer or a timeout",
      },
      open_model: null,
      sessions: { simulated: 5, adopted_from_server: 1 },
      client: { event_loop_utilization: 0.25 },
      timeline: [
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
          p99_ms: 20,
          max_ms: 20,
        },
        {
          t_s: 1,
          width_s: 1,
          requests: 3,
          ok: 1,
          errors: 2,
          dropped: 0,
          events: 2,
          events_per_s: 2,
          requests_per_s: 3,
          p50_ms: 30,
          p99_ms: 40,
          max_ms: 40,
        },
      ],
      slo: {
        passed: false,
        checks: [
          { name: "p99_latency_ms", objective: "p99 latency <= 25 ms", threshold: 25, actual: 40, passed: false },
          { name: "success_rate", objective: "success rate >= 50%", threshold: 0.5, actual: 0.6, passed: true },
          { name: "any_success", objective: "at least one request succeeded", threshold: 1, actual: 3, passed: true },
        ],
      },
      cloudwatch: null,
    });
    expect(latency_histogram.reduce((sum, bin) => sum + bin.count, 0)).to.equal(4);
  });

  it("survives a JSON round trip unchanged (no NaN, Infinity or typed arrays)", () => {
    const result = closedResult();
    expect(JSON.parse(JSON.stringify(result))).to.deep.equal(result);
  });

  it("reports the open model's schedule, drops and send lag, and an early stop", () => {
    const options = optionsFor(["--rate", "10", "--duration", "1", "--max-in-flight", "4"]);
    const recorder = new Recorder();
    recorder.record({ status: "200", ok: true, latencyMs: 12, events: 1, completedAtMs: 50 });
    recorder.recordDropped(300);
    recorder.recordSendLag(12.5, 10);
    const result = buildResult({
      options,
      url: options.url!,
      startedAt: STARTED,
      elapsedMs: 1000,
      recorder,
      sessionsAdopted: 0,
      eventLoopUtilization: 0.1,
      stoppedEarly: true,
    });
    expect(result.open_model).to.deep.equal({ scheduled: 10, dropped: 1, late: 1, late_threshold_ms: 10, max_send_lag_ms: 12.5 });
    expect(result.success_rate).to.equal(0.5);
    expect([result.config.concurrency, result.config.rate, result.config.max_in_flight]).to.deep.equal([null, 10, 4]);
    expect(formatReport(result)).to.contain("duration        1.00 s (stopped early by Ctrl-C)");
    expect(formatReport(result)).to.contain(
      "open model      10 scheduled, 1 dropped (max in flight reached), 1 late (> 10 ms), max send lag 12.5 ms",
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
        "sessions        5 simulated visitors, 1 session ids adopted from the server",
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

  it("prints a progress line with the last second's events and the running p99 (≤ 1% high)", () => {
    const recorder = new Recorder();
    for (let i = 1; i <= 100; i++)
      recorder.record({
        status: i === 100 ? "ERR_TIMEOUT" : "200",
        ok: i < 100,
        latencyMs: i,
        events: 1,
        completedAtMs: i < 40 ? 500 : 1500,
      });
    expect(formatProgress(recorder, 2, "closed")).to.equal("[   2s] requests 100  events/s 60  p99 ~99.4 ms  errors 1");
    expect(formatProgress(recorder, 1, "open")).to.equal("[   1s] requests 100  events/s 39  p99 ~99.4 ms  errors 1  dropped 0");
  });

  describe("SLO gates", () => {
    it("passes with no objective as long as something succeeded", () => {
      expect(evaluateSlos({ sloP99Ms: null, sloSuccess: null }, { p99Ms: 5, successRate: 1, okRequests: 3 })).to.deep.equal({
        passed: true,
        checks: [{ name: "any_success", objective: "at least one request succeeded", threshold: 1, actual: 3, passed: true }],
      });
    });

    it("fails every gate when nothing was measured", () => {
      const result = evaluateSlos({ sloP99Ms: 100, sloSuccess: 0.9 }, { p99Ms: null, successRate: null, okRequests: 0 });
      expect(result.checks.map((c) => c.passed)).to.deep.equal([false, false, false]);
      expect(result.passed).to.equal(false);
    });

    it("treats the thresholds as inclusive", () => {
      const result = evaluateSlos({ sloP99Ms: 100, sloSuccess: 0.999 }, { p99Ms: 100, successRate: 0.999, okRequests: 999 });
      expect(result.passed).to.equal(true);
      expect(evaluateSlos({ sloP99Ms: 100, sloSuccess: null }, { p99Ms: 100.001, successRate: 1, okRequests: 1 }).passed).to.equal(false);
    });

    it("formats fractions as percentages without hiding a miss", () => {
      expect([1, 0.999, 0.5, 0.99995, 0.123456789].map(formatPercent)).to.deep.equal(["100%", "99.9%", "50%", "99.995%", "12.3457%"]);
    });
  });

  describe("HTML report", () => {
    const html = renderHtml(closedResult());

    it("is one self-contained document: no script, no external stylesheet, font or image", () => {
      expect(html.startsWith("<!doctype html>")).to.equal(true);
      expect(html).to.not.match(/<script|<link|<img|@import|url\(|src=/i);
      expect(html.match(/https?:\/\/(?!www\.w3\.org\/2000\/svg|127\.0\.0\.1:3000\/events)/g)).to.equal(null);
    });

    it("has the three plots as inline SVG with titles and axis labels", () => {
      expect(html.match(/<svg /g)).to.have.length(3);
      for (const text of [
        "Latency over time (per second of completion)",
        "Latency histogram",
        "Throughput over time",
        "seconds since start",
        "latency (ms)",
        "requests",
        "per second",
      ]) {
        expect(html).to.contain(text);
      }
      expect(html).to.contain(">p99 40.0</text>");
    });

    it("leads with the SLO verdict and the figures", () => {
      expect(html).to.contain('<span class="verdict fail">FAIL</span>');
      expect(html).to.contain('<td class="bad">FAIL</td><td>p99 latency &lt;= 25 ms</td><td class="num">40.0 ms</td>');
      expect(html).to.contain('<div class="v">60%</div><div class="k">success rate</div>');
      expect(renderHtml(closedResult([]))).to.contain('<span class="verdict pass">PASS</span>');
    });

    it("escapes text taken from the target URL", () => {
      const result = { ...closedResult(), target: "http://127.0.0.1:3000/events?<script>" };
      expect(renderHtml(result)).to.contain("events?&lt;script&gt;").and.not.contain("?<script>");
    });

    it("chooses axis ticks that end at or just below a run's length", () => {
      expect(niceTicks(30)).to.deep.equal([0, 10, 20, 30]);
      expect(niceTicks(6.005)).to.deep.equal([0, 2, 4, 6]);
      expect(niceTicks(6.2)).to.deep.equal([0, 2, 4, 6, 8]);
      expect(niceTicks(0)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8, 1]);
    });
  });
});
