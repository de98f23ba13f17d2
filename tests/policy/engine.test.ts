import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import {
    PackDefinition, parsePolicyConfig, PolicyConfigError, reconcilePolicyConfig, runPolicyPack, toWire,
    undeclaredProperties, validateJsonSchema,
} from "../../scripts/lib/policy-engine";
import { packOf, runWith, stackWith, toResources, goodSpecs, UNKNOWN } from "./fixtures";

const SIG = "4dabf18193072939515e22adb298388d";

describe("policy engine: config reconciliation", () => {
    const pack = packOf();

    it("starts from each policy's own level and its schema defaults", () => {
        const { config } = reconcilePolicyConfig(pack, {});
        expect(config["lambda-function-memory-range"]).to.deep.equal({
            enforcementLevel: "mandatory", properties: { minMemoryMb: 128, maxMemoryMb: 3008 },
        });
        expect(config["lambda-function-sdk-retry-env"].properties).to.deep.equal({
            minAttempts: 1, maxAttempts: 10, allowedRetryModes: ["standard", "adaptive"],
        });
        expect(Object.keys(config)).to.deep.equal(policies.map((p) => p.name));
    });

    it("merges a policy's properties over the defaults, key by key", () => {
        const { config } = reconcilePolicyConfig(pack, { "lambda-function-memory-range": { properties: { maxMemoryMb: 1024 } } });
        expect(config["lambda-function-memory-range"].properties).to.deep.equal({ minMemoryMb: 128, maxMemoryMb: 1024 });
    });

    it("applies levels with the CLI's precedence: entry > all > policy > pack", () => {
        const bare: ResourceValidationPolicy = { name: "bare-policy", description: "Checks that nothing.", validateResource: () => undefined };
        const custom: PackDefinition = { ...pack, enforcementLevel: "advisory", policies: [bare, ...pack.policies] };
        expect(reconcilePolicyConfig(custom, {}).config["bare-policy"].enforcementLevel).to.equal("advisory");
        const given = parsePolicyConfig(JSON.stringify({ all: "disabled", "lambda-function-timeout-range": "remediate" }), "x.json");
        const { config } = reconcilePolicyConfig(custom, given);
        expect(config["bare-policy"].enforcementLevel).to.equal("disabled");
        expect(config["lambda-function-memory-range"].enforcementLevel).to.equal("disabled");
        expect(config["lambda-function-timeout-range"].enforcementLevel).to.equal("remediate");
        expect(config).to.not.have.property("all");
    });

    it("accepts `all` in object form", () => {
        const { config } = reconcilePolicyConfig(pack, parsePolicyConfig('{"all": {"enforcementLevel": "advisory"}}', "x.json"));
        expect(new Set(Object.values(config).map((c) => c.enforcementLevel))).to.deep.equal(new Set(["advisory"]));
    });

    it("rejects a merged config that breaks a policy's schema, listing every error", () => {
        const given = parsePolicyConfig(JSON.stringify({
            "lambda-function-memory-range": { maxMemoryMb: 20000, minMemoryMb: "big" },
            "lambda-function-sdk-retry-env": { allowedRetryModes: ["fast"] },
        }), "x.json");
        expect(() => reconcilePolicyConfig(pack, given)).to.throw(PolicyConfigError,
            "invalid policy config for pack liveinsight:\n" +
            "  lambda-function-memory-range: minMemoryMb: Invalid type. Expected: integer, given: string\n" +
            "  lambda-function-memory-range: maxMemoryMb: Must be less than or equal to 10240\n" +
            '  lambda-function-sdk-retry-env: allowedRetryModes.0: must be one of the following: "standard", "adaptive", "legacy"');
    });

    it("rejects enforcement levels that do not exist", () => {
        expect(() => parsePolicyConfig('{"all": "strict"}', "x.json")).to.throw(PolicyConfigError,
            'parsing enforcement level for "all": "strict" is not a valid enforcement level (one of advisory, mandatory, remediate, disabled)');
        expect(() => parsePolicyConfig('{"a": {"enforcementLevel": 3}}', "x.json")).to.throw(PolicyConfigError,
            'parsing enforcement level for "a": 3 is not a valid enforcement level; must be a string');
    });

    it("rejects values that are neither a level nor an object, and files that are not JSON", () => {
        expect(() => parsePolicyConfig('{"a": 5}', "x.json")).to.throw(PolicyConfigError, 'parsing "a": 5 is not a valid value; must be a string or object');
        expect(() => parsePolicyConfig("{oops", "bad.json")).to.throw(PolicyConfigError, /^bad\.json is not valid JSON: /);
        expect(parsePolicyConfig("  \n", "empty.json")).to.deep.equal({});
    });

    it("warns about unknown policy names with a level and fails without one, as the CLI would", () => {
        expect(reconcilePolicyConfig(pack, { "lambda-typo": { enforcementLevel: "advisory" } }).warnings).to.deep.equal([
            'policy config names "lambda-typo", which is not a policy of pack liveinsight; it is ignored',
        ]);
        expect(() => reconcilePolicyConfig(pack, { "lambda-typo": { properties: { x: 1 } } })).to.throw(PolicyConfigError, /invalid enforcement level ""/);
    });

    it("lists properties that no schema declares", () => {
        expect(undeclaredProperties(pack, { "lambda-function-memory-range": { properties: { maxMemroyMb: 1 } } })).to.deep.equal([
            'lambda-function-memory-range: property "maxMemroyMb" is not in the policy\'s configSchema and has no effect',
        ]);
    });
});

describe("policy engine: JSON schema subset", () => {
    it("checks required and additionalProperties", () => {
        const schema = { type: "object" as const, required: ["a"], properties: { a: { type: "number" as const } }, additionalProperties: false };
        expect(validateJsonSchema(schema, { b: 1 })).to.deep.equal(["(root): a is required", "(root): Additional property b is not allowed"]);
        expect(validateJsonSchema(schema, { a: 1.5 })).to.deep.equal([]);
        expect(validateJsonSchema(schema, [])).to.deep.equal(["(root): Invalid type. Expected: object, given: array"]);
    });

    it("checks minimum, maximum and integer", () => {
        const schema = { type: "integer" as const, minimum: 1, maximum: 5 };
        expect(validateJsonSchema(schema, 0, "n")).to.deep.equal(["n: Must be greater than or equal to 1"]);
        expect(validateJsonSchema(schema, 2.5, "n")).to.deep.equal(["n: Invalid type. Expected: integer, given: number"]);
    });

    it("accepts every policy's own defaults", () => {
        for (const policy of policies) {
            for (const [key, property] of Object.entries(policy.configSchema!.properties)) {
                expect(validateJsonSchema(property, property.default, key), `${policy.name}.${key}`).to.deep.equal([]);
            }
        }
    });
});

describe("policy engine: props as the policy server builds them", () => {
    it("drops undefined and internal keys, keeps assets and archives under their signatures", async () => {
        const wire = await toWire({
            a: undefined, __defaults: [], b: [undefined, 1], code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("x") }),
        });
        expect(wire).to.deep.equal({
            b: [null, 1],
            code: { [SIG]: "0def7320c3a5731c473e5ecbe6d01bc7", assets: { "index.js": { [SIG]: "c44067f5952c0a294b673a41bacd8c17", text: "x" } } },
        });
    });

    it("unwraps secrets so policies read plain values", async () => {
        const resources = stackWith("collector", (p) => { p.memorySize = { [SIG]: "1b47061264138c4ac30d75fd1eb44270", value: 10240 }; });
        const result = await runWith(resources, {}, "lambda-function-memory-range");
        expect(result.violations.map((v) => v.message)).to.deep.equal([
            'Lambda function "collector" has memorySize 10240 MB; the allowed range is 128 to 3008 MB.',
        ]);
    });

    it("turns an unknown value read during preview into an advisory, like the CLI", async () => {
        const resources = stackWith("collector", (p) => { p.memorySize = UNKNOWN; });
        const result = await runWith(resources, {}, "lambda-function-memory-range");
        expect(result.violations).to.deep.equal([{
            policy: "lambda-function-memory-range", enforcementLevel: "advisory", resourceType: "aws:lambda/function:Function",
            resourceName: "collector", urn: "urn:pulumi:test::liveinsight::aws:lambda/function:Function::collector",
            message: "can't run policy 'lambda-function-memory-range' from policy pack 'liveinsight@v0.1.0' during preview: string value at .memorySize can't be known during preview",
        }]);
    });

    it("gives resource policies the engine's argument shape", async () => {
        let seen: Record<string, unknown> = {};
        const probe: ResourceValidationPolicy = {
            name: "probe-resource-args", description: "Checks that nothing.", enforcementLevel: "advisory",
            validateResource: (args) => { seen = { ...args, props: { ...args.props }, config: args.getConfig() }; },
        };
        const pack: PackDefinition = { name: "t", version: "1.0.0", enforcementLevel: "advisory", policies: [probe] };
        const [table] = toResources({ events: { ...goodSpecs().events } });
        table.parent = "urn:pulumi:test::liveinsight::liveinsight:storage:AnalyticsTables::tables";
        await runPolicyPack(pack, reconcilePolicyConfig(pack, {}).config, [table]);
        expect(seen).to.include({ type: "aws:dynamodb/table:Table", name: "events", urn: table.urn });
        expect(seen.opts).to.deep.equal({
            protect: true, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], parent: table.parent,
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        });
        expect(seen.config).to.deep.equal({});
        expect(seen.props).to.deep.equal(goodSpecs().events.props);
    });
});

describe("policy engine: enforcement levels", () => {
    const oversized = () => stackWith("collector", (p) => { p.memorySize = 10240; p.timeout = 120; });

    it("skips disabled policies", async () => {
        const result = await runWith(oversized(), { all: { enforcementLevel: "disabled" } });
        expect(result).to.deep.equal({ violations: [], remediations: [] });
    });

    it("reports advisory violations as advisory", async () => {
        const result = await runWith(oversized(), { "lambda-function-memory-range": { enforcementLevel: "advisory" } }, "lambda-function-memory-range");
        expect(result.violations.map((v) => v.enforcementLevel)).to.deep.equal(["advisory"]);
    });

    it("remediates first, then analyses the remediated props", async () => {
        const result = await runWith(oversized(), {
            "lambda-function-memory-range": { enforcementLevel: "remediate", properties: { maxMemoryMb: 1024 } },
            "lambda-function-timeout-range": { enforcementLevel: "remediate", properties: { maxTimeoutSeconds: 11 } },
        });
        expect(result.violations).to.deep.equal([]);
        expect(result.remediations.map((r) => r.message)).to.deep.equal([
            'Remediated aws:lambda/function:Function "collector": memorySize 10240 → 1024.',
            'Remediated aws:lambda/function:Function "collector": timeout 120 → 11.',
        ]);
        expect(result.remediations[1].changes).to.deep.equal([{ property: "timeout", before: 120, after: 11 }]);
    });

    it("reports a violation left after remediation as mandatory", async () => {
        const resources = stackWith("clicks-mapping", (p) => { delete p.destinationConfig; p.maximumRetryAttempts = -1; });
        const result = await runWith(resources, { "lambda-event-source-mapping-failure-handling": { enforcementLevel: "remediate" } },
            "lambda-event-source-mapping-failure-handling");
        expect(result.remediations.map((r) => r.message)).to.deep.equal([
            'Remediated aws:lambda/eventSourceMapping:EventSourceMapping "clicks-mapping": maximumRetryAttempts -1 → 10.',
        ]);
        expect(result.violations.map((v) => [v.enforcementLevel, v.message])).to.deep.equal([["mandatory",
            'Event source mapping "clicks-mapping" has no on-failure destination (destinationConfig.onFailure.destinationArn is not set); one is required so records that exhaust their retries are kept.']]);
    });

    it("attributes a stack-policy violation without a URN to the root stack", async () => {
        const probe: StackValidationPolicy = {
            name: "probe-stack", description: "Checks that nothing.", enforcementLevel: "advisory",
            validateStack: (_args, report) => report("The stack as a whole is wrong."),
        };
        const pack: PackDefinition = { name: "t", version: "1.0.0", enforcementLevel: "advisory", policies: [probe] };
        const result = await runPolicyPack(pack, reconcilePolicyConfig(pack, {}).config, stackWith());
        expect(result.violations).to.deep.equal([{
            policy: "probe-stack", enforcementLevel: "advisory", resourceType: "pulumi:pulumi:Stack", resourceName: "liveinsight-test",
            urn: "urn:pulumi:test::liveinsight::pulumi:pulumi:Stack::liveinsight-test", message: "The stack as a whole is wrong.",
        }]);
    });

    it("attributes stack-policy violations to the resource they name", async () => {
        const specs = goodSpecs();
        delete specs["collector-error-rate"];
        const result = await runWith(toResources(specs), {}, "lambda-function-errors-alarm");
        expect(result.violations.map(({ resourceType, resourceName, enforcementLevel }) => ({ resourceType, resourceName, enforcementLevel })))
            .to.deep.equal([{ resourceType: "aws:lambda/function:Function", resourceName: "collector", enforcementLevel: "mandatory" }]);
    });
});
