import { execFile } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import { UsageError } from "../../lib/cli";
import { parseOptions } from "../../scripts/policy-check";

const ROOT = path.join(__dirname, "..", "..");

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/policy-check.ts", ...args],
      { cwd: ROOT },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("npm run policy:check (command line)", function () {
  this.timeout(120_000);

  it("parses stack, preview, repeated tags and the policy config flag", () => {
    expect(
      parseOptions([
        "--stack",
        "dev",
        "--preview",
        "--tag",
        "liveinsight:environment=prod",
        "--tag",
        "team=web",
        "--policy-pack-config",
        "x.json",
      ]),
    ).to.deep.equal({
      stack: "dev",
      preview: true,
      tags: { "liveinsight:environment": "prod", team: "web" },
      policyConfig: "x.json",
      configFile: undefined,
      json: false,
    });
  });

  it("rejects a tag without = and a missing --stack with one sentence", () => {
    expect(() => parseOptions(["--stack", "dev", "--tag", "oops"])).to.throw(
      UsageError,
      '--tag must be key=value, e.g. --tag liveinsight:environment=prod; got "oops".',
    );
    expect(() => parseOptions([])).to.throw(UsageError, "--stack is required, e.g. --stack dev.");
  });

  it("prints help with exit 0 and rejects an unknown flag with exit 2", async () => {
    const help = await run(["--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^Usage: npm run policy:check -- --stack <name>/);
    const bad = await run(["--stack", "dev", "--policy-config", "x.json"]);
    expect(bad).to.deep.include({
      code: 2,
      stdout: "",
      stderr: "policy:check: Unknown option --policy-config. Run with --help for the list of options.\n",
    });
  });

  it("exits 1 on the misconfigured prod stack, with the table, verdict and elapsed time", async () => {
    const result = await run(["--stack", "prod", "--config-file", "tests/fixtures/Pulumi.prod-oversized.yaml"]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.contain(
      'lambda-function-memory-range               mandatory  api-collector       Lambda function "api-collector" has memorySize 10240 MB; the allowed range is 256 to 3008 MB.',
    );
    expect(result.stdout).to.match(
      /\n11 mandatory, 0 advisory, 0 exempted, 0 not run, 0 remediated\. FAIL: mandatory violations would block `pulumi up`\. \(\d+\.\d s\)\n$/,
    );
  });

  it("exits 2 with one sentence for an invalid policy config", async () => {
    const result = await run(["--stack", "dev", "--json", "--policy-pack-config", "tests/fixtures/policy-config-exemption-no-reason.json"]);
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal("");
    expect(result.stderr).to.equal(
      'policy:check: tests/fixtures/policy-config-exemption-no-reason.json: "cloudwatch-log-group-retention.exemptions.0" is missing "reason"; add it (an exemption needs resource, reason and expires "YYYY-MM-DD").\n',
    );
  });
});
