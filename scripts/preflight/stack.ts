/** The stack settings preflight checks: liveinsight:* through config.ts's own parser, plus aws:region. */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { CONFIG_NAMESPACE, ConfigError, parseConfig, type StackConfig } from "../../config";
import { stackFileConfig } from "../lib/stack-file";

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
  const config = stackFileConfig(full); // secure values included: parseConfig judges them
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw = Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
  const region = config["aws:region"];
  return { file, config: parseConfig(raw, stack), region: typeof region === "string" && region !== "" ? region : undefined };
}
