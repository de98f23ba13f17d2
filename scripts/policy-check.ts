import * as path from "node:path";
import { parseCommandLine, runCli, stringOption, UsageError } from "../lib/cli";
import { PROJECT, type ProgramRun, REPO_ROOT, type RecordedResource, runProgramWithOutputs } from "./lib/program-harness";
import type { WireMap } from "./lib/program-wire";
import { AnalyzerSession } from "./policy/analyzer-plugin";
import { mergePolicyConfig, readPolicyConfigFile } from "./policy/config";
import { buildReport, type Report, tableReport } from "./policy/report";

const USAGE = `Usage: npm run policy:check -- --stack <name> [options]

Runs the program offline (Pulumi mocks) with Pulumi.<stack>.yaml and has the policy pack in policy/
judge every resource through its own analyzer, as \`pulumi preview --policy-pack policy\` would.

Options:
  --stack <name>                stack to check (required): dev, prod, ...
  --policy-pack-config <file>   policy config, as the CLI's flag (default: none; the stack profile applies)
  --preview                     judge the stack as a first preview sees it (AWS-computed values unknown)
  --tag <key=value>             a stack tag (repeatable), e.g. --tag liveinsight:environment=prod
  --config-file <file>          stack config file to use instead of Pulumi.<stack>.yaml
  --json                        print one JSON document instead of the table
  -h, --help                    show this help

Exit status: 0 no mandatory violation, 1 mandatory violation(s), 2 usage, config or pack error.`;

const OPTIONS = {
  stack: { type: "string" },
  "policy-pack-config": { type: "string" },
  preview: { type: "boolean" },
  tag: { type: "string", multiple: true },
  "config-file": { type: "string" },
  json: { type: "boolean" },
} as const;

export type CheckOptions = {
  stack: string;
  policyConfig?: string;
  preview: boolean;
  tags: Record<string, string>;
  configFile?: string;
  json: boolean;
};

export function parseOptions(argv: readonly string[]): CheckOptions | "help" {
  const parsed = parseCommandLine(argv, OPTIONS);
  if (parsed.help) return "help";
  const stack = stringOption(parsed.values, "stack");
  if (!stack) throw new UsageError("--stack is required, e.g. --stack dev.");
  const tags: Record<string, string> = {};
  for (const tag of (parsed.values.tag as string[] | undefined) ?? []) {
    const match = /^([^=]+)=(.*)$/s.exec(tag);
    if (!match) throw new UsageError(`--tag must be key=value, e.g. --tag liveinsight:environment=prod; got "${tag}".`);
    tags[match[1]] = match[2];
  }
  return {
    stack,
    policyConfig: stringOption(parsed.values, "policy-pack-config"),
    preview: parsed.values.preview === true,
    tags,
    configFile: stringOption(parsed.values, "config-file"),
    json: parsed.values.json === true,
  };
}

export const PACK_DIR = path.join(REPO_ROOT, "policy");

/** One check with an already running session (tests reuse one server for many checks). */
export async function checkWith(session: AnalyzerSession, options: CheckOptions, program?: ProgramRun): Promise<Report> {
  const absolute = options.policyConfig && path.resolve(options.policyConfig);
  // Relative to where the user stands (the repo root under npm, as CI logs show it), absolute outside it.
  const file = absolute && (absolute.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), absolute) : absolute);
  const config = mergePolicyConfig(session.policies, file ? readPolicyConfigFile(file) : undefined, file);
  const run = program ?? (await runProgramWithOutputs(options));
  const recorded = [rootStack(options.stack, run.outputs), ...run.resources];
  return buildReport(options.stack, file ?? null, await session.run(recorded, config, options.tags), recorded);
}

/** The root `pulumi:pulumi:Stack`, which AnalyzeStack includes with the stack outputs; mocks register none. */
function rootStack(stack: string, outputs: WireMap): RecordedResource {
  const name = `${PROJECT}-${stack}`;
  return {
    type: "pulumi:pulumi:Stack",
    name,
    urn: `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${name}`,
    inputs: {},
    protect: false,
    dependsOn: [],
    custom: false,
    wire: { inputs: {}, outputs, id: "", propertyDependencies: {} },
  };
}

export function startSession(stack: string, preview: boolean): Promise<AnalyzerSession> {
  return AnalyzerSession.start({ packDir: PACK_DIR, project: PROJECT, stack, dryRun: preview });
}

async function main(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  const options = parseOptions(argv);
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  let session: AnalyzerSession | undefined;
  try {
    // The pack compiles while the program runs: neither needs the other until Configure.
    const program = runProgramWithOutputs(options);
    program.catch(() => undefined); // awaited below, after the pack's own start error if there is one
    session = await startSession(options.stack, options.preview);
    const report = await checkWith(session, options, await program);
    const elapsed = Date.now() - started;
    if (options.json) {
      console.log(JSON.stringify(report, null, 2));
      console.error(`policy:check took ${(elapsed / 1000).toFixed(1)} s`);
    } else {
      const header =
        `Policy pack ${session.packName}@${session.packVersion} · stack ${options.stack}${options.preview ? " (preview)" : ""} · ` +
        `policy config ${report.policyConfig ?? "none (stack profile)"}`;
      console.log(tableReport(report, header, elapsed));
    }
    return report.mandatory > 0 ? 1 : 0;
  } catch (error) {
    // An invalid stack setting (the program's ConfigError) is the user's to fix, as a bad policy config is: exit 2.
    throw (error as Error).name === "ConfigError" ? new UsageError((error as Error).message) : error;
  } finally {
    await session?.close();
  }
}

if (require.main === module) {
  void runCli("policy:check", main);
}
