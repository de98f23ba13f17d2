/** The stack settings preflight checks: liveinsight:* through config.ts's own parser, plus aws:region. */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { CONFIG_NAMESPACE, ConfigError, parseConfig, type StackConfig } from "../../config";

// js-yaml ships with @pulumi/pulumi but without type declarations; only `load` is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load(text: string): unknown } = require("js-yaml");

export interface PreflightStack {
  readonly file: string;
  readonly config: StackConfig;
  /** `aws:region` from the stack file; undefined when it sets none. */
  readonly region?: string;
}

/** Reads Pulumi.<stack>.yaml; a missing or invalid file is a ConfigError naming key, value and file. */
export function readPreflightStack(stack: string, root: string): PreflightStack {
  const file = `Pulumi.${stack}.yaml`;
  const full = path.join(root, file);
  if (!existsSync(full)) throw new ConfigError(`${file} does not exist; create it with \`pulumi stack init ${stack}\` and set its config.`);
  const doc = yaml.load(readFileSync(full, "utf8")) as { config?: Record<string, unknown> } | undefined;
  const raw: Record<string, unknown> = {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [key, value] of Object.entries(doc?.config ?? {})) if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  const region = doc?.config?.["aws:region"];
  return { file, config: parseConfig(raw, stack), region: typeof region === "string" && region !== "" ? region : undefined };
}
