// Runs the real policy objects without the Pulumi CLI. It reproduces, step by step, what the CLI
// (policy config reconciliation and validation, remediate-then-analyze per resource, analyzeStack
// once) and @pulumi/policy's analyzer server (server.js: props deserialised and wrapped in
// unknownCheckingProxy, enforcement-level resolution, not-applicable handling) do, so the same
// props give the same violations as `pulumi preview --policy-pack policy --policy-pack-config …`.
import * as fs from "fs";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pulumi from "@pulumi/pulumi";
import type {
    EnforcementLevel, Policies, Policy, PolicyResource, PolicyResourceOptions, ReportViolation,
    ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { unknownCheckingProxy } from "@pulumi/policy";

// Internal helpers of @pulumi/policy (exported by its modules, left out of its typings). Using
// them, rather than copies, keeps props shaped exactly as a policy sees them under the CLI.
const policyInternals: {
    isResourcePolicy(p: Policy): p is ResourceValidationPolicy;
    isStackPolicy(p: Policy): p is StackValidationPolicy;
    getPulumiType(o: unknown): string | undefined;
} = require("@pulumi/policy/policy");
const deserialize: {
    deserializeProperties(struct: { toJavaScript(): Record<string, unknown> }, proxySecrets: boolean): Record<string, any>;
    serializeProperties(props: unknown): Promise<Record<string, unknown>>;
} = require("@pulumi/policy/deserialize");
const proxyInternals: { UnknownValueError: new (...args: any[]) => Error } = require("@pulumi/policy/proxy");
const rpc: {
    specialSigKey: string; specialAssetSig: string; specialArchiveSig: string; specialSecretSig: string;
    specialResourceSig: string; specialOutputValueSig: string; unknownValue: string;
} = require("@pulumi/pulumi/runtime/rpc");

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PackDefinition {
    readonly name: string;
    readonly version: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly policies: Policies;
}

/** Usage and configuration problems: the checker exits 2 with this message. */
export class PolicyConfigError extends Error {}

// ---------------------------------------------------------------------------------------------
// Config: parse the --policy-pack-config file, reconcile with schema defaults, validate.
// ---------------------------------------------------------------------------------------------

export interface GivenPolicyConfig { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }
export interface PolicyConfigEntry { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }
export type ReconciledConfig = Record<string, PolicyConfigEntry>;

function parseLevel(policy: string, value: unknown): EnforcementLevel {
    if (typeof value !== "string") {
        throw new PolicyConfigError(`parsing enforcement level for "${policy}": ${JSON.stringify(value)} is not a valid enforcement level; must be a string`);
    }
    if (!ENFORCEMENT_LEVELS.includes(value as EnforcementLevel)) {
        throw new PolicyConfigError(`parsing enforcement level for "${policy}": "${value}" is not a valid enforcement level (one of ${ENFORCEMENT_LEVELS.join(", ")})`);
    }
    return value as EnforcementLevel;
}

/** Same accepted shapes as the CLI: `"policy": "<level>"` or `"policy": {"enforcementLevel"?, …props}`. */
export function parsePolicyConfig(text: string, file: string): Record<string, GivenPolicyConfig> {
    if (text.trim() === "") {
        return {};
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (e) {
        throw new PolicyConfigError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new PolicyConfigError(`${file} must hold a JSON object keyed by policy name`);
    }
    const result: Record<string, GivenPolicyConfig> = {};
    for (const [policy, value] of Object.entries(raw)) {
        if (typeof value === "string") {
            result[policy] = { enforcementLevel: parseLevel(policy, value) };
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            result[policy] = {
                enforcementLevel: enforcementLevel === undefined ? undefined : parseLevel(policy, enforcementLevel),
                properties,
            };
        } else {
            throw new PolicyConfigError(`parsing "${policy}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
    }
    return result;
}

export function loadPolicyConfigFile(file: string): Record<string, GivenPolicyConfig> {
    if (!fs.existsSync(file)) {
        throw new PolicyConfigError(`policy config file ${file} does not exist`);
    }
    return parsePolicyConfig(fs.readFileSync(file, "utf8"), file);
}

/** Schema defaults and each policy's own level (or the pack's), as the CLI starts from. */
function configWithDefaults(pack: PackDefinition): ReconciledConfig {
    const result: ReconciledConfig = {};
    for (const policy of pack.policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) {
                properties[key] = structuredClone(schema.default);
            }
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel ?? pack.enforcementLevel, properties };
    }
    return result;
}

/**
 * Defaults first, then `all` (level only), then each policy's entry (level, then a shallow merge of
 * its properties) — the CLI's precedence: entry level > `all` > policy level > pack level.
 * Returns the config plus warnings; throws PolicyConfigError listing every schema error.
 */
export function reconcilePolicyConfig(
    pack: PackDefinition, given: Record<string, GivenPolicyConfig>,
): { config: ReconciledConfig; warnings: string[] } {
    const config = configWithDefaults(pack);
    const warnings: string[] = [];
    const allLevel = given.all?.enforcementLevel;
    if (allLevel) {
        Object.values(config).forEach((entry) => { entry.enforcementLevel = allLevel; });
    }
    for (const [name, entry] of Object.entries(given)) {
        if (name === "all") {
            continue;
        }
        const target = config[name];
        if (!target) {
            // The CLI forwards unknown names; with no level it then fails with `invalid enforcement level ""`.
            if (!entry.enforcementLevel) {
                throw new PolicyConfigError(`policy config names "${name}", which is not a policy of pack ${pack.name}, and gives it no enforcementLevel (the Pulumi CLI fails with: invalid enforcement level "")`);
            }
            warnings.push(`policy config names "${name}", which is not a policy of pack ${pack.name}; it is ignored`);
            continue;
        }
        target.enforcementLevel = entry.enforcementLevel ?? target.enforcementLevel;
        Object.assign(target.properties, entry.properties ?? {});
    }
    const errors = pack.policies.flatMap((policy) => validatePolicyProperties(policy, config[policy.name].properties));
    if (errors.length > 0) {
        throw new PolicyConfigError(`invalid policy config for pack ${pack.name}:\n${errors.map((e) => `  ${e}`).join("\n")}`);
    }
    return { config, warnings };
}

/** Like the CLI: the policy's schema wrapped as `{type: object, properties, required}`. */
function validatePolicyProperties(policy: Policy, properties: Record<string, unknown>): string[] {
    if (!policy.configSchema) {
        return [];
    }
    const schema: PolicyConfigJSONSchema = {
        type: "object", properties: policy.configSchema.properties, required: policy.configSchema.required,
    };
    return validateJsonSchema(schema, properties, "(root)").map((e) => `${policy.name}: ${e.replace(/^\(root\): /, "")}`);
}

function jsonTypeOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
    return expected === actual || (expected === "number" && actual === "integer");
}

const childPath = (path: string, key: string | number) => (path === "(root)" ? String(key) : `${path}.${key}`);

/** The JSON-schema subset policy config schemas use, with gojsonschema's wording. */
export function validateJsonSchema(schema: PolicyConfigJSONSchema, value: unknown, path = "(root)"): string[] {
    const actual = jsonTypeOf(value);
    if (schema.type !== undefined) {
        const expected = Array.isArray(schema.type) ? schema.type : [schema.type];
        if (!expected.some((t) => typeMatches(t, actual))) {
            return [`${path}: Invalid type. Expected: ${expected.join(", ")}, given: ${actual}`];
        }
    }
    const errors: string[] = [];
    if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
        errors.push(`${path}: must be one of the following: ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: Must be greater than or equal to ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: Must be less than or equal to ${schema.maximum}`);
    }
    if (Array.isArray(value) && schema.items !== undefined && typeof schema.items === "object" && !Array.isArray(schema.items)) {
        const items = schema.items;
        value.forEach((item, i) => errors.push(...validateJsonSchema(items, item, childPath(path, i))));
    }
    if (actual === "object") {
        errors.push(...validateObject(schema, value as Record<string, unknown>, path));
    }
    return errors;
}

function validateObject(schema: PolicyConfigJSONSchema, value: Record<string, unknown>, path: string): string[] {
    const errors: string[] = [];
    for (const key of schema.required ?? []) {
        if (!(key in value)) errors.push(`${path}: ${key} is required`);
    }
    for (const [key, item] of Object.entries(value)) {
        const propertySchema = schema.properties?.[key];
        if (propertySchema !== undefined) {
            if (typeof propertySchema === "object") errors.push(...validateJsonSchema(propertySchema, item, childPath(path, key)));
        } else if (schema.additionalProperties === false) {
            errors.push(`${path}: Additional property ${key} is not allowed`);
        } else if (typeof schema.additionalProperties === "object") {
            errors.push(...validateJsonSchema(schema.additionalProperties, item, childPath(path, key)));
        }
    }
    return errors;
}

/** Property names a config file sets that no schema declares (the CLI accepts them silently). */
export function undeclaredProperties(pack: PackDefinition, given: Record<string, GivenPolicyConfig>): string[] {
    return pack.policies.flatMap((policy) => Object.keys(given[policy.name]?.properties ?? {})
        .filter((key) => !(key in (policy.configSchema?.properties ?? {})))
        .map((key) => `${policy.name}: property "${key}" is not in the policy's configSchema and has no effect`));
}

// ---------------------------------------------------------------------------------------------
// Resources: recorded program resources → the wire form the engine sends to the analyzer.
// ---------------------------------------------------------------------------------------------

/** What scripts/lib/program-harness.ts records for each registered resource. */
export interface RecordedResourceLike {
    type: string;
    name: string;
    urn: string;
    parent?: string;
    inputs: Record<string, any>;
    outputs?: Record<string, any>;
    protect: boolean;
    dependsOn: string[];
    propertyDependencies?: Record<string, string[]>;
    provider?: string;
}

export interface AnalyzerResource {
    type: string;
    name: string;
    urn: string;
    /** Inputs in wire form; remediations replace them, as the engine does. */
    props: Record<string, unknown>;
    /** Outputs in wire form for stack policies (the engine analyses the stack from outputs). */
    outputs: Record<string, unknown>;
    protect: boolean;
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    providerUrn?: string;
}

async function wireAsset(value: pulumi.asset.Asset | pulumi.asset.Archive): Promise<Record<string, unknown>> {
    const v = value as unknown as Record<string, Promise<unknown> | undefined>;
    const isAsset = pulumi.asset.Asset.isInstance(value);
    const wire: Record<string, unknown> = { [rpc.specialSigKey]: isAsset ? rpc.specialAssetSig : rpc.specialArchiveSig };
    for (const key of ["path", "text", "uri", "assets"]) {
        if (v[key] !== undefined) wire[key] = await toWire(await v[key]);
    }
    return wire;
}

/** Resource references and output values flattened the way the engine marshals analyzer props. */
async function wireSpecial(value: Record<string, unknown>): Promise<unknown> {
    switch (value[rpc.specialSigKey]) {
        case rpc.specialSecretSig:
            return { [rpc.specialSigKey]: rpc.specialSecretSig, value: (await toWire(value.value)) ?? null };
        case rpc.specialResourceSig:
            return value.id !== undefined && value.id !== "" ? value.id : value.urn;
        case rpc.specialOutputValueSig:
            return "value" in value ? toWire(value.value) : rpc.unknownValue;
        default:
            return value;
    }
}

/**
 * Plain JSON as the engine marshals analyzer properties: undefined dropped, internal `__` keys
 * skipped, assets/archives and secrets under their signature keys, unknowns as the sentinel.
 */
export async function toWire(value: unknown): Promise<unknown> {
    if (value === undefined || typeof value === "function") return undefined;
    if (value === null || typeof value !== "object") return value;
    if (value instanceof Promise) return toWire(await value);
    if (pulumi.Output.isInstance(value)) {
        // isKnown/promise are the SDK's internal view of an Output; the mocks resolve them.
        const output = value as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
        return (await output.isKnown) ? toWire(await output.promise()) : rpc.unknownValue;
    }
    if (pulumi.CustomResource.isInstance(value)) return toWire(value.id);
    if (pulumi.ComponentResource.isInstance(value)) return toWire(value.urn);
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return wireAsset(value);
    if (Array.isArray(value)) {
        return Promise.all((value as unknown[]).map(async (item) => (await toWire(item)) ?? null));
    }
    const record = value as Record<string, unknown>;
    if (typeof record[rpc.specialSigKey] === "string") return wireSpecial(record);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
        const wired = key.startsWith("__") ? undefined : await toWire(item);
        if (wired !== undefined) result[key] = wired;
    }
    return result;
}

/** Provider references look like `<provider urn>::<id>`. */
const providerUrnOf = (reference: string | undefined) => reference?.replace(/::[^:]*$/, "");

export async function toAnalyzerResources(recorded: readonly RecordedResourceLike[]): Promise<AnalyzerResource[]> {
    return Promise.all(recorded.map(async (r) => {
        const props = ((await toWire(r.inputs)) ?? {}) as Record<string, unknown>;
        const outputs = r.outputs === undefined ? props : ((await toWire({ ...r.inputs, ...r.outputs })) ?? {}) as Record<string, unknown>;
        return {
            type: r.type, name: r.name, urn: r.urn, props, outputs, protect: r.protect, parent: r.parent,
            dependencies: [...r.dependsOn], propertyDependencies: r.propertyDependencies ?? {},
            providerUrn: providerUrnOf(r.provider),
        };
    }));
}

// ---------------------------------------------------------------------------------------------
// Running the pack.
// ---------------------------------------------------------------------------------------------

export interface Violation {
    policy: string;
    enforcementLevel: "advisory" | "mandatory";
    resourceType: string;
    resourceName: string;
    urn: string;
    message: string;
}

export interface Remediation {
    policy: string;
    resourceType: string;
    resourceName: string;
    urn: string;
    /** Top-level inputs the remediation changed, before → after. */
    changes: { property: string; before: unknown; after: unknown }[];
    message: string;
}

export interface PackResult {
    violations: Violation[];
    remediations: Remediation[];
}

class NotApplicableError extends Error {}
const throwNotApplicable = (reason?: string): never => { throw new NotApplicableError(reason ?? "Policy does not apply"); };
const noStackTags: ReadonlyMap<string, string> = new Map();

/** Deserialise exactly as the policy server does for a request's properties. */
function policyProps(wire: Record<string, unknown>, proxySecrets: boolean): Record<string, any> {
    const struct = Struct.fromJavaScript(wire as Parameters<typeof Struct.fromJavaScript>[0]);
    return unknownCheckingProxy(deserialize.deserializeProperties(struct, proxySecrets));
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    const pulumiType = policyInternals.getPulumiType(resourceClass);
    if (pulumiType) return type === pulumiType;
    const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function resourceOptions(r: AnalyzerResource): PolicyResourceOptions {
    const opts: PolicyResourceOptions = {
        protect: r.protect, ignoreChanges: [], aliases: [], additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    };
    if (r.parent) opts.parent = r.parent;
    return opts;
}

interface RunContext {
    pack: PackDefinition;
    config: ReconciledConfig;
    byUrn: Map<string, AnalyzerResource>;
    stackUrn: string;
    result: PackResult;
}

function levelOf(ctx: RunContext, policy: Policy): EnforcementLevel {
    return ctx.config[policy.name]?.enforcementLevel || policy.enforcementLevel || ctx.pack.enforcementLevel;
}

function getConfigFor(ctx: RunContext, policy: Policy) {
    return <T extends object>() => structuredClone(ctx.config[policy.name]?.properties ?? {}) as T;
}

function describeUrn(ctx: RunContext, urn: string): { resourceType: string; resourceName: string } {
    const r = ctx.byUrn.get(urn);
    if (r) return { resourceType: r.type, resourceName: r.name };
    // urn:pulumi:<stack>::<project>::<parent$type>::<name>
    const [, , qualifiedType = "", ...name] = urn.split("::");
    return { resourceType: qualifiedType.split("$").pop() ?? "", resourceName: name.join("::") };
}

function reporter(ctx: RunContext, policy: Policy, level: EnforcementLevel, fixedUrn?: string): ReportViolation {
    return (message: string, urn?: string) => {
        const target = fixedUrn ?? urn ?? ctx.stackUrn;
        ctx.result.violations.push({
            policy: policy.name, enforcementLevel: level === "advisory" ? "advisory" : "mandatory",
            ...describeUrn(ctx, target), urn: target, message,
        });
    };
}

function providerOf(ctx: RunContext, r: AnalyzerResource) {
    const p = r.providerUrn ? ctx.byUrn.get(r.providerUrn) : undefined;
    return p && { type: p.type, name: p.name, urn: p.urn, props: policyProps(p.props, false) };
}

function resourceArgs(ctx: RunContext, policy: Policy, r: AnalyzerResource, props: Record<string, any>): ResourceValidationArgs {
    const args: ResourceValidationArgs = {
        type: r.type, props, urn: r.urn, name: r.name, opts: resourceOptions(r), stackTags: noStackTags,
        isType: (cls) => isTypeOf(r.type, cls),
        asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: getConfigFor(ctx, policy),
        notApplicable: throwNotApplicable,
    };
    const provider = providerOf(ctx, r);
    if (provider) args.provider = provider;
    return args;
}

/** UnknownValueError → advisory "can't run … during preview"; not-applicable → nothing; else fatal. */
function handlePolicyError(ctx: RunContext, policy: Policy, kind: string, urn: string, e: unknown): void {
    const from = `${kind} '${policy.name}' from policy pack '${ctx.pack.name}@v${ctx.pack.version}'`;
    if (e instanceof proxyInternals.UnknownValueError) {
        ctx.result.violations.push({
            policy: policy.name, enforcementLevel: "advisory", ...describeUrn(ctx, urn), urn,
            message: `can't run ${from} during preview: ${(e as Error).message}`,
        });
    } else if (!(e instanceof NotApplicableError)) {
        const detail = e instanceof Error ? e.stack ?? e.message : String(e);
        throw new Error(`Error ${kind === "remediation" ? "remediating" : "validating"} resource with ${from}:\n${detail}`);
    }
}

function appliesTo(fn: unknown, type: string): boolean {
    const pulumiType = policyInternals.getPulumiType(fn);
    return !pulumiType || pulumiType === type;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as Record<string, unknown>)[rpc.specialSigKey] !== "string";

/** Leaf-level differences as dotted paths (`environment.variables.AWS_MAX_ATTEMPTS`). */
function changedProperties(before: unknown, after: unknown, prefix = ""): Remediation["changes"] {
    if (isPlainObject(before) && isPlainObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
        return keys.flatMap((k) => changedProperties(before[k], after[k], prefix ? `${prefix}.${k}` : k));
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ property: prefix, before, after }];
}

async function remediateResource(ctx: RunContext, r: AnalyzerResource): Promise<void> {
    for (const policy of ctx.pack.policies) {
        if (levelOf(ctx, policy) !== "remediate" || !policyInternals.isResourcePolicy(policy)) continue;
        const remediate = policy.remediateResource;
        if (!remediate || !appliesTo(remediate, r.type)) continue;
        let result: Record<string, any> | void | undefined;
        try {
            result = await remediate(resourceArgs(ctx, policy, r, policyProps(r.props, true)));
        } catch (e) {
            handlePolicyError(ctx, policy, "remediation", r.urn, e);
            continue;
        }
        if (!result) continue;
        const after = (await deserialize.serializeProperties(result)) as Record<string, unknown>;
        const changes = changedProperties(r.props, after);
        const summary = changes.map((c) => `${c.property} ${JSON.stringify(c.before) ?? "(not set)"} → ${JSON.stringify(c.after)}`);
        ctx.result.remediations.push({
            policy: policy.name, resourceType: r.type, resourceName: r.name, urn: r.urn, changes,
            message: `Remediated ${r.type} "${r.name}": ${summary.join(", ") || "no property changed"}.`,
        });
        r.props = after;
        r.outputs = { ...r.outputs, ...after };
    }
}

async function analyzeResource(ctx: RunContext, r: AnalyzerResource): Promise<void> {
    for (const policy of ctx.pack.policies) {
        const level = levelOf(ctx, policy);
        if (level === "disabled" || !policyInternals.isResourcePolicy(policy) || !policy.validateResource) continue;
        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        if (validations.length === 1 && !appliesTo(validations[0], r.type)) continue;
        // A remediation that still leaves a violation is reported as mandatory.
        const report = reporter(ctx, policy, level === "remediate" ? "mandatory" : level, r.urn);
        for (const validate of validations) {
            try {
                await validate(resourceArgs(ctx, policy, r, policyProps(r.props, false)), report);
            } catch (e) {
                handlePolicyError(ctx, policy, "policy", r.urn, e);
            }
        }
    }
}

/** PolicyResource objects linked by URN, as the server builds them for analyzeStack. */
function stackResources(ctx: RunContext, resources: readonly AnalyzerResource[]): PolicyResource[] {
    const built = new Map<string, PolicyResource>();
    for (const r of resources) {
        const props = policyProps(r.outputs, false);
        const resource: PolicyResource = {
            type: r.type, props, urn: r.urn, name: r.name, opts: resourceOptions(r), dependencies: [], propertyDependencies: {},
            isType: (cls) => isTypeOf(r.type, cls),
            asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
        };
        const provider = providerOf(ctx, r);
        if (provider) resource.provider = provider;
        built.set(r.urn, resource);
    }
    const lookup = (urns: readonly string[]) => urns.map((u) => built.get(u)).filter((x): x is PolicyResource => !!x);
    for (const r of resources) {
        const resource = built.get(r.urn)!;
        if (r.parent && built.has(r.parent)) resource.parent = built.get(r.parent);
        resource.dependencies = lookup(r.dependencies);
        for (const [key, urns] of Object.entries(r.propertyDependencies)) resource.propertyDependencies[key] = lookup(urns);
    }
    return [...built.values()];
}

async function analyzeStack(ctx: RunContext, resources: readonly AnalyzerResource[]): Promise<void> {
    for (const policy of ctx.pack.policies) {
        const level = levelOf(ctx, policy);
        if (level === "disabled" || !policyInternals.isStackPolicy(policy)) continue;
        const pulumiType = policyInternals.getPulumiType(policy.validateStack);
        if (pulumiType && !resources.some((r) => r.type === pulumiType)) continue;
        const report = reporter(ctx, policy, level === "remediate" ? "mandatory" : level);
        try {
            await policy.validateStack({
                resources: stackResources(ctx, resources), getConfig: getConfigFor(ctx, policy),
                stackTags: noStackTags, notApplicable: throwNotApplicable,
            }, report);
        } catch (e) {
            handlePolicyError(ctx, policy, "policy", ctx.stackUrn, e);
        }
    }
}

/** The root stack's URN, derived from any resource URN when the stack resource was not recorded. */
function rootStackUrn(resources: readonly AnalyzerResource[]): string {
    const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    if (root || resources.length === 0) return root?.urn ?? "";
    const [prefix, project] = resources[0].urn.split("::");
    const stack = prefix.replace(/^urn:pulumi:/, "");
    return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/** Remediate then analyse each resource in registration order, then run stack policies once. */
export async function runPolicyPack(
    pack: PackDefinition, config: ReconciledConfig, resources: AnalyzerResource[], stackUrn?: string,
): Promise<PackResult> {
    const ctx: RunContext = {
        pack, config, byUrn: new Map(resources.map((r) => [r.urn, r])),
        stackUrn: stackUrn ?? rootStackUrn(resources),
        result: { violations: [], remediations: [] },
    };
    for (const r of resources) {
        await remediateResource(ctx, r);
        await analyzeResource(ctx, r);
    }
    await analyzeStack(ctx, resources);
    return ctx.result;
}
