// `npm run loadtest`: parse options, resolve the target, drive the load, report, gate on SLOs.
// Exit codes: 0 = every SLO met, 1 = an SLO missed (or nothing succeeded), 2 = usage error.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { TrafficGenerator } from "../lib/event-generator";
import { type LoadTestOptions, parseArgs, USAGE, UsageError } from "./args";
import {
  buildMetricDataInput,
  type CloudWatchSummary,
  fetchMetricData,
  type MetricDataClient,
  metricSpecs,
  PERIOD_SECONDS,
  renderMetrics,
  summarizeMetrics,
} from "./cloudwatch";
import { renderHtml } from "./html";
import { createHttpTransport, type Transport, type TransportOptions } from "./http-client";
import { Recorder } from "./recorder";
import { buildResult, describeLoad, formatProgress, formatReport, type RunFacts } from "./report";
import { realSleep, runClosed, runOpen } from "./scheduler";
import { type ExecFn, execFileAsync, resolveEventsUrl } from "./stack";

export interface MainDeps {
  stdout: (text: string) => void;
  stderr: { write(text: string): unknown; isTTY?: boolean };
  exec: ExecFn;
  createTransport: (options: TransportOptions) => Transport;
  cloudWatchClient: (region: string | null) => MetricDataClient;
  sleep: (ms: number) => Promise<void>;
}

export const defaultDeps: MainDeps = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: process.stderr,
  exec: execFileAsync,
  createTransport: createHttpTransport,
  cloudWatchClient: (region) => new CloudWatchClient(region ? { region } : {}),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export async function main(argv: readonly string[], deps: MainDeps = defaultDeps): Promise<number> {
  let options: LoadTestOptions;
  let url: string;
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === "help") {
      deps.stdout(USAGE);
      return 0;
    }
    options = parsed.options;
    checkOutputPaths(options);
    url = options.url ?? (await resolveEventsUrl(options.stack!, deps.exec));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    deps.stderr.write(`loadtest: ${error.message}\n`);
    return 2;
  }
  const facts = await executeRun(options, url, deps);
  const result = buildResult(facts);
  if (options.cloudwatch) result.cloudwatch = await cloudWatchFigures(options.cloudwatch, facts, deps);
  deps.stdout(formatReport(result));
  if (result.cloudwatch) deps.stdout(`\n${renderMetrics(result.cloudwatch)}`);
  for (const written of writeReports(options, result)) deps.stderr.write(`loadtest: ${written}\n`);
  return result.slo.passed ? 0 : 1;
}

/**
 * Creates the reports' directories before the run (a fresh clone has no out/), and fails then,
 * not after minutes of load, when a report could not be written.
 */
function checkOutputPaths(options: LoadTestOptions): void {
  for (const [flag, file] of [
    ["--json", options.jsonFile],
    ["--html", options.htmlFile],
  ] as const) {
    if (file === null) continue;
    const dir = path.dirname(path.resolve(file));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(
        `${flag} ${file}: cannot create directory ${dir} (${(error as NodeJS.ErrnoException).code}); pick another path.`,
      );
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      throw new UsageError(
        `${flag} ${file} is a directory; give a file name such as ${path.join(file, flag === "--json" ? "loadtest.json" : "loadtest.html")}.`,
      );
    }
  }
}

/** Writes the requested reports; returns one "wrote …" line per file, with its absolute path. */
function writeReports(options: LoadTestOptions, result: ReturnType<typeof buildResult>): string[] {
  const written: string[] = [];
  if (options.jsonFile) {
    writeFileSync(options.jsonFile, `${JSON.stringify(result, null, 2)}\n`);
    written.push(`JSON report written to ${path.resolve(options.jsonFile)}`);
  }
  if (options.htmlFile) {
    writeFileSync(options.htmlFile, renderHtml(result));
    written.push(`HTML report written to ${path.resolve(options.htmlFile)}`);
  }
  return written;
}

/** Drives the load with progress lines. */
async function executeRun(options: LoadTestOptions, url: string, deps: Pick<MainDeps, "stderr" | "createTransport">): Promise<RunFacts> {
  const transport = deps.createTransport({ url, sockets: options.maxInFlight, timeoutMs: options.timeoutMs });
  const traffic = new TrafficGenerator({ sessions: options.sessions, seed: options.seed, runId: randomBytes(4).toString("hex") });
  const recorder = new Recorder();
  let stop = false;
  // First Ctrl-C: stop sending and report what ran; a second one kills (default handler).
  const onSigint = () => {
    stop = true;
    deps.stderr.write("\nloadtest: stopping early, waiting for in-flight requests (Ctrl-C again to abort)\n");
  };
  process.once("SIGINT", onSigint);
  const ctx = {
    transport,
    traffic,
    recorder,
    batch: options.batch,
    clock: () => performance.now(),
    wallClock: () => Date.now(),
    stopRequested: () => stop,
    sleep: realSleep,
  };
  if (!options.quiet) deps.stderr.write(`loadtest: ${url}, ${describeLoadOptions(options)}\n`);
  const progress = startProgress(options, recorder, deps.stderr);
  const elu = performance.eventLoopUtilization();
  const startedAt = new Date();
  try {
    const elapsedMs =
      options.model === "open"
        ? await runOpen(ctx, options.rate!, options.durationS, options.maxInFlight)
        : await runClosed(ctx, options.concurrency, options.durationS);
    const eventLoopUtilization = performance.eventLoopUtilization(elu).utilization;
    return {
      options,
      url,
      startedAt,
      elapsedMs,
      recorder,
      sessionsAdopted: traffic.sessionsAdopted,
      eventLoopUtilization,
      stoppedEarly: stop,
    };
  } finally {
    progress.stop();
    process.removeListener("SIGINT", onSigint);
    transport.close();
  }
}

function describeLoadOptions(options: LoadTestOptions): string {
  return describeLoad(options.model, {
    rate: options.rate,
    max_in_flight: options.maxInFlight,
    concurrency: options.concurrency,
    duration_s: options.durationS,
    batch: options.batch,
    sessions: options.sessions,
  });
}

/** A line per second on stderr: rewritten in place on a terminal, plain lines in CI logs. */
function startProgress(options: LoadTestOptions, recorder: Recorder, stderr: MainDeps["stderr"]): { stop(): void } {
  if (options.quiet) return { stop: () => undefined };
  const tty = stderr.isTTY === true;
  let second = 0;
  const timer = setInterval(() => {
    second++;
    const line = formatProgress(recorder, second, options.model);
    stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      if (tty && second > 0) stderr.write("\n");
    },
  };
}

async function cloudWatchFigures(
  target: NonNullable<LoadTestOptions["cloudwatch"]>,
  facts: RunFacts,
  deps: MainDeps,
): Promise<CloudWatchSummary | null> {
  const start = facts.startedAt;
  const end = new Date(start.getTime() + facts.elapsedMs);
  if (target.waitS > 0) {
    deps.stderr.write(`loadtest: waiting ${target.waitS} s for CloudWatch to publish the window's metrics (--cloudwatch-wait)\n`);
    await deps.sleep(target.waitS * 1000);
  }
  const client = deps.cloudWatchClient(target.region);
  try {
    const specs = metricSpecs(target);
    const input = buildMetricDataInput(specs, start, end);
    const results = await fetchMetricData(client, input);
    return {
      function_name: target.functionName,
      environment: target.environment,
      start: input.StartTime!.toISOString(),
      end: input.EndTime!.toISOString(),
      period_s: PERIOD_SECONDS,
      metrics: summarizeMetrics(specs, results),
    };
  } catch (error) {
    // The load test itself succeeded; missing credentials must not turn it into a failure.
    deps.stderr.write(
      `loadtest: could not read CloudWatch metrics (${(error as Error).name}: ${(error as Error).message}); the load test result stands.\n`,
    );
    return null;
  } finally {
    client.destroy?.();
  }
}
