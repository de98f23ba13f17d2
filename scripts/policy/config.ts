/**
 * The engine's side of policy config, as the CLI does it: read a `--policy-pack-config` file, merge it
 * with what the pack declares (GetAnalyzerInfo) and validate each policy's config against its JSON
 * schema (ajv here, gojsonschema in the CLI). Levels: the policy's own entry > `all` > the pack's
 * initialConfig > the declared level; properties: schema defaults < initialConfig < the file (shallow).
 */

import * as fs from "node:fs";
import Ajv, { type ErrorObject } from "ajv";
import { UsageError } from "../../lib/cli";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy as GetAnalyzerInfo describes it (with the pack's initialConfig for it, if any). */
export interface DeclaredPolicy {
  name: string;
  description?: string;
  enforcementLevel: EnforcementLevel;
  schema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
  initial?: { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> };
}

export type MergedConfig = Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;

/** What a policy config file sets, per policy (or `all`). */
export type GivenConfig = Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>;

/** A config problem: the checker exits 2 with this one sentence. */
export class PolicyConfigError extends UsageError {}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** The file's shapes the CLI accepts: `"policy": "<level>"` or `"policy": {"enforcementLevel"?, …properties}`. */
export function readPolicyConfigFile(file: string): GivenConfig {
  let raw: unknown;
  try {
    const text = fs.readFileSync(file, "utf8");
    raw = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `is not valid JSON (${(error as Error).message})`;
    throw new PolicyConfigError(`${file} ${why}; pass a JSON object keyed by policy name.`);
  }
  if (!isObject(raw)) throw new PolicyConfigError(`${file} must hold a JSON object keyed by policy name.`);
  const given: GivenConfig = {};
  for (const [policy, value] of Object.entries(raw)) {
    if (typeof value !== "string" && !isObject(value)) {
      throw new PolicyConfigError(`${file}: "${policy}" must be an enforcement level string or an object of settings.`);
    }
    const { enforcementLevel, ...properties } = typeof value === "string" ? { enforcementLevel: value } : value;
    if (enforcementLevel !== undefined && !ENFORCEMENT_LEVELS.includes(enforcementLevel as EnforcementLevel)) {
      const levels = ENFORCEMENT_LEVELS.join(", ");
      throw new PolicyConfigError(`${file}: "${policy}" has enforcementLevel ${JSON.stringify(enforcementLevel)}; use one of ${levels}.`);
    }
    given[policy] = { enforcementLevel: enforcementLevel as EnforcementLevel | undefined, properties };
  }
  return given;
}

// useDefaults: ajv fills in each schema default the merged properties leave unset, as the CLI does.
const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true });

/** Merges `given` (undefined = no file) into the declared policies; throws PolicyConfigError naming file, key and fix. */
export function mergePolicyConfig(declared: readonly DeclaredPolicy[], given?: GivenConfig, file = "policy config"): MergedConfig {
  const unknown = Object.keys(given ?? {}).find((name) => name !== "all" && !declared.some((p) => p.name === name));
  if (unknown) {
    const known = declared.map((p) => p.name).join(", ");
    throw new PolicyConfigError(`${file}: "${unknown}" is not a policy of this pack; remove it or use one of: ${known}.`);
  }
  const merged: MergedConfig = {};
  for (const policy of declared) {
    const entry = given?.[policy.name];
    const level = entry?.enforcementLevel ?? given?.all?.enforcementLevel ?? policy.initial?.enforcementLevel ?? policy.enforcementLevel;
    const properties = { ...policy.initial?.properties, ...entry?.properties };
    const check = ajv.compile({
      type: "object",
      properties: policy.schema?.properties ?? {},
      required: policy.schema?.required ?? [],
      additionalProperties: false,
    });
    if (!check(properties)) throw new PolicyConfigError(`${file}: ${describe(policy.name, check.errors![0])}`);
    merged[policy.name] = { enforcementLevel: level, properties };
  }
  return merged;
}

/** One sentence: where (policy.key[.index.field]), what is wrong, how to fix it. */
function describe(policy: string, error: ErrorObject): string {
  const at = [policy, ...error.instancePath.split("/").filter(Boolean)].join(".");
  switch (error.keyword) {
    case "additionalProperties":
      return `"${at}" has unknown setting "${error.params.additionalProperty}"; remove it (see the policy's configSchema for the settings it takes).`;
    case "required":
      return `"${at}" is missing "${error.params.missingProperty}"; add it (an exemption needs resource, reason and expires "YYYY-MM-DD").`;
    case "type":
      return `"${at}" must be of type ${error.params.type}; fix its value.`;
    default:
      return `"${at}" ${error.message}; fix its value.`;
  }
}
