/**
 * Offline policy check: runs the Pulumi program under mocks with a stack's config and evaluates the
 * real policy pack (policy/) on every resource, with no Pulumi CLI and no cloud credentials.
 *
 *   npm run policy:check -- --stack <name> [--policy-config <file>] [--config-file <Pulumi.x.yaml>] [--json]
 *
 * Exit 0 = no mandatory violation, 1 = mandatory violation(s), 2 = usage or config error.
 */
import * as fs from "fs";
import * as path from "path";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "../policy/policies";
import {
    loadPolicyConfigFile, PackDefinition, PackResult, PolicyConfigError, reconcilePolicyConfig,
    Remediation, runPolicyPack, toAnalyzerResources, undeclaredProperties, Violation,
} from "./lib/policy-engine";
import { REPO_ROOT, runProgram } from "./lib/program-harness";

export const USAGE = `Usage: npm run policy:check -- --stack <name> [options]

Runs the program offline (Pulumi mocks) with Pulumi.<stack>.yaml and evaluates the policy pack in
policy/ on every resource, as \`pulumi preview --policy-pack policy\` would.

Options:
  --stack <name>           stack whose config to use (required): dev, prod, ...
  --policy-config <file>   policy pack config (default policy/config/<stack>.json,
                           or policy/config/prod.json when the stack has none)
  --config-file <file>     stack config file to use instead of Pulumi.<stack>.yaml
  --json                   print one JSON document instead of the table
  -h, --help               show this help

Exit status: 0 no mandatory violation, 1 mandatory violation(s), 2 usage or config error.`;

export interface CheckOptions {
    stack: string;
    policyConfig?: string;
    configFile?: string;
    json: boolean;
    help: boolean;
}

export interface Io {
    out(text: string): void;
    err(text: string): void;
}

const processIo: Io = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
};

const VALUE_FLAGS: Record<string, "stack" | "policyConfig" | "configFile"> = {
    "--stack": "stack", "--policy-config": "policyConfig", "--config-file": "configFile",
};

export function parseArgs(argv: readonly string[]): CheckOptions {
    const options: Partial<CheckOptions> = { json: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
        if (flag === "--json" || flag === "-h" || flag === "--help") {
            if (inline !== undefined) throw new PolicyConfigError(`${flag} takes no value`);
            options[flag === "--json" ? "json" : "help"] = true;
        } else if (flag in VALUE_FLAGS) {
            const value = inline ?? argv[++i];
            if (value === undefined || value === "" || value.startsWith("--")) {
                throw new PolicyConfigError(`${flag} needs a value`);
            }
            options[VALUE_FLAGS[flag]] = value;
        } else {
            throw new PolicyConfigError(`unknown argument "${argv[i]}"`);
        }
    }
    if (!options.help && !options.stack) {
        throw new PolicyConfigError("--stack is required");
    }
    return options as CheckOptions;
}

export function loadPack(): PackDefinition {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy", "package.json"), "utf8"));
    return { name: PACK_NAME, version: manifest.version, enforcementLevel: PACK_ENFORCEMENT_LEVEL, policies };
}

/** The explicit file, else policy/config/<stack>.json, else the prod file (with a note why). */
export function resolvePolicyConfig(options: CheckOptions): { file: string; note?: string } {
    if (options.policyConfig) {
        return { file: path.resolve(options.policyConfig) };
    }
    const own = path.join(REPO_ROOT, "policy", "config", `${options.stack}.json`);
    if (fs.existsSync(own)) {
        return { file: own };
    }
    const prod = path.join(REPO_ROOT, "policy", "config", "prod.json");
    return {
        file: prod,
        note: `No policy/config/${options.stack}.json for stack "${options.stack}"; using policy/config/prod.json (the strictest levels and thresholds).`,
    };
}

/** Repo-relative when inside the repo (what CI logs show), absolute otherwise. */
function displayPath(file: string): string {
    const relative = path.relative(REPO_ROOT, file);
    return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

export const LEVEL_ORDER: Record<string, number> = { mandatory: 0, advisory: 1 };

function sortedViolations(result: PackResult): Violation[] {
    return [...result.violations].sort((a, b) => LEVEL_ORDER[a.enforcementLevel] - LEVEL_ORDER[b.enforcementLevel]);
}

function counts(result: PackResult) {
    const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    return { mandatory, advisory: result.violations.length - mandatory };
}

export function jsonReport(stack: string, policyConfig: string, result: PackResult) {
    return {
        stack,
        policyConfig,
        violations: sortedViolations(result).map(({ policy, enforcementLevel, resourceType, resourceName, message }) =>
            ({ policy, enforcementLevel, resourceType, resourceName, message })),
        ...counts(result),
        remediations: result.remediations.map(({ policy, resourceType, resourceName, message, changes }) =>
            ({ policy, resourceType, resourceName, message, changes })),
    };
}

function tableRows(violations: Violation[], remediations: Remediation[]): string[][] {
    return [
        ["POLICY", "LEVEL", "RESOURCE", "MESSAGE"],
        ...violations.map((v) => [v.policy, v.enforcementLevel, v.resourceName, v.message]),
        ...remediations.map((r) => [r.policy, "remediate", r.resourceName, r.message]),
    ];
}

export function tableReport(stack: string, policyConfig: string, pack: PackDefinition, resourceCount: number, result: PackResult): string {
    const { mandatory, advisory } = counts(result);
    const lines = [`Policy pack ${pack.name}@${pack.version} · stack ${stack} · policy config ${policyConfig} · ${resourceCount} resources`, ""];
    const rows = tableRows(sortedViolations(result), result.remediations);
    if (rows.length > 1) {
        const widths = [0, 1, 2].map((col) => Math.max(...rows.map((row) => row[col].length)));
        lines.push(...rows.map((row) => row.map((cell, col) => (col < 3 ? cell.padEnd(widths[col]) : cell)).join("  ")), "");
    } else {
        lines.push("No violations.", "");
    }
    const verdict = mandatory > 0 ? "FAIL: mandatory violations would block `pulumi up`" : "PASS";
    lines.push(`${mandatory} mandatory, ${advisory} advisory, ${result.remediations.length} remediated. ${verdict}.`);
    return lines.join("\n");
}

/** Runs the check; returns the exit status instead of exiting so tests can call it. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
    let options: CheckOptions;
    try {
        options = parseArgs(argv);
    } catch (e) {
        io.err(`error: ${(e as Error).message}\n\n${USAGE}`);
        return 2;
    }
    if (options.help) {
        io.out(USAGE);
        return 0;
    }
    const pack = loadPack();
    const { file, note } = resolvePolicyConfig(options);
    if (note) io.err(`note: ${note}`);
    try {
        const given = loadPolicyConfigFile(file);
        const { config, warnings } = reconcilePolicyConfig(pack, given);
        [...warnings, ...undeclaredProperties(pack, given)].forEach((w) => io.err(`warning: ${w}`));
        const recorded = await runProgram({ stack: options.stack, configFile: options.configFile });
        const resources = await toAnalyzerResources(recorded);
        const result = await runPolicyPack(pack, config, resources);
        io.out(options.json
            ? JSON.stringify(jsonReport(options.stack, displayPath(file), result), null, 2)
            : tableReport(options.stack, displayPath(file), pack, resources.length, result));
        return counts(result).mandatory > 0 ? 1 : 0;
    } catch (e) {
        io.err(`error: ${e instanceof PolicyConfigError ? "" : `stack ${options.stack}: `}${(e as Error).message}`);
        return 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
