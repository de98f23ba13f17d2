// main() in-process: exit codes, report files, and the CloudWatch step after a --stack run wired
// to a stub Pulumi CLI and a stub CloudWatch client (no network beyond loopback).

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { GetMetricDataOutput } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import { UsageError } from "../../lib/cli";
import { regionOf } from "../../scripts/loadtest/cloudwatch";
import { defaultDeps, type MainDeps, main } from "../../scripts/loadtest/main";
import { stubCloudWatch } from "./stub-cloudwatch";
import { type StubServer, startStubServer } from "./stub-server";

interface Captured {
  deps: MainDeps;
  stdout: string[];
  stderr: string[];
  clients: ReturnType<typeof stubCloudWatch>[];
  regions: (string | undefined)[];
  destroyed: number;
  sleeps: number[];
  /** What the --local stub saw: "start", then the stop signal. */
  local: string[];
}

/** Deps whose `pulumi stack output eventsUrl` prints `eventsUrl` (or is missing) and whose CloudWatch answers `page`. */
function capture(
  eventsUrl: string | null = null,
  page: GetMetricDataOutput | Error = { MetricDataResults: [] },
  localUrl = "http://127.0.0.1:9/events",
): Captured {
  const c: Captured = { stdout: [], stderr: [], clients: [], regions: [], destroyed: 0, sleeps: [], local: [], deps: defaultDeps };
  c.deps = {
    stdout: (text) => c.stdout.push(text),
    stderr: { write: (text: string) => c.stderr.push(text), isTTY: false },
    exec: async () => {
      if (eventsUrl === null) throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
      return { stdout: `${eventsUrl}\n` };
    },
    cloudWatchClient: (region) => {
      c.regions.push(region);
      const client = stubCloudWatch({ first: page });
      client.destroy = () => void c.destroyed++;
      c.clients.push(client);
      return client;
    },
    sleep: async (ms) => void c.sleeps.push(ms),
    startLocal: async () => {
      c.local.push("start");
      return { eventsUrl: localUrl, dataDir: "/tmp/throwaway", stop: async (signal) => void c.local.push(signal) };
    },
  };
  return c;
}

const usageError = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a UsageError"),
    (error: unknown) => {
      expect(error).to.be.instanceOf(UsageError);
      return (error as Error).message;
    },
  );

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

  it("runs against a --stack's eventsUrl, then reads and prints that window's CloudWatch metrics", async () => {
    const c = capture(server.url, { MetricDataResults: [{ Id: "events_processed", Timestamps: [new Date()], Values: [1234] }] });
    const jsonFile = path.join(dir, "cw.json");
    const before = Date.now();
    const code = await main(["--stack", "dev", "--duration", "0.3", "--concurrency", "2", "--quiet", "--json", jsonFile], c.deps);
    expect(code).to.equal(0);
    expect(server.requests.length).to.be.greaterThan(0);
    expect([c.regions, c.destroyed, c.sleeps]).to.deep.equal([[undefined], 1, [60_000]]);
    expect(c.stderr[0]).to.equal("loadtest: waiting 60 s for CloudWatch to publish the window's metrics (--cloudwatch-wait)\n");
    const input = c.clients[0].inputs[0];
    expect(input.StartTime!.getTime()).to.equal(Math.floor(before / 60_000) * 60_000);
    expect(input.EndTime!.getTime() % 60_000).to.equal(0);
    const output = c.stdout.join("\n");
    expect(output).to.match(/CloudWatch: LiveInsight-dev-collector, Environment=dev, /);
    expect(output).to.match(/LiveInsight EventsProcessed \(count\) +1234 {2}sum/);
    const json = JSON.parse(readFileSync(jsonFile, "utf8"));
    expect(json.target).to.equal(server.url);
    expect(json.cloudwatch.function_name).to.equal("LiveInsight-dev-collector");
    expect(json.cloudwatch.metrics.find((m: { id: string }) => m.id === "events_processed").value).to.equal(1234);
  });

  it("reads CloudWatch in the region an API Gateway URL names, else the SDK's default", () => {
    expect(regionOf("https://abc123.execute-api.eu-west-1.amazonaws.com/events")).to.equal("eu-west-1");
    expect(regionOf("http://127.0.0.1:3000/events")).to.equal(undefined);
  });

  it("keeps the load test's verdict when CloudWatch cannot be read, and says so", async () => {
    const denied = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    const c = capture(server.url, denied);
    const code = await main(["--stack", "dev", "--duration", "0.2", "--quiet", "--cloudwatch-wait", "0"], c.deps);
    expect([code, c.sleeps, c.destroyed]).to.deep.equal([0, [], 1]);
    expect(c.stderr.join("")).to.equal(
      "loadtest: could not read CloudWatch metrics (CredentialsProviderError: Could not load credentials from any providers); the load test result stands.\n",
    );
    expect(c.stdout.join("\n")).to.not.contain("CloudWatch:");
  });

  it("skips CloudWatch with --no-cloudwatch and for a --url run", async () => {
    const c = capture(server.url);
    expect(await main(["--stack", "dev", "--duration", "0.2", "--quiet", "--no-cloudwatch"], c.deps)).to.equal(0);
    expect(await main(["--url", server.url, "--duration", "0.2", "--quiet"], c.deps)).to.equal(0);
    expect(c.regions).to.deep.equal([]);
  });

  it("exits 1 when no request succeeded (target down), even without an SLO, and says the connection was refused", async () => {
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
    expect(c.stderr).to.deep.equal([`loadtest: JSON report written to ${json}\n`, `loadtest: HTML report written to ${html}\n`]);
  });

  it("refuses report paths it cannot write, and --stack without the Pulumi CLI, before sending anything", async () => {
    const blocker = path.join(dir, "a-file");
    writeFileSync(blocker, "");
    const sent = server.requests.length;
    expect(await usageError(main(["--url", server.url, "--json", path.join(blocker, "r.json")], capture().deps))).to.equal(
      `--json ${path.join(blocker, "r.json")}: cannot create directory ${blocker} (EEXIST); pick another path.`,
    );
    expect(await usageError(main(["--url", server.url, "--html", dir], capture().deps))).to.equal(
      `--html ${dir} is a directory; give a file name such as ${path.join(dir, "loadtest.html")}.`,
    );
    expect(await usageError(main(["--stack", "dev"], capture().deps))).to.contain('"pulumi" was not found on PATH');
    expect(server.requests.length).to.equal(sent);
  });

  it("prints the usage with --help and exits 0", async () => {
    const c = capture();
    expect(await main(["--help"], c.deps)).to.equal(0);
    expect(c.stdout.join("")).to.match(/^Usage: npm run loadtest -- \(--local \| --url <api>\/events \| --stack <name>\) \[options\]/);
    expect(c.local).to.deep.equal([]);
  });

  it("runs the --warmup first over the same target and leaves its requests out of the figures", async () => {
    const c = capture();
    const json = path.join(dir, "warm.json");
    const sent = server.requests.length;
    const argv = ["--url", server.url, "--rate", "20", "--warmup", "0.5", "--duration", "0.5", "--quiet", "--json", json];
    expect(await main(argv, c.deps)).to.equal(0);
    const result = JSON.parse(readFileSync(json, "utf8"));
    // 20 req/s: 10 slots in each half second, the warmup's first, then the run's.
    expect([result.warmup.requests, result.requests, server.requests.length - sent]).to.deep.equal([10, 10, 20]);
    expect([result.config.warmup_s, result.warmup.statuses, result.open_model.scheduled]).to.deep.equal([0.5, { "200": 10 }, 10]);
    expect(c.stdout.join("\n")).to.match(/^warmup {10}0\.\d\d s before, left out of every figure and SLO: 10 requests \(200: 10\)/m);
  });

  it("with --local loads the throwaway local mode it started, says where, and stops it after the run", async () => {
    const c = capture(null, { MetricDataResults: [] }, server.url);
    const sent = server.requests.length;
    expect(await main(["--local", "--duration", "0.3", "--concurrency", "1", "--quiet"], c.deps)).to.equal(0);
    expect(c.local).to.deep.equal(["start", "SIGTERM"]);
    expect(server.requests.length).to.be.greaterThan(sent);
    expect(c.stderr[0]).to.equal(
      `loadtest: started a throwaway local mode at ${server.url} (data in /tmp/throwaway, removed after the run)\n`,
    );
    expect(c.regions).to.deep.equal([]);
  });

  it("stops the throwaway local mode when the run fails too", async () => {
    const c = capture();
    c.deps.stderr = {
      write: (text: string) => {
        if (text.startsWith("loadtest: started")) throw new Error("stderr closed");
        return true;
      },
    };
    await main(["--local", "--duration", "0.2", "--quiet"], c.deps).then(
      () => expect.fail("expected the run to fail"),
      (error: Error) => expect(error.message).to.equal("stderr closed"),
    );
    expect(c.local).to.deep.equal(["start", "SIGTERM"]);
  });

  it("notes that a --url on this machine keeps the synthetic sessions (unless --quiet)", async () => {
    const c = capture();
    expect(await main(["--url", server.url, "--duration", "0.2", "--concurrency", "1"], c.deps)).to.equal(0);
    expect(c.stderr).to.include(
      `loadtest: ${server.url} is on this machine: if it is your npm start, its store and /realtime keep the synthetic sessions (npm run local:reset clears them); --local loads a throwaway local mode instead.\n`,
    );
  });
});
