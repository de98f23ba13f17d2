import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PACK_NAME, policies } from "../../policy/policies";
import { loadPolicyConfigFile, reconcilePolicyConfig } from "../../scripts/lib/policy-engine";
import { packOf } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const installedVersion = (pkg: string) => JSON.parse(read(`node_modules/${pkg}/package.json`)).version.replace(/^v/, "");

function policySources(dir = "policy"): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
        const file = `${dir}/${entry.name}`;
        if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "config" ? [] : policySources(file);
        return file.endsWith(".ts") ? [file] : [];
    });
}

describe("policy pack conventions", () => {
    it("names every policy <service>-<resource>-<rule> in kebab case, uniquely", () => {
        const names = policies.map((p) => p.name);
        expect(new Set(names).size).to.equal(names.length);
        for (const name of names) {
            expect(name).to.match(/^(lambda|apigatewayv2|cloudwatch|dynamodb|iam)-[a-z0-9]+(-[a-z0-9]+)+$/);
        }
    });

    it("describes each policy as \"Checks that …\" with an explicit enforcement level", () => {
        for (const policy of policies) {
            expect(policy.description, policy.name).to.match(/^Checks that .+\.$/);
            expect(policy.enforcementLevel, policy.name).to.be.oneOf(["advisory", "mandatory", "remediate"]);
        }
    });

    it("gives every config property a default and a description", () => {
        for (const policy of policies) {
            const properties = Object.entries(policy.configSchema?.properties ?? {});
            expect(properties, policy.name).to.not.be.empty;
            expect(properties.map(([k]) => k), policy.name).to.not.include("enforcementLevel");
            for (const [key, schema] of properties) {
                expect(schema.default, `${policy.name}.${key}`).to.not.equal(undefined);
                expect(schema.description, `${policy.name}.${key}`).to.be.a("string");
            }
        }
    });

    it("offers remediation on the memory, timeout and retry rules", () => {
        const remediable = policies.filter((p) => "remediateResource" in p && p.remediateResource).map((p) => p.name);
        expect(remediable).to.deep.equal([
            "lambda-function-memory-range", "lambda-function-timeout-range", "lambda-function-sdk-retry-env",
            "lambda-event-source-mapping-failure-handling",
        ]);
    });

    it("keeps policy/index.ts to building the pack", () => {
        const source = read("policy/index.ts");
        expect(source.match(/from "([^"]+)"/g)).to.deep.equal(['from "@pulumi/policy"', 'from "./policies"']);
        expect(source).to.contain(`new PolicyPack(PACK_NAME, {`);
        expect(read("policy/PulumiPolicy.yaml")).to.match(new RegExp(`^name: ${PACK_NAME}\\nruntime: nodejs\\n`));
    });

    it("stays self-contained so `npm ci --prefix policy` is all the CLI needs", () => {
        for (const file of policySources()) {
            for (const [, target] of read(file).matchAll(/from "([^"]+)"/g)) {
                if (target.startsWith(".")) {
                    expect(path.resolve(ROOT, path.dirname(file), target).startsWith(path.join(ROOT, "policy")), `${file} → ${target}`).to.equal(true);
                } else {
                    expect(target, file).to.match(/^@pulumi\/(policy|pulumi)(\/|$)/);
                }
            }
        }
    });

    it("pins the policy package to the SDK versions installed at the root, with a lockfile", () => {
        const manifest = JSON.parse(read("policy/package.json"));
        expect(manifest.version).to.equal("0.1.0");
        expect(manifest.dependencies).to.deep.equal({
            "@pulumi/policy": installedVersion("@pulumi/policy"), "@pulumi/pulumi": installedVersion("@pulumi/pulumi"),
        });
        const lock = JSON.parse(read("policy/package-lock.json"));
        expect(lock.packages[""].dependencies).to.deep.equal(manifest.dependencies);
        expect(lock.packages["node_modules/@pulumi/policy"].version).to.equal(installedVersion("@pulumi/policy"));
    });
});

describe("policy/config files", () => {
    const pack = packOf();

    for (const stack of ["dev", "prod"]) {
        it(`${stack}.json names only policies of the pack and passes the schemas`, () => {
            const given = loadPolicyConfigFile(path.join(ROOT, "policy", "config", `${stack}.json`));
            expect(Object.keys(given).filter((k) => k !== "all")).to.have.members(policies.map((p) => p.name));
            expect(reconcilePolicyConfig(pack, given).warnings).to.deep.equal([]);
        });
    }

    it("makes every prod rule mandatory", () => {
        const { config } = reconcilePolicyConfig(pack, loadPolicyConfigFile(path.join(ROOT, "policy/config/prod.json")));
        expect(new Set(Object.values(config).map((c) => c.enforcementLevel))).to.deep.equal(new Set(["mandatory"]));
        expect(config["lambda-function-memory-range"].properties).to.deep.equal({ minMemoryMb: 256, maxMemoryMb: 3008 });
        expect(config["dynamodb-table-data-protection"].properties).to.deep.equal({
            requirePointInTimeRecovery: true, requireDeletionProtection: true, requireProtect: true,
        });
    });

    it("keeps dev mostly advisory, mandatory only for IAM wildcards and timeouts past the integration", () => {
        const { config } = reconcilePolicyConfig(pack, loadPolicyConfigFile(path.join(ROOT, "policy/config/dev.json")));
        const mandatory = Object.entries(config).filter(([, c]) => c.enforcementLevel === "mandatory").map(([name]) => name);
        expect(mandatory).to.deep.equal(["lambda-function-timeout-below-integration", "iam-policy-no-wildcards"]);
    });
});
