// main() in-process: exit codes and the CloudWatch step wired to a stub client (no network).

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { GetMetricDataCommand, GetMetricDataInput } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import { createHttpTransport } from "../../scripts/loadtest/http-client";
import { type MainDeps, main } from "../../scripts/loadtest/main";
import { type StubServer, startStubServer } from "./stub-server";

interface Captured {
  deps: MainDeps;
  stdout: string[];
  stderr: string[];
  cloudWatchInputs: GetMetricDataInput[];
  regions: (string | null)[];
  destroyed: number;
}

function capture(cloudWatch: (input: GetMetricDataInput) => Promise<object> = async () => ({ MetricDataResults: [] })): Captured {
  const captured: Captured = {
    stdout: [],
    stderr: [],
    cloudWatchInputs: [],
    regions: [],
    destroyed: 0,
    deps: undefined as unknown as MainDeps,
  };
  captured.deps = {
    stdout: (text) => captured.stdout.push(text),
    stderr: { write: (text: string) => captured.stderr.push(text), isTTY: false },
    exec: async () => {
      throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
    },
    createTransport: createHttpTransport,
    cloudWatchClient: (region) => {
      captured.regions.push(region);
      return {
        send: async (command: GetMetricDataCommand) => {
          captured.cloudWatchInputs.push(command.input);
          return cloudWatch(command.input);
        },
        destroy: () => {
          captured.destroyed++;
        },
      };
    },
    sleep: async () => undefined,
  };
  return captured;
}

describe("loadtest main (in-process)", function () {
  this.timeout(10_000);
  let server: StubServer;
  const dir = mkdtempSync(path.join(tmpdir(), "loadtest-main-"));
  before(async () => {
    server = await startStubServer();
  });
  after(async () => {
    await server.close();
  });

  it("fetches the run window's CloudWatch metrics after a --cloudwatch run and prints them", async () => {
    const c = capture(async () => ({
      MetricDataResults: [{ Id: "events_processed", Timestamps: [new Date()], Values: [1234] }],
    }));
    const jsonFile = path.join(dir, "cw.json");
    const before = Date.now();
    const code = await main(
      [
        "--url",
        server.url,
        "--duration",
        "0.3",
        "--concurrency",
        "2",
        "--quiet",
        "--json",
        jsonFile,
        "--cloudwatch",
        "--environment",
        "dev",
        "--region",
        "eu-west-1",
        "--cloudwatch-wait",
        "0",
      ],
      c.deps,
    );
    expect(code).to.equal(0);
    expect(c.regions).to.deep.equal(["eu-west-1"]);
    expect(c.destroyed).to.equal(1);
    expect(c.cloudWatchInputs).to.have.length(1);
    const input = c.cloudWatchInputs[0];
    expect(input.StartTime!.getTime()).to.equal(Math.floor(before / 60_000) * 60_000);
    expect(input.EndTime!.getTime() % 60_000).to.equal(0);
    const output = c.stdout.join("\n");
    expect(output).to.match(/CloudWatch: LiveInsight-dev-collector, Environment=dev, /);
    expect(output).to.match(/LiveInsight EventsProcessed \(count\) +1234 {2}sum/);
    const json = JSON.parse(readFileSync(jsonFile, "utf8"));
    expect(json.cloudwatch.function_name).to.equal("LiveInsight-dev-collector");
    expect(json.cloudwatch.metrics.find((m: { id: string }) => m.id === "events_processed").value).to.equal(1234);
  });

  it("keeps the load test's verdict when CloudWatch cannot be read, and says so", async () => {
    const c = capture(async () => {
      throw Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    });
    const code = await main(
      ["--url", server.url, "--duration", "0.2", "--quiet", "--cloudwatch", "--environment", "dev", "--cloudwatch-wait", "0"],
      c.deps,
    );
    expect(code).to.equal(0);
    expect(c.stderr.join("")).to.contain(
      "loadtest: could not read CloudWatch metrics (CredentialsProviderError: Could not load credentials from any providers); the load test result stands.",
    );
    expect(c.stdout.join("\n")).to.not.contain("CloudWatch:");
  });

  it("exits 1 when no request succeeded (target down), even without an SLO", async () => {
    const dead = await startStubServer();
    await dead.close();
    const c = capture();
    const code = await main(["--url", dead.url, "--duration", "0.2", "--concurrency", "1", "--quiet"], c.deps);
    expect(code).to.equal(1);
    const output = c.stdout.join("\n");
    expect(output).to.match(/statuses {8}ERR_ECONNREFUSED: \d+/);
    expect(output).to.match(
      new RegExp(
        `refused         \\d+ connections? refused: is the server at ${dead.url} running\\?; each client paused \\(up to 2 s\\) instead of retrying at once`,
      ),
    );
    expect(output).to.contain("  FAIL  at least one request succeeded: 0");
  });

  it("creates missing report directories and prints where each report went", async () => {
    const c = capture();
    const json = path.join(dir, "fresh", "out", "r.json");
    const html = path.join(dir, "fresh", "html", "r.html");
    expect(await main(["--url", server.url, "--duration", "0.2", "--quiet", "--json", json, "--html", html], c.deps)).to.equal(0);
    expect(JSON.parse(readFileSync(json, "utf8")).tool).to.equal("liveinsight-loadtest");
    expect(readFileSync(html, "utf8")).to.match(/^<!doctype html>/i);
    expect(c.stderr.slice(-2)).to.deep.equal([`loadtest: JSON report written to ${json}\n`, `loadtest: HTML report written to ${html}\n`]);
  });

  it("exits 2 with the reason for a usage error, and for --stack without the Pulumi CLI", async () => {
    const blocker = path.join(dir, "a-file");
    writeFileSync(blocker, "");
    const c = capture();
    expect(await main(["--url", server.url, "--json", path.join(blocker, "r.json")], c.deps)).to.equal(2);
    expect(c.stderr.join("")).to.equal(
      `loadtest: --json ${path.join(blocker, "r.json")}: cannot create directory ${blocker} (EEXIST); pick another path.\n`,
    );
    const d = capture();
    expect(await main(["--url", server.url, "--html", dir], d.deps)).to.equal(2);
    expect(d.stderr.join("")).to.equal(
      `loadtest: --html ${dir} is a directory; give a file name such as ${path.join(dir, "loadtest.html")}.\n`,
    );
    const s = capture();
    expect(await main(["--stack", "dev"], s.deps)).to.equal(2);
    expect(s.stderr.join("")).to.contain('"pulumi" was not found on PATH');
  });

  it("prints the usage with --help and exits 0", async () => {
    const c = capture();
    expect(await main(["--help"], c.deps)).to.equal(0);
    expect(c.stdout.join("")).to.match(/^Usage: npm run loadtest -- \(--url <api>\/events \| --stack <name>\) \[options\]/);
  });
});
