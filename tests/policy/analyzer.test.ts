/**
 * The whole pack through @pulumi/policy's own analyzer server, spoken to over gRPC as the engine
 * does (scripts/policy/*). One server per suite: starting the pack compiles it (~4 s).
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import type { RecordedResource } from "../../scripts/lib/program-harness";
import type { AnalyzerSession } from "../../scripts/policy/analyzer-plugin";
import { PackStartError, startPack } from "../../scripts/policy/analyzer-plugin";
import { mergePolicyConfig, PolicyConfigError, readPolicyConfigFile } from "../../scripts/policy/config";
import { type CheckOptions, checkWith, PACK_DIR, startSession } from "../../scripts/policy-check";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const options = (stack: string, extra: Partial<CheckOptions> = {}): CheckOptions => ({
  stack,
  preview: false,
  tags: {},
  json: true,
  ...extra,
});

describe("policy pack through the real analyzer: dev", function () {
  this.timeout(120_000);
  let session: AnalyzerSession;
  before(async () => {
    session = await startSession("dev", false);
  });
  after(() => session?.close());

  it("judges dev as dev without a policy config: no violation at all", async () => {
    const report = await checkWith(session, options("dev"));
    expect(report).to.deep.include({
      policyConfig: null,
      violations: [],
      exempted: [],
      notRun: [],
      remediations: [],
      mandatory: 0,
      remediated: 0,
    });
  });

  it("passes with policy/config/dev.json", async () => {
    const report = await checkWith(session, options("dev", { policyConfig: path.join(PACK_DIR, "config", "dev.json") }));
    expect(report.mandatory).to.equal(0);
    expect(report.violations).to.deep.equal([]);
  });

  it("at a first preview every mandatory rule still runs (empty notRun)", async () => {
    const report = await checkWith(session, options("dev", { preview: true }));
    expect(report.notRun).to.deep.equal([]);
    expect(report.mandatory).to.equal(0);
  });

  it("judges the dev stack as prod when its tag says prod: table protection applies", async () => {
    const report = await checkWith(session, options("dev", { tags: { "liveinsight:environment": "prod" } }));
    const policies = new Set(report.violations.map((v) => v.policy));
    expect([...policies]).to.include("dynamodb-table-data-protection");
    expect(report.violations.find((v) => v.resourceName === "tables-events")?.message).to.equal(
      'DynamoDB table "tables-events" has pointInTimeRecovery.enabled false; the required value is true.',
    );
  });

  it("reports an exempted violation under policy-exemptions and enforces an expired one", async () => {
    const report = await checkWith(session, options("dev", { policyConfig: path.join(FIXTURES, "policy-config-exemptions.json") }));
    expect(report.exempted).to.deep.equal([
      {
        policy: "cloudwatch-log-group-retention",
        resourceName: "api-collector-logs",
        reason: "INC-42 keeps collector logs for the audit",
        expires: "2999-12-31",
        message: 'CloudWatch log group "api-collector-logs" has retentionInDays 14 days; the allowed range is 1 to 10 days.',
      },
    ]);
    expect(report.violations.map((v) => [v.resourceName, v.enforcementLevel, v.message])).to.deep.equal([
      [
        "api-realtime-logs",
        "mandatory",
        'CloudWatch log group "api-realtime-logs" has retentionInDays 14 days; the allowed range is 1 to 10 days. (exemption expired 2020-01-31)',
      ],
      [
        "api-access-logs",
        "mandatory",
        'CloudWatch log group "api-access-logs" has retentionInDays 14 days; the allowed range is 1 to 10 days.',
      ],
      [
        "archive-archiver-logs",
        "mandatory",
        'CloudWatch log group "archive-archiver-logs" has retentionInDays 14 days; the allowed range is 1 to 10 days.',
      ],
      [
        "archive-compaction-logs",
        "mandatory",
        'CloudWatch log group "archive-compaction-logs" has retentionInDays 14 days; the allowed range is 1 to 10 days.',
      ],
      ["stats-logs", "mandatory", 'CloudWatch log group "stats-logs" has retentionInDays 14 days; the allowed range is 1 to 10 days.'],
      [
        "stats-access-logs",
        "mandatory",
        'CloudWatch log group "stats-access-logs" has retentionInDays 14 days; the allowed range is 1 to 10 days.',
      ],
    ]);
  });

  it("rejects an exemption without a reason as a config error naming the file and key", async () => {
    const file = path.join(FIXTURES, "policy-config-exemption-no-reason.json");
    const error = await checkWith(session, options("dev", { policyConfig: file })).catch((e) => e);
    expect(error).to.be.instanceOf(PolicyConfigError);
    expect(error.message).to.equal(
      'tests/fixtures/policy-config-exemption-no-reason.json: "cloudwatch-log-group-retention.exemptions.0" is missing "reason"; add it (an exemption needs resource, reason and expires "YYYY-MM-DD").',
    );
  });

  it("rejects a threshold outside its schema and an unknown policy name", async () => {
    const invalid = await checkWith(session, options("dev", { policyConfig: path.join(FIXTURES, "policy-config-invalid.json") })).catch(
      (e) => e,
    );
    expect(invalid.message).to.equal(
      'tests/fixtures/policy-config-invalid.json: "lambda-function-memory-range.maxMemoryMb" must be <= 10240; fix its value.',
    );
  });
});

describe("policy pack through the real analyzer: prod", function () {
  this.timeout(120_000);
  let session: AnalyzerSession;
  before(async () => {
    session = await startSession("prod", false);
  });
  after(() => session?.close());

  for (const policyConfig of [undefined, path.join(PACK_DIR, "config", "prod.json")]) {
    it(`passes prod ${policyConfig ? "with policy/config/prod.json" : "without a policy config (prod profile)"}`, async () => {
      const report = await checkWith(session, options("prod", { policyConfig }));
      expect(report.violations).to.deep.equal([]);
      expect(report.mandatory).to.equal(0);
    });
  }

  it("fails a prod stack whose archive retries forever, compacts in 5 s and lets a query scan 200 GB", async () => {
    const report = await checkWith(session, options("prod", { configFile: path.join(FIXTURES, "Pulumi.prod-archive-unbounded.yaml") }));
    expect(report.violations.map((v) => [v.policy, v.resourceName, v.message]).sort()).to.deep.equal([
      [
        "athena-workgroup-enforcement",
        "archive-workgroup",
        'Athena workgroup "archive-workgroup" has configuration.bytesScannedCutoffPerQuery 214748364800 bytes; the allowed range is 10485760 to 107374182400 bytes.',
      ],
      [
        "lambda-event-source-mapping-failure-handling",
        "archive-stream",
        'Event source mapping "archive-stream" has maximumRecordAgeInSeconds -1 s; the allowed range is 60 to 86400 s.',
      ],
      [
        "lambda-event-source-mapping-failure-handling",
        "archive-stream",
        'Event source mapping "archive-stream" has maximumRetryAttempts -1; the allowed range is 0 to 5.',
      ],
      [
        "lambda-function-timeout-range",
        "archive-compaction",
        'Lambda function "archive-compaction" (liveinsight:workload: batch) has timeout 5 s; the allowed range is 10 to 900 s.',
      ],
    ]);
    expect(report.mandatory).to.equal(4);
  });

  it("fails the misconfigured prod stack with the pack's sentences", async () => {
    const report = await checkWith(session, options("prod", { configFile: path.join(FIXTURES, "Pulumi.prod-oversized.yaml") }));
    expect(report.mandatory).to.be.greaterThan(0);
    expect(report.violations.map((v) => v.message)).to.include.members([
      'Lambda function "api-collector" has memorySize 10240 MB; the allowed range is 256 to 3008 MB.',
      'Lambda function "api-collector" has timeout 120 s; the allowed range is 3 to 11 s.',
      'Lambda function "api-collector" has environment variable AWS_MAX_ATTEMPTS 25; the allowed range is 1 to 5.',
    ]);
  });

  it("remediates the misconfigured stack into values every other rule accepts, code archive intact", async () => {
    const report = await checkWith(
      session,
      options("prod", {
        configFile: path.join(FIXTURES, "Pulumi.prod-oversized.yaml"),
        policyConfig: path.join(FIXTURES, "policy-config-remediate.json"),
      }),
    );
    expect(report.violations).to.deep.equal([]);
    // 6 on the API's functions; the archive's two functions and the stats function take the same SDK settings (AWS_MAX_ATTEMPTS 25 → 5).
    expect(report.remediated).to.equal(9);
    expect(report.remediations.map((r) => `${r.policy} ${r.resourceName}`).sort()).to.deep.equal([
      "lambda-function-memory-range api-collector",
      "lambda-function-memory-range api-realtime",
      "lambda-function-sdk-retry-env api-collector",
      "lambda-function-sdk-retry-env api-realtime",
      "lambda-function-sdk-retry-env archive-archiver",
      "lambda-function-sdk-retry-env archive-compaction",
      "lambda-function-sdk-retry-env stats",
      "lambda-function-timeout-range api-collector",
      "lambda-function-timeout-range api-realtime",
    ]);
  });

  // session.run fails the check when a remediation's properties would not unmarshal in the engine.
  it("keeps a file archive when remediating (the inline archive is the case above)", async () => {
    const code = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialArchiveSig, path: "./dist" };
    const fn: RecordedResource = {
      type: "aws:lambda/function:Function",
      name: "file-fn",
      urn: "urn:pulumi:prod::liveinsight::aws:lambda/function:Function::file-fn",
      inputs: {},
      protect: false,
      dependsOn: [],
      custom: true,
      wire: { inputs: { name: "file-fn", code, memorySize: 10240 }, outputs: {}, id: "", propertyDependencies: {} },
    };
    const config = mergePolicyConfig(session.policies, readPolicyConfigFile(path.join(FIXTURES, "policy-config-remediate.json")));
    const outcome = await session.run([fn], config, {});
    expect(outcome.remediated.map((r) => r.policy)).to.include("lambda-function-memory-range");
  });

  it("preview: no mandatory rule is left unable to run", async () => {
    const report = await checkWith(session, options("prod", { preview: true, policyConfig: path.join(PACK_DIR, "config", "prod.json") }));
    expect(report.notRun).to.deep.equal([]);
    expect(report.mandatory).to.equal(0);
  });
});

describe("policy pack through the real analyzer: a stack with no profile of its own", function () {
  this.timeout(120_000);
  let session: AnalyzerSession;
  before(async () => {
    session = await startSession("qa", false);
  });
  after(() => session?.close());

  it("judges an unknown stack name as prod (fail closed): dev's settings fail prod's rules", async () => {
    const report = await checkWith(session, options("qa", { configFile: path.join(__dirname, "..", "..", "Pulumi.dev.yaml") }));
    expect(report.mandatory).to.be.greaterThan(0);
    expect(report.violations.map((v) => v.message)).to.include(
      'DynamoDB table "tables-events" has pointInTimeRecovery.enabled false; the required value is true.',
    );
  });

  it("follows the liveinsight:environment tag when it says dev", async () => {
    const report = await checkWith(
      session,
      options("qa", {
        configFile: path.join(__dirname, "..", "..", "Pulumi.dev.yaml"),
        tags: { "liveinsight:environment": "dev" },
      }),
    );
    expect(report.violations).to.deep.equal([]);
  });
});

describe("policy pack that cannot start", function () {
  this.timeout(120_000);
  const fakePack = (entry?: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pack-"));
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    if (entry !== undefined) {
      const cmd = path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
      fs.mkdirSync(cmd, { recursive: true });
      fs.writeFileSync(path.join(cmd, "index.js"), entry);
    }
    return dir;
  };
  const start = (packDir: string, timeoutMs = 60_000) =>
    startPack({ packDir, project: "liveinsight", stack: "dev", dryRun: false, timeoutMs }).catch((e) => e);

  it("gives up after the start bound when the pack never serves, with what it printed", async () => {
    const dir = fakePack('console.error("stuck loading plugins"); setInterval(() => {}, 1000);\n');
    const error = await start(dir, 1500);
    expect(error).to.be.instanceOf(PackStartError);
    expect(error.message).to.equal("The policy pack did not start within 1.5 s:\nstuck loading plugins");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("says how to install the pack's dependencies when they are missing", async () => {
    const dir = fakePack();
    const error = await start(dir);
    expect(error.message).to.equal(`The policy pack's dependencies are not installed; run \`npm ci --prefix ${path.basename(dir)}\`.`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports the pack's own TypeScript error instead of hanging", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broken-pack-"));
    for (const file of ["PulumiPolicy.yaml", "package.json", "tsconfig.json"])
      fs.copyFileSync(path.join(PACK_DIR, file), path.join(dir, file));
    fs.symlinkSync(path.join(PACK_DIR, "node_modules"), path.join(dir, "node_modules"));
    fs.writeFileSync(path.join(dir, "index.ts"), 'const n: number = "not a number";\n');
    try {
      const error = await startPack({ packDir: dir, project: "liveinsight", stack: "dev", dryRun: false, timeoutMs: 60_000 }).catch(
        (e) => e,
      );
      expect(error).to.be.instanceOf(PackStartError);
      expect(error.message).to.match(/exited .* before serving:[\s\S]*TS2322: Type 'string' is not assignable to type 'number'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
