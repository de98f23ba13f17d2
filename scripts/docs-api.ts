/**
 * `npm run docs:api`: rewrites the generated blocks of docs/api.md from the code (routes, CORS,
 * limits, throttling per committed stack, every error body); `--check` only reports a stale file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseCommandLine, runCli } from "../lib/cli";
import { API_DOC, renderSections, spliceGenerated } from "./lib/api-doc";
import { collectApiFacts } from "./lib/api-facts";

export const USAGE = `Usage: npm run docs:api [-- --check]

Renders the tables of docs/api.md between its <!-- generated: <name> --> and
<!-- end generated: <name> --> markers from contracts/, the validator's limits, the committed
Pulumi.<stack>.yaml files and the answers the real handlers give; the prose around them is left alone.

Options:
  --check      write nothing; exit 1 when docs/api.md differs from what would be written
  -h, --help   show this help

Exit status: 0 written (or up to date), 1 stale (--check) or a render error, 2 usage error.`;

/** docs/api.md as it should be, from the file as it is. */
export async function renderApiDoc(current = readFileSync(API_DOC, "utf8")): Promise<string> {
  return spliceGenerated(current, renderSections(await collectApiFacts()));
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { check: { type: "boolean" } });
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const current = readFileSync(API_DOC, "utf8");
  const wanted = await renderApiDoc(current);
  const shown = path.relative(process.cwd(), API_DOC) || API_DOC;
  if (parsed.values.check) {
    if (wanted === current) return 0;
    process.stderr.write(`${shown} is stale: run npm run docs:api\n`);
    return 1;
  }
  if (wanted !== current) writeFileSync(API_DOC, wanted);
  process.stdout.write(wanted === current ? `${shown} is up to date.\n` : `Wrote ${shown}.\n`);
  return 0;
}

if (require.main === module) void runCli("docs:api", main);
