import { expect } from "chai";
import { defaultMaxInFlight, type LoadTestOptions, parseArgs, UsageError } from "../../scripts/loadtest/args";
import { type ExecFn, resolveEventsUrl } from "../../scripts/loadtest/stack";

const URL_ARGS = ["--url", "http://127.0.0.1:3000/events"];

function options(argv: string[]): LoadTestOptions {
  const parsed = parseArgs(argv);
  if (parsed.kind !== "run") throw new Error("expected run options");
  return parsed.options;
}

function usageError(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a UsageError for ${argv.join(" ")}`);
}

describe("loadtest arguments", () => {
  it("defaults to the closed model with 20 clients, 30 s, batch 1 and 100 sessions", () => {
    const o = options([...URL_ARGS, "--seed", "7"]);
    expect(o).to.deep.equal({
      url: "http://127.0.0.1:3000/events",
      stack: null,
      model: "closed",
      concurrency: 20,
      rate: null,
      maxInFlight: 20,
      durationS: 30,
      batch: 1,
      sessions: 100,
      timeoutMs: 10_000,
      sloP99Ms: null,
      sloSuccess: null,
      jsonFile: null,
      htmlFile: null,
      cloudwatch: null,
      seed: 7,
      quiet: false,
    });
  });

  it("selects the open model with --rate and caps in-flight requests at rate × timeout, at most 1000", () => {
    const o = options([...URL_ARGS, "--rate=50", "--timeout-ms", "2000", "--duration", "5"]);
    expect([o.model, o.rate, o.maxInFlight, o.durationS]).to.deep.equal(["open", 50, 100, 5]);
    expect(defaultMaxInFlight(500, 10_000)).to.equal(1000);
    expect(defaultMaxInFlight(0.5, 1000)).to.equal(1);
    expect(options([...URL_ARGS, "--rate", "10", "--max-in-flight", "3"]).maxInFlight).to.equal(3);
  });

  it("reads SLOs, report files and the batch size", () => {
    const o = options([
      ...URL_ARGS,
      "--slo-p99-ms",
      "250",
      "--slo-success",
      "0.999",
      "--json",
      "r.json",
      "--html",
      "r.html",
      "--batch",
      "100",
    ]);
    expect([o.sloP99Ms, o.sloSuccess, o.jsonFile, o.htmlFile, o.batch]).to.deep.equal([250, 0.999, "r.json", "r.html", 100]);
  });

  it("turns CloudWatch on for --stack, with the stack's function name and Environment", () => {
    expect(options(["--stack", "dev"]).cloudwatch).to.deep.equal({
      functionName: "LiveInsight-dev-collector",
      environment: "dev",
      region: null,
      waitS: 60,
    });
    expect(options(["--stack", "dev", "--no-cloudwatch"]).cloudwatch).to.equal(null);
    expect(
      options([...URL_ARGS, "--cloudwatch", "--environment", "prod", "--function-name", "fn", "--cloudwatch-wait", "0"]).cloudwatch,
    ).to.deep.equal({ functionName: "fn", environment: "prod", region: null, waitS: 0 });
  });

  it("recognises --help and -h", () => {
    expect(parseArgs(["--help"])).to.deep.equal({ kind: "help" });
    expect(parseArgs(["-h"])).to.deep.equal({ kind: "help" });
  });

  const cases: [string[], string][] = [
    [[], "Pass --url <api>/events (e.g. --url http://127.0.0.1:3000/events for npm start) or --stack <name> for a deployed stack."],
    [[...URL_ARGS, "--stack", "dev"], "Pass either --url or --stack, not both: --stack reads the URL from the stack's eventsUrl output."],
    [
      ["--url", "127.0.0.1:3000/events"],
      '--url must be an absolute http(s) URL such as http://127.0.0.1:3000/events; got "127.0.0.1:3000/events".',
    ],
    [["--url", "ftp://example.com/events"], '--url must use http or https; got "ftp:" in "ftp://example.com/events".'],
    [["--url", "not a url"], '--url must be an absolute http(s) URL such as http://127.0.0.1:3000/events; got "not a url".'],
    [[...URL_ARGS, "--batch", "101"], "--batch must be between 1 and 100 events per request (the API limit); got 101."],
    [[...URL_ARGS, "--batch", "2.5"], '--batch must be an integer; got "2.5".'],
    [[...URL_ARGS, "--concurrency", "abc"], '--concurrency must be an integer; got "abc".'],
    [[...URL_ARGS, "--slo-success", "99.9"], "--slo-success must be between 0 and 1 (a fraction: 0.999 means 99.9%); got 99.9."],
    [[...URL_ARGS, "--duration"], "--duration needs a value."],
    [[...URL_ARGS, "--duration", "--quiet"], "--duration needs a value."],
    [[...URL_ARGS, "--concurency", "5"], "Unknown option --concurency. Run with --help for the list of options."],
    [[...URL_ARGS, "extra"], "Unexpected argument extra. Options start with --; run with --help for the list."],
    [
      [...URL_ARGS, "--rate", "10", "--concurrency", "5"],
      "--concurrency (closed model) and --rate (open model) are exclusive; pass one of them.",
    ],
    [[...URL_ARGS, "--max-in-flight", "5"], "--max-in-flight only applies to the open model; pass it with --rate."],
    [
      [...URL_ARGS, "--cloudwatch"],
      "--cloudwatch needs --environment <stack name> (the Environment dimension of the LiveInsight metrics), or use --stack.",
    ],
    [[...URL_ARGS, "--function-name", "fn"], "--function-name only applies with --cloudwatch or --stack; add --cloudwatch."],
    [[...URL_ARGS, "--quiet=yes"], "--quiet is a flag and takes no value."],
  ];
  for (const [argv, message] of cases) {
    it(`rejects "${argv.join(" ")}" with a usage error`, () => {
      expect(usageError(argv)).to.equal(message);
    });
  }
});

describe("loadtest --stack URL resolution", () => {
  it("explains that the Pulumi CLI is missing and to pass --url instead", async () => {
    const missing: ExecFn = async () => {
      throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
    };
    const error = await resolveEventsUrl("dev", missing).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(UsageError);
    expect((error as Error).message).to.equal(
      '--stack dev needs the Pulumi CLI to read the stack\'s eventsUrl output, and "pulumi" was not found on PATH. ' +
        "Install it (https://www.pulumi.com/docs/install/) or pass --url <api>/events instead.",
    );
  });

  it("runs `pulumi stack output eventsUrl --stack <name>` and trims the URL", async () => {
    const calls: unknown[] = [];
    const exec: ExecFn = async (file, args) => {
      calls.push([file, args]);
      return { stdout: "https://abc.execute-api.eu-west-1.amazonaws.com/events\n", stderr: "" };
    };
    expect(await resolveEventsUrl("prod", exec)).to.equal("https://abc.execute-api.eu-west-1.amazonaws.com/events");
    expect(calls).to.deep.equal([["pulumi", ["stack", "output", "eventsUrl", "--stack", "prod"]]]);
  });

  it("reports the CLI's first stderr line when the stack cannot be read", async () => {
    const failing: ExecFn = async () => {
      throw Object.assign(new Error("Command failed"), { code: 255, stderr: "error: no stack named 'qa' found\nmore" });
    };
    const error = await resolveEventsUrl("qa", failing).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(
      "\"pulumi stack output eventsUrl --stack qa\" failed: error: no stack named 'qa' found. Check the stack name and login, or pass --url <api>/events instead.",
    );
  });

  it("refuses an empty eventsUrl output", async () => {
    const empty: ExecFn = async () => ({ stdout: "\n", stderr: "" });
    const error = await resolveEventsUrl("dev", empty).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(
      'Stack "dev" has no eventsUrl output (has it been deployed with pulumi up?). Pass --url <api>/events instead.',
    );
  });
});
