/**
 * The one reader of the project's Pulumi files for tools: the documented defaults in Pulumi.yaml
 * and a stack's `Pulumi.<stack>.yaml`, both as bare `liveinsight:` keys, or a stack file's whole
 * `config:` block as written (the program harness needs `aws:region` too).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

// js-yaml ships with @pulumi/pulumi and is a dependency of this repo, but has no type declarations here.
const yaml: { load(text: string): unknown } = require("js-yaml");

export const REPO_ROOT = path.resolve(__dirname, "..");
export const NAMESPACE = "liveinsight";

export class StackFileError extends Error {
  readonly name = "StackFileError";
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function readYaml(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new StackFileError(`${path.basename(file)} does not exist in ${path.dirname(file)}.`);
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StackFileError(`${path.basename(file)} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  return isRecord(doc) ? doc : {};
}

/** `liveinsight:<key>` entries of a config block, with the namespace stripped. */
function ownKeys(config: unknown, pick: (value: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(config)) return out;
  for (const [key, value] of Object.entries(config)) {
    const bare = key.startsWith(`${NAMESPACE}:`) ? key.slice(NAMESPACE.length + 1) : undefined;
    const picked = pick(value);
    if (bare !== undefined && picked !== undefined) out[bare] = picked;
  }
  return out;
}

/** Every `liveinsight:` setting Pulumi.yaml declares, as declared (`type`, `default`, `description`). */
export function projectDeclarations(root = REPO_ROOT): Record<string, unknown> {
  return ownKeys(readYaml(path.join(root, "Pulumi.yaml")).config, (decl) => decl);
}

/** The `default:` of every `liveinsight:` setting declared in Pulumi.yaml. */
export function projectDefaults(root = REPO_ROOT): Record<string, unknown> {
  return ownKeys(readYaml(path.join(root, "Pulumi.yaml")).config, (decl) => (isRecord(decl) ? (decl.default ?? decl.value) : decl));
}

/** The whole `config:` block of a stack file, keys as written (`aws:region`, `liveinsight:memorySize`). */
export function stackFileConfig(file: string): Record<string, unknown> {
  const config = readYaml(file).config;
  return isRecord(config) ? { ...config } : {};
}

/** The `liveinsight:` settings of Pulumi.<stack>.yaml; secure values are left out unless `withSecure` (for config.ts to judge). */
export function stackSettings(stack: string, root = REPO_ROOT, withSecure = false): Record<string, unknown> {
  return ownKeys(stackFileConfig(path.join(root, `Pulumi.${stack}.yaml`)), (value) =>
    !withSecure && isRecord(value) && "secure" in value ? undefined : value,
  );
}
