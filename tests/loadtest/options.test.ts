import { expect } from "chai";
import { UsageError } from "../../lib/cli";
import { type ExecFn, localTargetNote, type Options, parseOptions, resolveEventsUrl } from "../../scripts/loadtest/options";

const URL_ARGS = ["--url", "http://127.0.0.1:3000/events"];

function options(argv: string[]): Options {
  const parsed = parseOptions(argv);
  if (parsed === null) throw new Error("expected run options");
  return parsed;
}

function usageError(argv: string[]): string {
  try {
    parseOptions(argv);
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a UsageError for ${argv.join(" ")}`);
}

describe("loadtest options", () => {
  it("defaults to the closed model with 20 clients, 30 s, batch 1 and 100 sessions", () => {
    expect(options([...URL_ARGS, "--seed", "7"])).to.deep.equal({
      url: "http://127.0.0.1:3000/events",
      stack: null,
      local: false,
      rate: null,
      concurrency: 20,
      durationS: 30,
      warmupS: 0,
      batch: 1,
      sessions: 100,
      timeoutMs: 10_000,
      sloP99Ms: null,
      sloSuccess: null,
      jsonFile: null,
      htmlFile: null,
      cloudwatchWaitS: null,
      seed: 7,
      site: "local",
      quiet: false,
    });
  });

  it("takes --local as the target: a throwaway local mode, no URL, no CloudWatch", () => {
    const o = options(["--local"]);
    expect([o.local, o.url, o.stack, o.cloudwatchWaitS]).to.deep.equal([true, null, null, null]);
  });

  it("notes that a --url on this machine keeps the synthetic sessions, and nothing for a remote one", () => {
    for (const host of ["127.0.0.1:3000", "localhost:3100", "[::1]:3000"])
      expect(localTargetNote(`http://${host}/events`)).to.equal(
        `loadtest: http://${host}/events is on this machine: if it is your npm start, its store and /realtime keep the synthetic sessions (npm run local:reset clears them); --local loads a throwaway local mode instead.`,
      );
    expect(localTargetNote("https://abc.execute-api.us-east-1.amazonaws.com/events")).to.equal(undefined);
  });

  it("reads --warmup in seconds, from 0 (none) up to an hour", () => {
    expect(options([...URL_ARGS, "--warmup", "3"]).warmupS).to.equal(3);
    expect(usageError([...URL_ARGS, "--warmup", "3601"])).to.equal("--warmup must be between 0 and 3600; got 3601.");
  });

  it("selects the open model with --rate", () => {
    const o = options([...URL_ARGS, "--rate=50", "--timeout-ms", "2000", "--duration", "5"]);
    expect([o.rate, o.timeoutMs, o.durationS]).to.deep.equal([50, 2000, 5]);
  });

  it("reads SLOs, report files, the batch size and the quiet flag", () => {
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
      "--sessions",
      "7",
      "--quiet",
    ]);
    expect([o.sloP99Ms, o.sloSuccess, o.jsonFile, o.htmlFile, o.batch, o.sessions, o.quiet]).to.deep.equal([
      250,
      0.999,
      "r.json",
      "r.html",
      100,
      7,
      true,
    ]);
  });

  it("reads CloudWatch after a --stack run, 60 s later unless told otherwise", () => {
    expect(options(["--stack", "dev"]).cloudwatchWaitS).to.equal(60);
    expect(options(["--stack", "dev", "--cloudwatch-wait", "0"]).cloudwatchWaitS).to.equal(0);
    expect(options(["--stack", "dev", "--no-cloudwatch"]).cloudwatchWaitS).to.equal(null);
  });

  it("recognises --help and -h", () => {
    expect(parseOptions(["--help"])).to.equal(null);
    expect(parseOptions(["-h"])).to.equal(null);
  });

  const ONE_TARGET =
    "Pass one target: --local (a throwaway local mode), --url <api>/events, or --stack <name> (which reads the URL from the stack's eventsUrl output).";
  const cases: [string[], string][] = [
    [
      [],
      "Pass --local for a throwaway local mode, --url <api>/events (e.g. --url http://127.0.0.1:3000/events for npm start) or --stack <name> for a deployed stack.",
    ],
    [[...URL_ARGS, "--stack", "dev"], ONE_TARGET],
    [[...URL_ARGS, "--local"], ONE_TARGET],
    [["--stack", "dev", "--local"], ONE_TARGET],
    [["--local", "--no-cloudwatch"], "--cloudwatch-wait and --no-cloudwatch only apply with --stack."],
    [
      ["--url", "127.0.0.1:3000/events"],
      '--url must be an absolute http(s) URL such as http://127.0.0.1:3000/events; got "127.0.0.1:3000/events".',
    ],
    [["--url", "ftp://example.com/events"], '--url must use http or https; got "ftp:" in "ftp://example.com/events".'],
    [["--stack", "dev;rm"], '--stack must be a Pulumi stack name; got "dev;rm".'],
    [[...URL_ARGS, "--batch", "101"], "--batch must be between 1 and 100; got 101."],
    [[...URL_ARGS, "--batch", "2.5"], '--batch must be an integer; got "2.5".'],
    [[...URL_ARGS, "--concurrency", "abc"], '--concurrency must be an integer; got "abc".'],
    [[...URL_ARGS, "--concurrency", "0"], "--concurrency must be between 1 and 10000; got 0."],
    [[...URL_ARGS, "--rate", "0"], "--rate must be between 0.01 and 100000; got 0."],
    [[...URL_ARGS, "--duration", "0.05"], "--duration must be between 0.1 and 86400; got 0.05."],
    [[...URL_ARGS, "--slo-success", "99.9"], "--slo-success must be between 0 and 1; got 99.9."],
    [[...URL_ARGS, "--slo-p99-ms", "fast"], '--slo-p99-ms must be a number; got "fast".'],
    [[...URL_ARGS, "--json", ""], "--json needs a non-empty value."],
    [[...URL_ARGS, "--duration"], "--duration needs a value."],
    [[...URL_ARGS, "--duration", "--quiet"], "--duration needs a value."],
    [[...URL_ARGS, "--concurency", "5"], "Unknown option --concurency. Run with --help for the list of options."],
    [[...URL_ARGS, "extra"], "Unexpected argument extra. Options start with --; run with --help for the list."],
    [
      [...URL_ARGS, "--rate", "10", "--concurrency", "5"],
      "--concurrency (closed model) and --rate (open model) are exclusive; pass one of them.",
    ],
    [[...URL_ARGS, "--cloudwatch-wait", "0"], "--cloudwatch-wait and --no-cloudwatch only apply with --stack."],
    [[...URL_ARGS, "--no-cloudwatch"], "--cloudwatch-wait and --no-cloudwatch only apply with --stack."],
    [["--stack", "dev", "--cloudwatch-wait", "901"], "--cloudwatch-wait must be between 0 and 900; got 901."],
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
      return { stdout: "https://abc.execute-api.eu-west-1.amazonaws.com/events\n" };
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
    const empty: ExecFn = async () => ({ stdout: "\n" });
    const error = await resolveEventsUrl("dev", empty).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(
      'Stack "dev" has no eventsUrl output (has it been deployed with pulumi up?). Pass --url <api>/events instead.',
    );
  });

  it("refuses an eventsUrl output that is not an http(s) URL", async () => {
    const odd: ExecFn = async () => ({ stdout: "file:///etc/passwd\n" });
    const error = await resolveEventsUrl("dev", odd).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('--url must use http or https; got "file:" in "file:///etc/passwd".');
  });

  it("takes --site for the site_id of every event and refuses a malformed one naming the rule", () => {
    expect(parseOptions(["--url", "http://127.0.0.1:3000/events", "--site", "dev"])?.site).to.equal("dev");
    expect(() => parseOptions(["--url", "http://127.0.0.1:3000/events", "--site", "Dev!"])).to.throw(
      "--site must be 3-40 characters of a-z, 0-9 or '-'; got \"Dev!\".",
    );
  });
});
