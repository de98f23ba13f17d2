// Results built by hand for the report and HTML tests.
import { type Options, parseOptions } from "../../scripts/loadtest/options";
import { Recorder } from "../../scripts/loadtest/recorder";
import { buildResult, type LoadTestResult } from "../../scripts/loadtest/report";

export const STARTED = new Date("2025-01-15T12:00:00.000Z");

export function optionsFor(argv: string[]): Options {
  return parseOptions(["--url", "http://127.0.0.1:3000/events", "--seed", "3", ...argv])!;
}

/** Five requests of 2 events: latencies 10, 20, 30, 40 ms (one of them a 503) and a reset connection. */
export function closedResult(extra: string[] = ["--slo-p99-ms", "25", "--slo-success", "0.5"]): LoadTestResult {
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
    eventLoopUtilization: 0.25,
    stoppedEarly: false,
  });
}
