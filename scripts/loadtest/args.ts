// Command-line options of `npm run loadtest`, parsed by the shared scripts/lib/cli.ts. Every
// mistake is a UsageError (exit 2) whose message names the option, the value found and what
// would be accepted.
import { functionName as collectorFunctionName } from "../../contracts/names";
import { numberOption, type OptionSpecs, parseCommandLine, stringOption, UsageError, urlOption } from "../lib/cli";

export { UsageError };

export type LoadModel = "closed" | "open";

export interface LoadTestOptions {
  url: string | null;
  stack: string | null;
  model: LoadModel;
  concurrency: number;
  rate: number | null;
  maxInFlight: number;
  durationS: number;
  batch: number;
  sessions: number;
  timeoutMs: number;
  sloP99Ms: number | null;
  sloSuccess: number | null;
  jsonFile: string | null;
  htmlFile: string | null;
  cloudwatch: { functionName: string; environment: string; region: string | null; waitS: number } | null;
  seed: number;
  quiet: boolean;
}

export type ParsedArgs = { kind: "help" } | { kind: "run"; options: LoadTestOptions };

export const DEFAULTS = {
  concurrency: 20,
  durationS: 30,
  batch: 1,
  sessions: 100,
  timeoutMs: 10_000,
  cloudwatchWaitS: 60,
  // Caps sockets and file descriptors in the open model; see defaultMaxInFlight.
  maxInFlightCeiling: 1000,
} as const;

export const MAX_BATCH = 100; // docs/api.md: a batch carries 1–100 events

type Kind = "string" | "number" | "int" | "flag";
const OPTION_KINDS: Record<string, Kind> = {
  url: "string",
  stack: "string",
  concurrency: "int",
  rate: "number",
  "max-in-flight": "int",
  duration: "number",
  batch: "int",
  sessions: "int",
  "timeout-ms": "int",
  "slo-p99-ms": "number",
  "slo-success": "number",
  json: "string",
  html: "string",
  cloudwatch: "flag",
  "no-cloudwatch": "flag",
  "function-name": "string",
  environment: "string",
  region: "string",
  "cloudwatch-wait": "number",
  seed: "int",
  quiet: "flag",
};

const SPECS: OptionSpecs = Object.fromEntries(
  Object.entries(OPTION_KINDS).map(([name, kind]) => [name, { type: kind === "flag" ? ("boolean" as const) : ("string" as const) }]),
);

type Raw = Record<string, string | number | boolean>;

/** Known options with typed values, or "help"; knows nothing about their meaning. */
function tokenize(argv: readonly string[]): Raw | "help" {
  const parsed = parseCommandLine(argv, SPECS);
  if (parsed.help) return "help";
  const raw: Raw = {};
  const anyNumber = { min: -Infinity, max: Infinity };
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === undefined) continue;
    const kind = OPTION_KINDS[name];
    if (kind === "flag") raw[name] = true;
    else if (kind === "string") raw[name] = stringOption(parsed.values, name)!;
    else raw[name] = numberOption(parsed.values, name, { ...anyNumber, integer: kind === "int" })!; // ranges: inRange, with hints
  }
  return raw;
}

function inRange(name: string, value: number, min: number, max: number, hint = ""): number {
  if (value < min || value > max) {
    throw new UsageError(`--${name} must be between ${min} and ${max}${hint}; got ${value}.`);
  }
  return value;
}

const num = (raw: Raw, name: string): number | undefined => raw[name] as number | undefined;
const str = (raw: Raw, name: string): string | undefined => raw[name] as string | undefined;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const raw = tokenize(argv);
  if (raw === "help") return { kind: "help" };
  const { url, stack } = parseTarget(raw);
  const { model, concurrency, rate, maxInFlight, timeoutMs } = parseModel(raw);
  const durationS = inRange("duration", num(raw, "duration") ?? DEFAULTS.durationS, 0.1, 86_400, " seconds");
  const options: LoadTestOptions = {
    url,
    stack,
    model,
    concurrency,
    rate,
    maxInFlight,
    durationS,
    timeoutMs,
    batch: inRange("batch", num(raw, "batch") ?? DEFAULTS.batch, 1, MAX_BATCH, " events per request (the API limit)"),
    sessions: inRange("sessions", num(raw, "sessions") ?? DEFAULTS.sessions, 1, 1_000_000),
    sloP99Ms: raw["slo-p99-ms"] === undefined ? null : inRange("slo-p99-ms", num(raw, "slo-p99-ms")!, 0.001, 3_600_000),
    sloSuccess:
      raw["slo-success"] === undefined ? null : inRange("slo-success", num(raw, "slo-success")!, 0, 1, " (a fraction: 0.999 means 99.9%)"),
    jsonFile: str(raw, "json") ?? null,
    htmlFile: str(raw, "html") ?? null,
    cloudwatch: parseCloudWatch(raw, stack),
    seed: num(raw, "seed") ?? Math.floor(Math.random() * 2 ** 31),
    quiet: raw.quiet === true,
  };
  return { kind: "run", options };
}

function parseTarget(raw: Raw): { url: string | null; stack: string | null } {
  const url = str(raw, "url") ?? null;
  const stack = str(raw, "stack") ?? null;
  if (url && stack)
    throw new UsageError("Pass either --url or --stack, not both: --stack reads the URL from the stack's eventsUrl output.");
  if (!url && !stack) {
    throw new UsageError(
      "Pass --url <api>/events (e.g. --url http://127.0.0.1:3000/events for npm start) or --stack <name> for a deployed stack.",
    );
  }
  if (stack && !/^[A-Za-z0-9_.\-/]+$/.test(stack)) throw new UsageError(`--stack must be a Pulumi stack name; got "${stack}".`);
  if (url) validateUrl(url);
  return { url, stack };
}

/** The same check as the --url flag, for a URL from elsewhere (the stack's eventsUrl output). */
export function validateUrl(url: string): void {
  urlOption({ url }, "url", "http://127.0.0.1:3000/events");
}

function parseModel(raw: Raw) {
  const timeoutMs = inRange("timeout-ms", num(raw, "timeout-ms") ?? DEFAULTS.timeoutMs, 1, 600_000);
  const rateRaw = num(raw, "rate");
  if (rateRaw !== undefined && raw.concurrency !== undefined) {
    throw new UsageError("--concurrency (closed model) and --rate (open model) are exclusive; pass one of them.");
  }
  if (rateRaw === undefined && raw["max-in-flight"] !== undefined) {
    throw new UsageError("--max-in-flight only applies to the open model; pass it with --rate.");
  }
  const concurrency = inRange("concurrency", num(raw, "concurrency") ?? DEFAULTS.concurrency, 1, 10_000);
  if (rateRaw === undefined) {
    return { model: "closed" as const, concurrency, rate: null, maxInFlight: concurrency, timeoutMs };
  }
  const rate = inRange("rate", rateRaw, 0.01, 100_000, " requests per second");
  const maxInFlight = inRange("max-in-flight", num(raw, "max-in-flight") ?? defaultMaxInFlight(rate, timeoutMs), 1, 10_000);
  return { model: "open" as const, concurrency, rate, maxInFlight, timeoutMs };
}

/**
 * A request lives at most --timeout-ms, so at most rate × timeout requests can be outstanding
 * before timeouts start; a cap at that number never drops a request a timeout would not have
 * failed anyway. The ceiling keeps sockets (file descriptors) bounded at very high rates.
 */
export function defaultMaxInFlight(rate: number, timeoutMs: number): number {
  return Math.max(1, Math.min(DEFAULTS.maxInFlightCeiling, Math.ceil((rate * timeoutMs) / 1000)));
}

function parseCloudWatch(raw: Raw, stack: string | null): LoadTestOptions["cloudwatch"] {
  const environment = str(raw, "environment") ?? stack;
  const region = str(raw, "region") ?? null;
  const waitS = inRange("cloudwatch-wait", num(raw, "cloudwatch-wait") ?? DEFAULTS.cloudwatchWaitS, 0, 900, " seconds");
  if (raw["no-cloudwatch"]) {
    if (raw.cloudwatch) throw new UsageError("--cloudwatch and --no-cloudwatch contradict each other; pass one.");
    return null;
  }
  const wanted = raw.cloudwatch === true || stack !== null;
  if (!wanted) {
    for (const name of ["function-name", "environment", "region", "cloudwatch-wait"]) {
      if (raw[name] !== undefined) throw new UsageError(`--${name} only applies with --cloudwatch or --stack; add --cloudwatch.`);
    }
    return null;
  }
  if (!environment) {
    throw new UsageError(
      "--cloudwatch needs --environment <stack name> (the Environment dimension of the LiveInsight metrics), or use --stack.",
    );
  }
  const functionName = str(raw, "function-name") ?? collectorFunctionName(environment, "collector");
  return { functionName, environment, region, waitS };
}

export const USAGE = `Usage: npm run loadtest -- (--url <api>/events | --stack <name>) [options]

Target
  --url <url>            collector endpoint, e.g. http://127.0.0.1:3000/events (npm start)
  --stack <name>         deployed stack: reads its eventsUrl output with the Pulumi CLI and, after
                         the run, prints that window's CloudWatch metrics (see --no-cloudwatch)

Load model (pick one)
  --concurrency <n>      closed model: n virtual clients, each sends its next request when the
                         previous one returns (default ${DEFAULTS.concurrency})
  --rate <r>             open model: r requests/s on a fixed schedule; latency is measured from the
                         SCHEDULED send time, so queueing is not hidden (coordinated omission)
  --max-in-flight <n>    open model: outstanding-request cap; a scheduled request finding n in flight
                         is DROPPED and counts as a failure (default min(rate × timeout, ${DEFAULTS.maxInFlightCeiling}))

Traffic
  --duration <s>         seconds of load (default ${DEFAULTS.durationS})
  --batch <n>            events per request, 1–${MAX_BATCH} (default ${DEFAULTS.batch})
  --sessions <n>         simulated visitors (default ${DEFAULTS.sessions})
  --timeout-ms <ms>      per-request timeout, counted as ERR_TIMEOUT (default ${DEFAULTS.timeoutMs})
  --seed <n>             seed of the visitor behaviour, to repeat a run's traffic shape

Gates and reports
  --slo-p99-ms <ms>      fail (exit 1) when p99 latency is above this
  --slo-success <f>      fail (exit 1) when the success rate is below this fraction, e.g. 0.999
  --json <file>          write the full result as JSON
  --html <file>          write a self-contained HTML report with plots
  --quiet                no progress line

CloudWatch (deployed stacks; needs AWS credentials)
  --cloudwatch           fetch metrics after a --url run; needs --environment
  --environment <name>   stack name used as the Environment dimension (default: --stack)
  --function-name <fn>   collector function (default LiveInsight-<environment>-collector)
  --region <region>      AWS region (default: the SDK's usual lookup)
  --cloudwatch-wait <s>  wait before fetching; metrics land 1–3 minutes late (default ${DEFAULTS.cloudwatchWaitS})
  --no-cloudwatch        skip the fetch with --stack

Exit codes: 0 = every SLO met, 1 = an SLO missed or no request succeeded, 2 = usage error,
3 = unexpected failure (a bug; the message says where).
`;
