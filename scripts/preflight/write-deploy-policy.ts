/**
 * `npm run deploy-policy [-- --check]`: runs the program offline (Pulumi mocks) for the dev and
 * prod stacks, generates the deploying role's policy from the resource types they register, and
 * writes docs/deploy-policy.json (or, with --check, exits 1 when the committed file differs).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseCommandLine, runCli } from "../lib/cli";
import { REPO_ROOT, runProgram } from "../lib/program-harness";
import { deployPolicy, type PolicyDocument } from "./deploy-policy";

export const POLICY_FILE = path.join(REPO_ROOT, "docs", "deploy-policy.json");

const USAGE = `Usage: npm run deploy-policy [-- --check]

Generates docs/deploy-policy.json, the deploying role's least-privilege IAM policy, from the
resource types the program registers for the dev and prod stacks.

Options:
  --check      compare with the committed file instead of writing it (exit 1 when it differs)
  -h, --help   show this help`;

export async function generatedPolicy(stacks = ["dev", "prod"]): Promise<PolicyDocument> {
  const resources = [];
  for (const stack of stacks) resources.push(...(await runProgram({ stack })).filter((r) => r.custom));
  return deployPolicy(resources);
}

export const renderPolicy = (doc: PolicyDocument) => `${JSON.stringify(doc, null, 2)}\n`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { check: { type: "boolean" } });
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const text = renderPolicy(await generatedPolicy());
  if (parsed.values.check) {
    const same = readFileSync(POLICY_FILE, "utf8") === text;
    process.stdout.write(
      same ? "docs/deploy-policy.json is up to date.\n" : "docs/deploy-policy.json is stale; run `npm run deploy-policy` and commit it.\n",
    );
    return same ? 0 : 1;
  }
  writeFileSync(POLICY_FILE, text);
  process.stdout.write("Wrote docs/deploy-policy.json.\n");
  return 0;
}

if (require.main === module) void runCli("deploy-policy", main);
