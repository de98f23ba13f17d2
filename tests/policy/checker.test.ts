import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { main, parseArgs } from "../../scripts/policy-check";
import { loadPolicyConfigFile, reconcilePolicyConfig, runPolicyPack, toAnalyzerResources } from "../../scripts/lib/policy-engine";
import { runProgram } from "../../scripts/lib/program-harness";
import { packOf } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURE = "tests/fixtures/Pulumi.prod-oversized.yaml";
const INVALID_POLICY_CONFIG = "tests/fixtures/policy-config-invalid.json";

async function check(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(argv, { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } });
    return { code, out, err };
}

const OVERSIZED = (fn: string, integration: string) => [
    { policy: "lambda-function-memory-range", message: `Lambda function "${fn}" has memorySize 10240 MB; the allowed range is 256 to 3008 MB.` },
    { policy: "lambda-function-timeout-range", message: `Lambda function "${fn}" has timeout 120 s; the allowed range is 3 to 15 s.` },
    { policy: "lambda-function-sdk-retry-env", message: `Lambda function "${fn}" has environment variable AWS_MAX_ATTEMPTS 25; the allowed range is 1 to 5.` },
    { policy: "lambda-function-timeout-below-integration", message: `Lambda function "${fn}" has timeout 120 s, which is not below the 12000 ms timeout of API integration "${integration}"; the allowed range is 1 to 11 s.` },
];

describe("policy:check arguments", () => {
    it("parses flags in both --flag value and --flag=value form", () => {
        expect(parseArgs(["--stack", "prod", "--json", "--policy-config=p.json", "--config-file", "c.yaml"])).to.deep.equal({
            stack: "prod", json: true, help: false, policyConfig: "p.json", configFile: "c.yaml",
        });
    });

    it("exits 2 with the usage on an unknown flag or a missing --stack", async () => {
        const unknown = await check("--stack", "prod", "--verbose");
        expect(unknown.code).to.equal(2);
        expect(unknown.err).to.match(/^error: unknown argument "--verbose"\n\nUsage: npm run policy:check -- --stack <name>/);
        const missing = await check("--json");
        expect([missing.code, missing.err.split("\n")[0]]).to.deep.equal([2, "error: --stack is required"]);
        const valueless = await check("--stack");
        expect(valueless.err.split("\n")[0]).to.equal("error: --stack needs a value");
    });

    it("prints the usage and exits 0 on --help", async () => {
        const help = await check("--help");
        expect(help.code).to.equal(0);
        expect(help.out).to.contain("Exit status: 0 no mandatory violation, 1 mandatory violation(s), 2 usage or config error.");
    });
});

describe("policy:check end to end", () => {
    it("passes the dev stack with its own policy config", async () => {
        const { code, out, err } = await check("--stack", "dev");
        expect(err).to.equal("");
        expect(out).to.match(/^Policy pack liveinsight@0\.1\.0 · stack dev · policy config policy\/config\/dev\.json · \d+ resources\n\nNo violations\.\n/);
        expect(out.trim().split("\n").pop()).to.equal("0 mandatory, 0 advisory, 0 remediated. PASS.");
        expect(code).to.equal(0);
    });

    it("passes the prod stack, printing exactly the documented JSON shape", async () => {
        const { code, out } = await check("--stack", "prod", "--json");
        expect(JSON.parse(out)).to.deep.equal({
            stack: "prod", policyConfig: "policy/config/prod.json", violations: [], mandatory: 0, advisory: 0, remediations: [],
        });
        expect(code).to.equal(0);
    });

    it("fails the oversized prod fixture (exit 1), naming the memory, timeout and retry rules", async () => {
        const { code, out } = await check("--stack", "prod", "--config-file", FIXTURE, "--json");
        const report = JSON.parse(out);
        expect(Object.keys(report)).to.deep.equal(["stack", "policyConfig", "violations", "mandatory", "advisory", "remediations"]);
        for (const violation of report.violations) {
            expect(Object.keys(violation)).to.deep.equal(["policy", "enforcementLevel", "resourceType", "resourceName", "message"]);
        }
        const expected = [
            ...OVERSIZED("api-realtime", "api-realtime-integration").slice(0, 3).map((v) => ({ ...v, resourceName: "api-realtime" })),
            ...OVERSIZED("api-collector", "api-events-integration").slice(0, 3).map((v) => ({ ...v, resourceName: "api-collector" })),
            { ...OVERSIZED("api-realtime", "api-realtime-integration")[3], resourceName: "api-realtime" },
            { ...OVERSIZED("api-collector", "api-events-integration")[3], resourceName: "api-collector" },
        ].map((v) => ({ policy: v.policy, enforcementLevel: "mandatory", resourceType: "aws:lambda/function:Function", resourceName: v.resourceName, message: v.message }));
        expect(report.violations).to.deep.equal(expected);
        expect([report.mandatory, report.advisory, code]).to.deep.equal([8, 0, 1]);
    });

    it("prints the violations as a table with a summary", async () => {
        const { code, out } = await check("--stack", "prod", "--config-file", FIXTURE);
        const lines = out.trim().split("\n");
        expect(lines[2]).to.match(/^POLICY +LEVEL +RESOURCE +MESSAGE$/);
        expect(lines[3]).to.match(/^lambda-function-memory-range +mandatory +api-realtime +Lambda function "api-realtime" has memorySize 10240 MB; the allowed range is 256 to 3008 MB\.$/);
        expect(lines.pop()).to.equal("8 mandatory, 0 advisory, 0 remediated. FAIL: mandatory violations would block `pulumi up`.");
        expect(code).to.equal(1);
    });

    it("reports remediations when the policy config asks for them", async () => {
        const { code, out } = await check("--stack", "prod", "--config-file", FIXTURE, "--policy-config", "tests/fixtures/policy-config-remediate.json", "--json");
        const report = JSON.parse(out);
        expect(report.violations).to.deep.equal([]);
        expect(report.remediations.map((r: { message: string }) => r.message)).to.deep.equal([
            'Remediated aws:lambda/function:Function "api-realtime": memorySize 10240 → 3008.',
            'Remediated aws:lambda/function:Function "api-realtime": timeout 120 → 11.',
            'Remediated aws:lambda/function:Function "api-realtime": environment.variables.AWS_MAX_ATTEMPTS "25" → "5".',
            'Remediated aws:lambda/function:Function "api-collector": memorySize 10240 → 3008.',
            'Remediated aws:lambda/function:Function "api-collector": timeout 120 → 11.',
            'Remediated aws:lambda/function:Function "api-collector": environment.variables.AWS_MAX_ATTEMPTS "25" → "5".',
        ]);
        expect(code).to.equal(0);
    });

    it("exits 2 with the schema error for an invalid policy config, before running the program", async () => {
        const { code, out, err } = await check("--stack", "prod", "--policy-config", INVALID_POLICY_CONFIG);
        expect(err).to.equal("error: invalid policy config for pack liveinsight:\n  lambda-function-memory-range: maxMemoryMb: Must be less than or equal to 10240\n");
        expect([code, out]).to.deep.equal([2, ""]);
    });

    it("exits 2 when the policy config file is missing or not JSON", async () => {
        const missing = await check("--stack", "prod", "--policy-config", "policy/config/nope.json");
        expect([missing.code, missing.err]).to.deep.equal([2, `error: policy config file ${path.join(ROOT, "policy/config/nope.json")} does not exist\n`]);
        const notJson = await check("--stack", "prod", "--policy-config", FIXTURE);
        expect(notJson.code).to.equal(2);
        expect(notJson.err).to.match(/^error: \/.*Pulumi\.prod-oversized\.yaml is not valid JSON: /);
    });

    it("uses the prod policy config for a stack without its own, and says so", async () => {
        const { code, out, err } = await check("--stack", "staging", "--config-file", "Pulumi.prod.yaml");
        expect(err).to.equal('note: No policy/config/staging.json for stack "staging"; using policy/config/prod.json (the strictest levels and thresholds).\n');
        expect(out).to.contain("· stack staging · policy config policy/config/prod.json ·");
        expect(code).to.equal(0);
    });

    it("exits 2 when the stack has no config file", async () => {
        const { code, err } = await check("--stack", "staging");
        expect(err.split("\n")[1]).to.equal('error: stack staging: No config file for stack "staging": Pulumi.staging.yaml does not exist.');
        expect(code).to.equal(2);
    });

    it("runs as `npm run policy:check` with the documented exit codes", function () {
        this.timeout(60000);
        const run = (args: string[]) => spawnSync("npm", ["run", "--silent", "policy:check", "--", ...args], { cwd: ROOT, encoding: "utf8" });
        const prod = run(["--stack", "prod", "--json"]);
        expect([prod.status, JSON.parse(prod.stdout).mandatory]).to.deep.equal([0, 0]);
        const fixture = run(["--stack", "prod", "--config-file", FIXTURE]);
        expect(fixture.status).to.equal(1);
        for (const rule of ["lambda-function-memory-range", "lambda-function-timeout-range", "lambda-function-sdk-retry-env"]) {
            expect(fixture.stdout).to.contain(rule);
        }
    });
});

describe("stack policies on the real program", () => {
    it("find each function's error alarm and event-invoke config, and report when they are removed", async () => {
        const pack = packOf();
        const { config } = reconcilePolicyConfig(pack, loadPolicyConfigFile(path.join(ROOT, "policy/config/prod.json")));
        const recorded = await runProgram({ stack: "prod" });
        // The Lambda Errors alarms (crashes); the ErrorRate alarms read the functions' own 5xx lines.
        const stripped = recorded.filter((r) => !/-collector-errors$|-realtime-errors$|-invoke-config$/.test(r.name));
        expect(recorded.length - stripped.length).to.equal(4);
        const result = await runPolicyPack(pack, config, await toAnalyzerResources(stripped));
        expect(result.violations.map((v) => `${v.policy} ${v.resourceName}`)).to.deep.equal([
            "lambda-function-event-invoke-config api-realtime",
            "lambda-function-event-invoke-config api-collector",
            "lambda-function-errors-alarm api-realtime",
            "lambda-function-errors-alarm api-collector",
        ]);
    });
});
