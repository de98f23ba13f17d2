/** Reads a stack's Pulumi.<stack>.yaml through config.ts's own parser, so the bench prices the real settings. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CONFIG_NAMESPACE, parseConfig, StackConfig } from "../../config";

// js-yaml ships without types in this repo; only `load` is used.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const yaml: { load(text: string): unknown } = require("js-yaml");

export function readStackConfig(stack: string, root = path.resolve(__dirname, "../..")): StackConfig {
  const doc = yaml.load(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  return parseConfig(raw, stack);
}
