// `npm run loadtest`: parse options, resolve the target, drive the load with a progress line each
// second, report, gate on SLOs. Exit 0 = every SLO met, 1 = an SLO missed (or nothing succeeded);
// usage errors are thrown as UsageError (exit 2 through runCli).
import { randomBytes } from "node:crypto";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { UsageError } from "../../lib/cli";
import { startThrowawayLocalMode } from "../../local/child";
import { TrafficGenerator } from "../lib/event-generator";
import { createHttpTransport } from "../lib/http-client";
import { buildMetricDataInput, type CloudWatchSummary, fetchMetricData, regionOf, renderMetrics } from "./cloudwatch";
import { renderHtml } from "./html";
import { execFileAsync, localTargetNote, type Options, parseOptions, resolveEventsUrl, USAGE } from "./options";
import { Recorder } from "./recorder";
import { buildResult, formatProgress, formatReport, type RunFacts, summarizeWarmup } from "./report";
import { type RunContext, realTimers, runClosed, runOpen } from "./scheduler";

/** What main reaches outside the process through; tests pass their own. */
export const defaultDeps = {
  stdout: (text: string): void => void process.stdout.write(`${text}\n`),
  stderr: process.stderr as { write(text: string): unknown; isTTY?: boolean },
  exec: execFileAsync,
  cloudWatchClient: (region: string | undefined) => new CloudWatchClient({ region }),
  sleep: realTimers.sleep,
  startLocal: startThrowawayLocalMode as () => Promise<ThrowawayLocal>,
};

/** What --local needs of a local mode: its URL, where its data lives, and a stop that removes it. */
export interface ThrowawayLocal {
  eventsUrl: string;
  dataDir: string;
  stop(signal: NodeJS.Signals): Promise<unknown>;
}

export type MainDeps = typeof defaultDeps;

export async function main(argv: readonly string[], deps: MainDeps = defaultDeps): Promise<number> {
  const options = parseOptions(argv);
  if (options === null) {
    deps.stdout(USAGE);
    return 0;
  }
  if (options.jsonFile) prepareOutput("--json", options.jsonFile);
  if (options.htmlFile) prepareOutput("--html", options.htmlFile);
  const local = options.local ? await deps.startLocal() : undefined;
  let facts: RunFacts;
  try {
    if (local)
      deps.stderr.write(
        `loadtest: started a throwaway local mode at ${local.eventsUrl} (data in ${local.dataDir}, removed after the run)\n`,
      );
    const url = local?.eventsUrl ?? options.url ?? (await resolveEventsUrl(options.stack!, deps.exec));
    facts = await executeRun(options, url, deps.stderr);
  } finally {
    await local?.stop("SIGTERM");
  }
  const waitS = options.cloudwatchWaitS;
  const result = buildResult(facts, waitS === null ? null : await cloudWatchFigures(options.stack!, waitS, facts, deps));
  deps.stdout(formatReport(result));
  if (result.cloudwatch) deps.stdout(`\n${renderMetrics(result.cloudwatch)}`);
  const write = (kind: string, file: string, text: string) => {
    writeFileSync(file, text);
    deps.stderr.write(`loadtest: ${kind} report written to ${path.resolve(file)}\n`);
  };
  if (options.jsonFile) write("JSON", options.jsonFile, `${JSON.stringify(result, null, 2)}\n`);
  if (options.htmlFile) write("HTML", options.htmlFile, renderHtml(result));
  return result.slo.passed ? 0 : 1;
}

/** Creates a report's directory before the run (a fresh clone has no out/), and fails now, not after minutes of load. */
function prepareOutput(flag: string, file: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot create directory ${dir} (${(error as NodeJS.ErrnoException).code}); pick another path.`);
  }
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`${flag} ${file} is a directory; give a file name such as ${path.join(file, `loadtest.${flag.slice(2)}`)}.`);
  }
}

async function executeRun(options: Options, url: string, stderr: MainDeps["stderr"]): Promise<RunFacts> {
  // A request lives at most --timeout-ms, so rate × timeout sockets carry every request that can
  // be outstanding. The ceiling bounds file descriptors; above it a request waits for a socket,
  // and since latency counts from its scheduled time, that wait is in the figures.
  const sockets = options.rate === null ? options.concurrency : Math.min(1000, Math.ceil((options.rate * options.timeoutMs) / 1000));
  const transport = createHttpTransport(url, sockets, options.timeoutMs);
  const traffic = new TrafficGenerator({
    sessions: options.sessions,
    seed: options.seed,
    runId: randomBytes(4).toString("hex"),
    siteId: options.site,
  });
  let stop = false;
  // First Ctrl-C: stop sending and report what ran; a second one kills (the default handler).
  const onSigint = () => {
    stop = true;
    stderr.write("\nloadtest: stopping early, waiting for in-flight requests (Ctrl-C again to abort)\n");
  };
  process.once("SIGINT", onSigint);
  const load = options.rate === null ? `${options.concurrency} clients` : `${options.rate} requests/s`;
  const warm = options.warmupS > 0 ? ` after a ${options.warmupS} s warmup (left out of the figures)` : "";
  if (!options.quiet) stderr.write(`loadtest: ${url}, ${load} for ${options.durationS} s${warm}, batch ${options.batch}\n`);
  const note = options.url ? localTargetNote(options.url) : undefined;
  if (note && !options.quiet) stderr.write(`${note}\n`);
  const phase = (durationS: number, label: string) =>
    runPhase(options, { transport, traffic, stopRequested: () => stop }, durationS, label, stderr);
  try {
    // The warmup runs the same traffic over the same sockets, then its recorder is set aside.
    const warmup = options.warmupS > 0 ? await phase(options.warmupS, "warmup ") : null;
    const elu = performance.eventLoopUtilization();
    const startedAt = new Date();
    const loadAtStart = os.loadavg()[0];
    const { recorder, elapsedMs } = await phase(options.durationS, "");
    const eventLoopUtilization = performance.eventLoopUtilization(elu).utilization;
    const machine = { cpus: os.availableParallelism(), loadAverage: [loadAtStart, os.loadavg()[0]] as [number, number] };
    return {
      options,
      url,
      startedAt,
      elapsedMs,
      recorder,
      eventLoopUtilization,
      stoppedEarly: stop,
      warmup: warmup && summarizeWarmup(warmup.recorder, warmup.elapsedMs),
      machine,
    };
  } finally {
    process.removeListener("SIGINT", onSigint);
    transport.close();
  }
}

/** One stretch of load with its own recorder and a progress line each second (`label` tells the warmup apart). */
async function runPhase(
  options: Options,
  shared: Pick<RunContext, "transport" | "traffic" | "stopRequested">,
  durationS: number,
  label: string,
  stderr: MainDeps["stderr"],
): Promise<{ recorder: Recorder; elapsedMs: number }> {
  const recorder = new Recorder();
  let second = 0;
  // One line per second: rewritten in place on a terminal, plain lines in CI logs.
  const progress = options.quiet
    ? undefined
    : setInterval(() => {
        const line = `${label}${formatProgress(recorder, ++second)}`;
        stderr.write(stderr.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
      }, 1000);
  const run: RunContext = { ...realTimers, ...shared, recorder, batch: options.batch };
  try {
    const elapsedMs = await (options.rate === null
      ? runClosed(run, options.concurrency, durationS)
      : runOpen(run, options.rate, durationS));
    return { recorder, elapsedMs };
  } finally {
    clearInterval(progress);
    if (stderr.isTTY && second > 0) stderr.write("\n");
  }
}

async function cloudWatchFigures(stack: string, waitS: number, facts: RunFacts, deps: MainDeps): Promise<CloudWatchSummary | null> {
  if (waitS > 0) {
    deps.stderr.write(`loadtest: waiting ${waitS} s for CloudWatch to publish the window's metrics (--cloudwatch-wait)\n`);
    await deps.sleep(waitS * 1000);
  }
  const client = deps.cloudWatchClient(regionOf(facts.url));
  try {
    const end = new Date(facts.startedAt.getTime() + facts.elapsedMs);
    return await fetchMetricData(client, stack, buildMetricDataInput(stack, facts.startedAt, end));
  } catch (error) {
    // The load test itself succeeded; missing credentials must not turn it into a failure.
    const { name, message } = error as Error;
    deps.stderr.write(`loadtest: could not read CloudWatch metrics (${name}: ${message}); the load test result stands.\n`);
    return null;
  } finally {
    client.destroy();
  }
}
