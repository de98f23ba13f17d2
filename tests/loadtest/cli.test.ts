// End to end: the real CLI (`npx tsx scripts/loadtest.ts`) in a child process against a stub
// collector on loopback; checks exit codes, the console report, the JSON file and the HTML file.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type StubServer, startStubServer } from "./stub-server";

const REPO = path.resolve(__dirname, "../..");

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const loadtest = (args: string[]) => runCli("npx", ["tsx", "scripts/loadtest.ts", ...args]);

describe("loadtest CLI (child process)", function () {
  this.timeout(20_000);
  let fast: StubServer;
  let slow: StubServer;
  const dir = mkdtempSync(path.join(tmpdir(), "loadtest-cli-"));

  before(async () => {
    fast = await startStubServer();
    slow = await startStubServer({ delayMs: 20 });
  });
  after(async () => {
    await fast.close();
    await slow.close();
  });

  it("exits 0 when the SLOs are met and writes the JSON and HTML reports", async () => {
    const jsonFile = path.join(dir, "result.json");
    const htmlFile = path.join(dir, "report.html");
    const run = await loadtest([
      "--url",
      fast.url,
      "--duration",
      "1.5",
      "--concurrency",
      "4",
      "--batch",
      "3",
      "--sessions",
      "10",
      "--slo-p99-ms",
      "5000",
      "--slo-success",
      "0.99",
      "--json",
      jsonFile,
      "--html",
      htmlFile,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^LiveInsight load test: closed model, 4 clients, 1.5 s, batch 3, 10 sessions$/m);
    expect(run.stdout).to.match(/^latency \(ms\) {4}p50 [\d.]+ {2}p90 [\d.]+ {2}p99 [\d.]+ {2}max [\d.]+ /m);
    expect(run.stdout).to.contain("  PASS  success rate >= 99%: 100%");
    expect(run.stdout).to.match(/verdict: PASS\n$/);
    // Not a terminal: one plain progress line per second on stderr.
    expect(run.stderr).to.match(/^loadtest: http:\/\/127\.0\.0\.1:\d+\/events, 4 clients for 1\.5 s, batch 3\n/);
    expect(run.stderr).to.match(/^\[ {3}1s\] requests \d+ {2}events\/s \d+ {2}p99 [\d.]+ ms {2}errors 0$/m);
    expect(run.stderr).to.contain(`loadtest: JSON report written to ${jsonFile}\n`);
    expect(run.stderr).to.contain(`loadtest: HTML report written to ${htmlFile}\n`);

    const json = JSON.parse(readFileSync(jsonFile, "utf8"));
    expect(json).to.include.all.keys(
      "requests",
      "events",
      "events_per_s",
      "success_rate",
      "statuses",
      "latency_ms",
      "config",
      "model",
      "duration_s",
      "timeline",
      "slo",
    );
    expect(json.requests).to.equal(fast.requests.length);
    expect(json.events).to.equal(3 * json.requests);
    expect(json.statuses).to.deep.equal({ "200": json.requests });
    expect(json.success_rate).to.equal(1);
    expect(json.model).to.equal("closed");
    expect(Object.keys(json.latency_ms)).to.include.members(["p50", "p90", "p99", "max"]);
    expect(json.latency_ms.p50).to.be.at.most(json.latency_ms.p90).and.at.most(json.latency_ms.p99);
    expect(json.latency_ms.p99).to.be.at.most(json.latency_ms.max);
    expect(json.timeline.reduce((sum: number, p: { requests: number }) => sum + p.requests, 0)).to.equal(json.requests);
    expect(json.slo.passed).to.equal(true);

    const html = readFileSync(htmlFile, "utf8");
    expect(JSON.parse(/<script type="application\/json" id="plot-specs">(.*?)<\/script>/s.exec(html)![1])).to.have.length(3);
    expect(html).to.contain('<span class="pass">PASS</span>');
  });

  it("exits 1 when the p99 objective is impossible", async () => {
    const run = await loadtest(["--url", slow.url, "--rate", "20", "--duration", "0.5", "--slo-p99-ms", "1", "--quiet"]);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.match(/^ {2}FAIL {2}p99 latency <= 1 ms: \d+\.\d ms$/m);
    expect(run.stdout).to.match(/^open model {6}10 scheduled, \d+ sent late/m);
    expect(run.stdout).to.match(/verdict: FAIL\n$/);
  });

  it("exits 2 with a message on a usage error", async () => {
    const run = await loadtest(["--url", fast.url, "--batch", "101"]);
    expect(run).to.deep.equal({
      code: 2,
      stdout: "",
      stderr: "loadtest: --batch must be between 1 and 100; got 101.\n",
    });
  });

  it("stops early on Ctrl-C (SIGINT) and still reports what ran", async () => {
    // `node --import tsx`, not tsx's CLI: the CLI relays Ctrl-C to a child of its own and exits 130
    // itself when that child's answer comes late on a busy machine; here the signal reaches the tool.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/loadtest.ts", "--url", fast.url, "--duration", "60", "--concurrency", "2"],
      {
        cwd: REPO,
      },
    );
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // Interrupt once a progress line shows answered requests (the SIGINT handler is installed
    // before the header): a fixed delay could interrupt a busy machine's run before any answer.
    let stderr = "";
    await new Promise<void>((resolve) =>
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
        if (/^\[ +\d+s\] requests [1-9]/m.test(stderr)) resolve();
      }),
    );
    child.kill("SIGINT");
    expect(await exited).to.equal(0);
    expect(stdout).to.match(/^duration {8}\d+\.\d\d s \(stopped early by Ctrl-C\)$/m);
    expect(stdout).to.match(/verdict: PASS\n$/);
  });

  it("exits 2 telling to pass --url when --stack is used without the Pulumi CLI", async () => {
    // Run node directly with an empty PATH so no `pulumi` can be found whatever is installed.
    const emptyPath = mkdtempSync(path.join(tmpdir(), "loadtest-nopath-"));
    const tsxCli = require.resolve("tsx/cli");
    const run = await runCli(process.execPath, [tsxCli, "scripts/loadtest.ts", "--stack", "dev"], { ...process.env, PATH: emptyPath });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.equal(
      'loadtest: --stack dev needs the Pulumi CLI to read the stack\'s eventsUrl output, and "pulumi" was not found on PATH. ' +
        "Install it (https://www.pulumi.com/docs/install/) or pass --url <api>/events instead.\n",
    );
  });
});
