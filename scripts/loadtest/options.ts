// Command-line options of `npm run loadtest` (through the shared lib/cli.ts: unknown flags
// and bad values are one-sentence UsageErrors, exit 2) and the target they name.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { SITE_ID_RULE, siteIdProblem } from "../../contracts/sites";
import { numberOption, type OptionSpecs, parseCommandLine, stringOption, UsageError, urlOption } from "../../lib/cli";
import { DEFAULT_SITE_ID } from "../lib/event-generator";

export type Options = NonNullable<ReturnType<typeof parseOptions>>;

const EXAMPLE_URL = "http://127.0.0.1:3000/events";
const STRING_OPTIONS =
  "url stack concurrency rate duration warmup batch sessions timeout-ms slo-p99-ms slo-success json html cloudwatch-wait seed site";
const SPECS: OptionSpecs = {
  ...Object.fromEntries(STRING_OPTIONS.split(" ").map((name) => [name, { type: "string" }])),
  "no-cloudwatch": { type: "boolean" },
  local: { type: "boolean" },
  quiet: { type: "boolean" },
};

export const USAGE = `Usage: npm run loadtest -- (--local | --url <api>/events | --stack <name>) [options]

  --local                start a throwaway local mode (free ports, a temporary data directory,
                         removed after the run) and load it, so no synthetic session reaches the
                         /realtime view of a local mode you run yourself
  --url <url>            collector endpoint, e.g. ${EXAMPLE_URL} (npm start: its store and
                         /realtime then hold the synthetic sessions)
  --stack <name>         deployed stack: reads its eventsUrl output with the Pulumi CLI and, after
                         the run, prints that window's CloudWatch metrics (needs AWS credentials)
  --concurrency <n>      closed model: n clients, each sends when its previous request returned (default 20)
  --rate <r>             open model: r requests/s on a fixed schedule; latency is measured from the
                         SCHEDULED send time, so queueing is not hidden (no coordinated omission)
  --duration <s>         seconds of load (default 30)
  --warmup <s>           first send the same load for s seconds and leave it out of every figure and
                         SLO (default 0): a fresh server's first seconds (JIT, first connections,
                         first table pages) are its cold start, not its steady state; the report
                         still prints the warmup's own figures
  --batch <n>            events per request, 1-100 (default 1)
  --sessions <n>         simulated visitors (default 100)
  --timeout-ms <ms>      per-request deadline, counted as ERR_TIMEOUT (default 10000)
  --seed <n>             seed of the visitor behaviour, to repeat a run's traffic shape
  --site <id>            the site_id of every event (default ${DEFAULT_SITE_ID}, local mode's site); on a deployed
                         stack, a site of liveinsight:sites with allowServer: true (docs/sites.md)
  --slo-p99-ms <ms>      fail (exit 1) when p99 latency is above this
  --slo-success <f>      fail (exit 1) when the success rate is below this fraction, e.g. 0.999
  --json <file>          write the full result as JSON (directories are created)
  --html <file>          write a self-contained HTML report with plots
  --quiet                no progress line
  --cloudwatch-wait <s>  with --stack: wait before reading CloudWatch, which publishes 1-3 minutes late (default 60)
  --no-cloudwatch        with --stack: skip CloudWatch

Exit codes: 0 = every SLO met, 1 = an SLO missed or no request succeeded, 2 = usage error.
`;

/** The options, or null for --help. */
export function parseOptions(argv: readonly string[]) {
  const parsed = parseCommandLine(argv, SPECS);
  if (parsed.help) return null;
  const v = parsed.values;
  const url = urlOption(v, "url", EXAMPLE_URL) ?? null;
  const stack = stringOption(v, "stack") ?? null;
  const local = v.local === true;
  if ([url, stack, local].filter(Boolean).length > 1)
    throw new UsageError(
      "Pass one target: --local (a throwaway local mode), --url <api>/events, or --stack <name> (which reads the URL from the stack's eventsUrl output).",
    );
  if (!url && !stack && !local)
    throw new UsageError(
      `Pass --local for a throwaway local mode, --url <api>/events (e.g. --url ${EXAMPLE_URL} for npm start) or --stack <name> for a deployed stack.`,
    );
  if (stack && !/^[A-Za-z0-9_.\-/]+$/.test(stack)) throw new UsageError(`--stack must be a Pulumi stack name; got "${stack}".`);
  if (v.rate !== undefined && v.concurrency !== undefined)
    throw new UsageError("--concurrency (closed model) and --rate (open model) are exclusive; pass one of them.");
  if (!stack && (v["cloudwatch-wait"] !== undefined || v["no-cloudwatch"]))
    throw new UsageError("--cloudwatch-wait and --no-cloudwatch only apply with --stack.");
  const int = (min: number, max: number) => ({ min, max, integer: true });
  return {
    url,
    stack,
    local,
    rate: numberOption(v, "rate", { min: 0.01, max: 100_000 }) ?? null, // null: the closed model
    concurrency: numberOption(v, "concurrency", int(1, 10_000), 20),
    durationS: numberOption(v, "duration", { min: 0.1, max: 86_400 }, 30),
    warmupS: numberOption(v, "warmup", { min: 0, max: 3_600 }, 0),
    batch: numberOption(v, "batch", int(1, 100), 1), // docs/api.md: a batch carries 1-100 events
    sessions: numberOption(v, "sessions", int(1, 1_000_000), 100),
    timeoutMs: numberOption(v, "timeout-ms", int(1, 600_000), 10_000),
    sloP99Ms: numberOption(v, "slo-p99-ms", { min: 0.001, max: 3_600_000 }) ?? null,
    sloSuccess: numberOption(v, "slo-success", { min: 0, max: 1 }) ?? null,
    jsonFile: stringOption(v, "json") ?? null,
    htmlFile: stringOption(v, "html") ?? null,
    // null: no CloudWatch read after the run
    cloudwatchWaitS: stack && !v["no-cloudwatch"] ? numberOption(v, "cloudwatch-wait", { min: 0, max: 900 }, 60) : null,
    seed: numberOption(v, "seed", int(0, 2 ** 31 - 1), Math.floor(Math.random() * 2 ** 31)),
    site: siteOption(stringOption(v, "site")),
    quiet: v.quiet === true,
  };
}

/** --site: a well-formed site id (whether the stack knows it, its answer says: 400 UnknownSite). */
export function siteOption(value: string | undefined): string {
  if (value === undefined) return DEFAULT_SITE_ID;
  if (siteIdProblem(value)) throw new UsageError(`--site ${SITE_ID_RULE}; got "${value}".`);
  return value;
}

export type ExecFn = (file: string, args: string[]) => Promise<{ stdout: string }>;

export const execFileAsync: ExecFn = (file, args) => promisify(execFile)(file, args, { timeout: 60_000 });

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "0.0.0.0"]);

/** The note for a --url on this machine: a local mode there keeps the synthetic sessions, its /realtime shows them. */
export function localTargetNote(url: string): string | undefined {
  if (!LOOPBACK.has(new URL(url).hostname)) return undefined;
  return `loadtest: ${url} is on this machine: if it is your npm start, its store and /realtime keep the synthetic sessions (npm run local:reset clears them); --local loads a throwaway local mode instead.`;
}

/** --stack: the stack's `eventsUrl` output through the Pulumi CLI, the one supported reader of any state backend. */
export async function resolveEventsUrl(stack: string, exec: ExecFn = execFileAsync): Promise<string> {
  const instead = "pass --url <api>/events instead";
  const output = await exec("pulumi", ["stack", "output", "eventsUrl", "--stack", stack]).catch(
    (error: NodeJS.ErrnoException & { stderr?: string }) => {
      if (error.code === "ENOENT") {
        throw new UsageError(
          `--stack ${stack} needs the Pulumi CLI to read the stack's eventsUrl output, and "pulumi" was not found on PATH. Install it (https://www.pulumi.com/docs/install/) or ${instead}.`,
        );
      }
      const detail = (error.stderr ?? "").trim().split("\n")[0] || error.message;
      throw new UsageError(
        `"pulumi stack output eventsUrl --stack ${stack}" failed: ${detail}. Check the stack name and login, or ${instead}.`,
      );
    },
  );
  const url = output.stdout.trim();
  if (url === "")
    throw new UsageError(
      `Stack "${stack}" has no eventsUrl output (has it been deployed with pulumi up?). Pass --url <api>/events instead.`,
    );
  return urlOption({ url }, "url", EXAMPLE_URL)!;
}
