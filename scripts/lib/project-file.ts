/**
 * Pulumi.yaml, generated from config.ts: every `liveinsight:*` setting declared with its type,
 * default and description for the Pulumi CLI, and the alarm thresholds (an object, which a
 * project's config schema cannot declare) in a comment. `npm run settings:write` rewrites the
 * file; tests/config.test.ts fails while the committed file differs from what this renders.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { ALARM_THRESHOLD_DOCS, CONFIG_NAMESPACE, DEFAULT_ALARM_THRESHOLDS, SETTING_DOCS } from "../../config";
import { REPO_ROOT } from "../../lib/stack-file";

const yaml: { dump(value: unknown, options: { lineWidth: number; quotingType: string }): string } = require("js-yaml");

export const PROJECT_FILE = path.join(REPO_ROOT, "Pulumi.yaml");

const HEADER = `name: liveinsight
runtime:
  name: nodejs
  options:
    typescript: true
description: Real-time web analytics backend on AWS (HTTP API, Lambda, DynamoDB, CloudWatch).

# Generated from config.ts by \`npm run settings:write\`: edit a setting there (its rule, default and
# description), never here. config.ts validates each value and names the key, the value and the
# allowed range. Set per stack with e.g. \`pulumi config set liveinsight:memorySize 512\`.
#`;

/** A project config declaration as the CLI reads it; the CLI has no number type, so every number is declared an integer. */
function declaration(value: unknown, description: string): Record<string, unknown> {
  if (Array.isArray(value)) return { type: "array", items: { type: "string" }, default: [...value], description };
  const type = typeof value === "number" ? "integer" : typeof value === "boolean" ? "boolean" : "string";
  // The CLI cannot declare an optional string without a default, so "" stands for "none" (config.ts reads "" as absent).
  return { type, default: value ?? "", description };
}

function thresholdComment(): string {
  const names = Object.keys(DEFAULT_ALARM_THRESHOLDS) as (keyof typeof DEFAULT_ALARM_THRESHOLDS)[];
  const width = Math.max(...names.map((n) => `${n}: ${DEFAULT_ALARM_THRESHOLDS[n]}`.length)) + 2;
  const lines = names.map((n) => `#   ${`${n}: ${DEFAULT_ALARM_THRESHOLDS[n]}`.padEnd(width)}${ALARM_THRESHOLD_DOCS[n]}`);
  return [
    `# ${CONFIG_NAMESPACE}:alarmThresholds is an object and Pulumi's project schema cannot declare object types,`,
    "# so it is documented here instead. Keys given in a stack file are merged over these defaults:",
    ...lines,
  ].join("\n");
}

/**
 * Settings whose values are objects (or lists of objects): a project's config schema types only
 * strings, integers, booleans and lists of them, and the CLI would refuse a stack value of any
 * other shape, so these are documented in comments; config.ts checks them.
 */
export const UNDECLARED_SETTINGS = ["alarmThresholds", "sites"] as const;

function sitesComment(): string {
  return [
    `# ${CONFIG_NAMESPACE}:sites is a list of objects, which Pulumi's project schema cannot declare either:`,
    `#   ${SETTING_DOCS.sites.description}`,
    "#   Default: none. Example (docs/sites.md):",
    `#   ${CONFIG_NAMESPACE}:sites:`,
    "#     - id: shop",
    '#       hosts: [shop.example.org, "*.shop.example.org"]',
    "#       allowServer: false",
  ].join("\n");
}

/** The whole of Pulumi.yaml. */
export function renderProjectFile(): string {
  const config: Record<string, unknown> = {};
  for (const [key, doc] of Object.entries(SETTING_DOCS)) {
    if ((UNDECLARED_SETTINGS as readonly string[]).includes(key)) continue;
    config[`${CONFIG_NAMESPACE}:${key}`] = declaration(doc.default, doc.description);
  }
  return `${HEADER}\n${thresholdComment()}\n#\n${sitesComment()}\n${yaml.dump({ config }, { lineWidth: -1, quotingType: '"' })}`;
}

if (require.main === module) {
  writeFileSync(PROJECT_FILE, renderProjectFile());
  process.stdout.write(`Wrote ${path.relative(process.cwd(), PROJECT_FILE) || PROJECT_FILE} from config.ts.\n`);
}
