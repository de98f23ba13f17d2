/**
 * `npm run preflight -- --stack <name>`: the deploy prerequisites a first `pulumi up` would trip
 * over, checked with the caller's AWS credentials (USAGE lists them). Exit 0 ready, 1 problems, 2 usage.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseConfig } from "../config";
import { parseCommandLine, runCli, stringOption, UsageError } from "../lib/cli";
import { REPO_ROOT, stackFileConfig, stackSettings } from "../lib/stack-file";
import { type PreflightClients, realClients } from "./preflight/aws";
import { runPreflight } from "./preflight/checks";

export const USAGE = `Usage: npm run preflight -- --stack <name>

Checks what a first \`pulumi up\` needs, with the AWS credentials of the caller (read-only calls:
sts:GetCallerIdentity, lambda:GetAccountSettings, lambda:GetFunctionConcurrency, iam:GetRole,
iam:SimulatePrincipalPolicy):
  region        aws:region is set in Pulumi.<stack>.yaml and is a region name
  identity      the credentials are valid; prints the account and role
  concurrency   2 x reservedConcurrency + the 100 AWS keeps unreserved fit the account's quota
  log-delivery  the caller may set up the stage's access-log delivery (IAM's policy simulator)
  alarm-email   liveinsight:alarmEmail is a real address, not a placeholder like oncall@example.com
  cors-origins  liveinsight:corsOrigins lists real sites, not placeholders like https://www.example.com
                (RFC 2606 names), and no localhost origin outside a dev* stack
  sites         liveinsight:sites lists at least one site, no placeholder host like example.com,
                and no localhost host outside a dev* stack

Options:
  --stack <name>   stack whose config to check (required): dev, prod, ...
  -h, --help       show this help

Exit status: 0 ready to deploy, 1 problem(s) found (one sentence each, with its fix), 2 usage or config error.`;

export interface PreflightIo {
  root: string;
  clients: (region: string) => PreflightClients;
  out: (line: string) => void;
}

const defaultIo: PreflightIo = { root: REPO_ROOT, clients: realClients, out: (line) => process.stdout.write(`${line}\n`) };

/** Pulumi.<stack>.yaml's liveinsight:* keys through config.ts's own parser, and its aws:region; a bad file is a UsageError. */
function readStack(stack: string, root: string) {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(file))
    throw new UsageError(`Pulumi.${stack}.yaml does not exist; create it with \`pulumi stack init ${stack}\` and set its config.`);
  try {
    return { config: parseConfig(stackSettings(stack, root, true), stack), region: String(stackFileConfig(file)["aws:region"] ?? "") };
  } catch (error) {
    // ConfigError (a bad value) or StackFileError (not YAML): one sentence naming key, value and file.
    if (["ConfigError", "StackFileError"].includes((error as Error).name)) throw new UsageError((error as Error).message);
    throw error;
  }
}

export async function main(argv: string[], io: PreflightIo = defaultIo): Promise<number> {
  const parsed = parseCommandLine(argv, { stack: { type: "string" } });
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  const stack = stringOption(parsed.values, "stack");
  if (!stack) throw new UsageError("--stack is required, e.g. --stack prod.");
  const { config, region } = readStack(stack, io.root);
  const findings = await runPreflight(config, region, io.clients);
  for (const f of findings) io.out(`${f.ok ? "ok  " : "FAIL"} ${f.check.padEnd(12)} ${f.sentence}`);
  const problems = findings.filter((f) => !f.ok).length;
  io.out(
    problems === 0 ? `Stack ${stack} is ready for \`pulumi up\`.` : `${problems} problem(s) to fix before \`pulumi up --stack ${stack}\`.`,
  );
  return problems === 0 ? 0 : 1;
}

if (require.main === module) void runCli("preflight", (argv) => main(argv));
