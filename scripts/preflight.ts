/**
 * Deploy prerequisites, checked before `pulumi up` trips over them:
 *
 *   npm run preflight -- --stack <name>
 *
 * Reads Pulumi.<stack>.yaml and, with the caller's AWS credentials, checks the region, the caller
 * identity, the account's Lambda concurrency quota against the stack's reservations, and that the
 * alarm e-mail is not a placeholder. Exit 0 = ready, 1 = problem(s) found, 2 = usage or config error.
 */
import { ConfigError } from "../config";
import { parseCommandLine, runCli, stringOption, UsageError } from "./lib/cli";
import { REPO_ROOT } from "./lib/stack-file";
import { type PreflightClients, realClients } from "./preflight/aws";
import { type Finding, runPreflight } from "./preflight/checks";
import { readPreflightStack } from "./preflight/stack";

export const USAGE = `Usage: npm run preflight -- --stack <name>

Checks what a first \`pulumi up\` needs, with the AWS credentials of the caller (read-only calls:
sts:GetCallerIdentity, lambda:GetAccountSettings, lambda:GetFunctionConcurrency):
  region        aws:region is set in Pulumi.<stack>.yaml and is a region name
  identity      the credentials are valid; prints the account and role
  concurrency   2 x reservedConcurrency + the 100 AWS keeps unreserved fit the account's quota
  alarm-email   liveinsight:alarmEmail is a real address, not a placeholder like oncall@example.com

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

export async function main(argv: string[], io: PreflightIo = defaultIo): Promise<number> {
  const parsed = parseCommandLine(argv, { stack: { type: "string" } });
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  const stack = stringOption(parsed.values, "stack");
  if (!stack) throw new UsageError("--stack is required, e.g. --stack prod.");
  let s: ReturnType<typeof readPreflightStack>;
  try {
    s = readPreflightStack(stack, io.root);
  } catch (error) {
    if (error instanceof ConfigError || (error as Error).name === "ConfigError") throw new UsageError((error as Error).message);
    throw error;
  }
  const findings: Finding[] = await runPreflight(s, io.clients);
  for (const f of findings) io.out(`${f.ok ? "ok  " : "FAIL"} ${f.check.padEnd(12)} ${f.sentence}`);
  const problems = findings.filter((f) => !f.ok).length;
  io.out(
    problems === 0 ? `Stack ${stack} is ready for \`pulumi up\`.` : `${problems} problem(s) to fix before \`pulumi up --stack ${stack}\`.`,
  );
  return problems === 0 ? 0 : 1;
}

if (require.main === module) void runCli("preflight", (argv) => main(argv));
